//! Values that match a field's `pattern`, for the generated tests: drawn by
//! walking the pattern's syntax tree (regex-syntax, the parser of the regex
//! crate that pydantic validates with), checked against the compiled
//! pattern and the field's lengths, distinct, and the same on every run.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Up to `count` distinct values that match `pattern` (somewhere, as
/// pydantic checks it) and have `min_len..=max_len` characters, in the
/// order drawn. Fewer when the pattern allows fewer, or when the draws keep
/// missing (lookarounds the walk ignores, such as `\b`).
pub fn pattern_values(pattern: &str, min_len: usize, max_len: usize, count: usize) -> Vec<String> {
    let (Ok(hir), Ok(re)) = (regex_syntax::parse(pattern), regex::Regex::new(pattern)) else {
        return Vec::new();
    };
    let mut rng = SplitMix64(seed_of(pattern));
    let mut out: Vec<String> = Vec::new();
    let keep = |value: String, out: &mut Vec<String>| {
        let len = value.chars().count();
        if (min_len..=max_len).contains(&len) && !value.contains('\0') && re.is_match(&value) && !out.contains(&value) {
            out.push(value);
        }
    };
    // Short values first: repetitions grow with the attempts.
    for attempt in 0..count * 64 {
        if out.len() == count {
            return out;
        }
        let mut value = String::new();
        draw(&hir, &mut rng, 1 + attempt / 16, &mut value);
        keep(value, &mut out);
    }
    // A pattern that is not anchored matches longer texts too: a match with
    // a counter after or before it.
    for n in 0..count * 8 {
        if out.len() == count {
            break;
        }
        let mut value = String::new();
        draw(&hir, &mut rng, 1, &mut value);
        keep(format!("{value}{n}"), &mut out);
        keep(format!("{n}{value}"), &mut out);
    }
    out.truncate(count);
    out
}

/// Appends one string the node matches. `spread`: how far past its minimum
/// a repetition may go.
fn draw(hir: &Hir, rng: &mut SplitMix64, spread: usize, out: &mut String) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(lit) => out.push_str(&String::from_utf8_lossy(&lit.0)),
        HirKind::Class(class) => {
            if let Some(c) = pick_char(class, rng) {
                out.push(c);
            }
        }
        HirKind::Repetition(rep) => {
            let min = rep.min as usize;
            let max = rep.max.map_or(usize::MAX, |m| m as usize);
            let extra = rng.below(spread.min(8) + 1);
            let times = min.saturating_add(extra).min(max);
            for _ in 0..times {
                draw(&rep.sub, rng, spread, out);
            }
        }
        HirKind::Capture(cap) => draw(&cap.sub, rng, spread, out),
        HirKind::Concat(parts) => parts.iter().for_each(|p| draw(p, rng, spread, out)),
        HirKind::Alternation(branches) => draw(&branches[rng.below(branches.len())], rng, spread, out),
    }
}

/// A character of the class, readable ones (ASCII letters and digits, then
/// other printable ASCII) preferred over the rest.
fn pick_char(class: &Class, rng: &mut SplitMix64) -> Option<char> {
    let ranges: Vec<(char, char)> = match class {
        Class::Unicode(u) => u.iter().map(|r| (r.start(), r.end())).collect(),
        Class::Bytes(b) => b
            .iter()
            .filter(|r| r.start() < 0x80)
            .map(|r| (char::from(r.start()), char::from(r.end().min(0x7f))))
            .collect(),
    };
    let within = |c: char| ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
    for preferred in [
        &('a'..='z').chain('A'..='Z').chain('0'..='9').collect::<Vec<_>>(),
        &(' '..='~').collect::<Vec<_>>(),
    ] {
        let chars: Vec<char> = preferred.iter().copied().filter(|&c| within(c)).collect();
        if !chars.is_empty() {
            return Some(chars[rng.below(chars.len())]);
        }
    }
    // Only non-ASCII: the first few characters of a range.
    let (lo, hi) = ranges.iter().copied().find(|&(lo, _)| lo != '\0')?;
    let span = (hi as u32 - lo as u32).min(25) as usize + 1;
    char::from_u32(lo as u32 + rng.below(span) as u32).filter(|&c| within(c))
}

/// The pattern's own seed, so its values do not depend on anything else.
fn seed_of(pattern: &str) -> u64 {
    // FNV-1a: a fixed function, stable across releases of any crate.
    pattern.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// SplitMix64. A fixed algorithm written out here rather than a crate's
/// generator: the generated tests must stay byte-identical across releases
/// of every dependency, or `scaffold check` would report drift.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (n ≥ 1).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pattern: &str, min: usize, max: usize, want: usize) -> Vec<String> {
        let values = pattern_values(pattern, min, max, want);
        let re = regex::Regex::new(pattern).unwrap();
        for v in &values {
            assert!(re.is_match(v), "{v:?} does not match {pattern}");
            assert!((min..=max).contains(&v.chars().count()), "{v:?} length");
        }
        let mut unique = values.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), values.len(), "repeats in {values:?}");
        values
    }

    #[test]
    fn distinct_matching_values_of_common_patterns() {
        for pattern in [
            "^[a-z]+$",
            "^[0-9]{13}$",
            "^[A-Z]{2}-[0-9]{4}$",
            "^(foo|bar)-[0-9]+$",
            "[0-9]",
            r"^\d{3}\.\d{2}$",
            "^[a-z]+(-[a-z]+)*$",
            r"^[^@\s]+@[^@\s]+$",
            r"^\p{Lu}\p{Ll}+$",
            "^#[0-9a-fA-F]{6}$",
            r"^v\d+\.\d+\.\d+$",
            "^x$|^y[0-9]{2}$",
            "^(?i)[a-f]{4}$",
            r"^\w+\b$",
        ] {
            assert_eq!(check(pattern, 0, 255, 16).len(), 16, "{pattern}");
        }
    }

    #[test]
    fn lengths_bound_the_values() {
        let values = check("^[a-z]+$", 3, 4, 16);
        assert_eq!(values.len(), 16);
    }

    #[test]
    fn small_languages_give_what_they_have() {
        assert_eq!(check("^(a|b)$", 0, 10, 16).len(), 2);
        assert!(check("^[a-z]{5}$", 0, 4, 16).is_empty());
    }

    #[test]
    fn values_are_the_same_on_every_run() {
        assert_eq!(
            pattern_values("^[a-z]{3}[0-9]$", 0, 9, 4),
            pattern_values("^[a-z]{3}[0-9]$", 0, 9, 4)
        );
    }
}
