//! Python expressions, laid out once the way `ruff format` leaves them at
//! every line length from 79 up (docs/design.md §6).
//!
//! The generator builds code from these pieces instead of joining strings:
//! an expression goes on one line when it fits in 79 columns, and is
//! otherwise exploded one item a line with a magic trailing comma, which
//! ruff then keeps at any longer line length. Nothing is parsed back.

/// The line length the generated code is laid out for.
pub const MAX_LINE: usize = 79;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// Text written as is: a name, a number, a literal, an operator
    /// expression; never broken.
    Atom(String),
    /// `head(items)`, `head[items]`, `(items)`, `[items]` or `{items}`.
    Group(Group),
    /// `prefix` glued to a value: `key=value`, `"key": value`.
    Prefixed(String, Box<Expr>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    head: String,
    open: &'static str,
    close: &'static str,
    items: Vec<Expr>,
    /// A one-item tuple needs its comma on one line too: `(x,)`.
    tuple: bool,
    /// Written exploded whether it fits or not (a magic trailing comma).
    exploded: bool,
}

impl Expr {
    pub fn atom(text: impl Into<String>) -> Self {
        Self::Atom(text.into())
    }

    /// A string literal.
    pub fn str(text: &str) -> Self {
        Self::Atom(super::py::string(text))
    }

    fn group(head: impl Into<String>, open: &'static str, close: &'static str, items: Vec<Expr>) -> Self {
        Self::Group(Group {
            head: head.into(),
            open,
            close,
            items,
            tuple: false,
            exploded: false,
        })
    }

    /// `head(args)`.
    pub fn call(head: impl Into<String>, args: Vec<Expr>) -> Self {
        Self::group(head, "(", ")", args)
    }

    /// `head[items]`: a subscript such as `Annotated[T, meta]`.
    pub fn subscript(head: impl Into<String>, items: Vec<Expr>) -> Self {
        Self::group(head, "[", "]", items)
    }

    pub fn list(items: Vec<Expr>) -> Self {
        Self::group("", "[", "]", items)
    }

    pub fn tuple(items: Vec<Expr>) -> Self {
        let mut tuple = Self::group("", "(", ")", items);
        if let Self::Group(g) = &mut tuple {
            g.tuple = true;
        }
        tuple
    }

    /// `{"key": value, ...}`.
    pub fn dict(entries: Vec<(Expr, Expr)>) -> Self {
        let items = entries
            .into_iter()
            .map(|(k, v)| Self::Prefixed(format!("{}: ", k.flat()), Box::new(v)))
            .collect();
        Self::group("", "{", "}", items)
    }

    /// `name=value`, a keyword argument.
    pub fn kwarg(name: &str, value: Expr) -> Self {
        Self::Prefixed(format!("{name}="), Box::new(value))
    }

    /// `key: value` with a string key, a dict entry.
    pub fn entry(key: &str, value: Expr) -> Self {
        Self::Prefixed(format!("{}: ", super::py::string(key)), Box::new(value))
    }

    /// The same group, written exploded whatever its length.
    pub fn exploded(mut self) -> Self {
        if let Self::Group(g) = &mut self {
            g.exploded = true;
        }
        self
    }

    /// The keyword of a `name=value` argument.
    pub fn keyword(&self) -> Option<&str> {
        match self {
            Self::Prefixed(prefix, _) => prefix.strip_suffix('='),
            _ => None,
        }
    }

    /// The value of a prefixed expression (`value` of `name=value`).
    pub fn value(&self) -> &Expr {
        match self {
            Self::Prefixed(_, value) => value,
            other => other,
        }
    }

    /// The items of a group whose head is `head` (`Annotated` of
    /// `Annotated[T, meta]`).
    pub fn items_of(&self, wanted: &str) -> Option<&[Expr]> {
        match self {
            Self::Group(g) if g.open == "[" && g.head == wanted => Some(&g.items),
            _ => None,
        }
    }

    /// The expression on one line.
    pub fn flat(&self) -> String {
        let mut out = String::with_capacity(self.flat_len());
        self.write_flat(&mut out);
        out
    }

    fn write_flat(&self, out: &mut String) {
        match self {
            Self::Atom(text) => out.push_str(text),
            Self::Prefixed(prefix, value) => {
                out.push_str(prefix);
                value.write_flat(out);
            }
            Self::Group(g) => {
                out.push_str(&g.head);
                out.push_str(g.open);
                for (i, item) in g.items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_flat(out);
                }
                if g.tuple && g.items.len() == 1 {
                    out.push(',');
                }
                out.push_str(g.close);
            }
        }
    }

    /// The expression followed by `trail`, starting at column `indent` of a
    /// line indented by `indent`.
    pub fn layout(&self, indent: usize, trail: &str) -> String {
        let mut out = String::with_capacity(self.flat_len() + trail.len() + 64);
        self.write(&mut out, indent, indent, trail);
        out
    }

    /// The length of [`Expr::flat`], without writing it.
    fn flat_len(&self) -> usize {
        match self {
            Self::Atom(text) => text.len(),
            Self::Prefixed(prefix, value) => prefix.len() + value.flat_len(),
            Self::Group(g) => {
                let items: usize = g.items.iter().map(Self::flat_len).sum();
                let commas = 2 * g.items.len().saturating_sub(1) + usize::from(g.tuple && g.items.len() == 1);
                g.head.len() + g.open.len() + items + commas + g.close.len()
            }
        }
    }

    fn write(&self, out: &mut String, indent: usize, col: usize, trail: &str) {
        match self {
            Self::Prefixed(prefix, value) => {
                out.push_str(prefix);
                value.write(out, indent, col + prefix.len(), trail);
            }
            Self::Group(g) if !g.items.is_empty() && (g.exploded || col + self.flat_len() + trail.len() > MAX_LINE) => {
                write_exploded(out, (&g.head, g.open, g.close), &g.items, indent, trail);
            }
            _ => {
                self.write_flat(out);
                out.push_str(trail);
            }
        }
    }
}

/// `head` + `open` + `items` one a line (each laid out at `indent + 4`
/// with a trailing comma) + `close` at `indent` + `trail`, appended to
/// `out`: an exploded group whose items are borrowed.
pub fn write_exploded(
    out: &mut String,
    (head, open, close): (&str, &str, &str),
    items: &[Expr],
    indent: usize,
    trail: &str,
) {
    out.push_str(head);
    out.push_str(open);
    out.push('\n');
    for item in items {
        push_pad(out, indent + 4);
        item.write(out, indent + 4, indent + 4, ",");
        out.push('\n');
    }
    push_pad(out, indent);
    out.push_str(close);
    out.push_str(trail);
}

impl From<String> for Expr {
    fn from(text: String) -> Self {
        Self::Atom(text)
    }
}

impl From<&str> for Expr {
    fn from(text: &str) -> Self {
        Self::Atom(text.to_owned())
    }
}

fn push_pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// `<head>(  # <comment>`, `inner` on a line of its own, `)<tail>`. For a
/// line too long for 79 columns that has no comma to explode: ruff would
/// wrap it at some line lengths only, but cannot close parentheses that a
/// comment holds open, so it keeps this layout at all of them.
pub fn held_open(indent: usize, head: &str, comment: &str, inner: &str, tail: &str) -> String {
    let pad = " ".repeat(indent);
    format!("{head}(  # {comment}\n{pad}    {inner}\n{pad}){tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(n: usize) -> Vec<Expr> {
        (0..n).map(|i| Expr::atom(format!("argument_{i}"))).collect()
    }

    #[test]
    fn fits_on_one_line_or_explodes_with_a_trailing_comma() {
        assert_eq!(Expr::call("f", args(2)).layout(4, ""), "f(argument_0, argument_1)");
        // 78 columns fit; one more argument does not.
        assert_eq!(Expr::call("f", args(6)).layout(4, ":").len(), 78 - 4);
        let exploded: String = (0..7).map(|i| format!("        argument_{i},\n")).collect();
        assert_eq!(Expr::call("f", args(7)).layout(4, ":"), format!("f(\n{exploded}    ):"));
        // The trail counts: 79 columns exactly fit, 80 do not.
        let name = "x".repeat(76);
        assert_eq!(Expr::call(name.clone(), vec![]).layout(0, "!"), format!("{name}()!"));
        assert!(Expr::call(name, vec![Expr::atom("a")]).layout(0, "!").contains('\n'));
    }

    #[test]
    fn nested_groups_explode_only_where_they_do_not_fit() {
        let inner = Expr::call("g", args(2));
        let outer = Expr::call("f", vec![inner, Expr::list(args(7))]);
        let items: String = (0..7).map(|i| format!("        argument_{i},\n")).collect();
        assert_eq!(
            outer.layout(0, ""),
            format!("f(\n    g(argument_0, argument_1),\n    [\n{items}    ],\n)")
        );
    }

    #[test]
    fn tuples_dicts_and_keywords() {
        assert_eq!(Expr::tuple(vec![Expr::str("a")]).flat(), "(\"a\",)");
        assert_eq!(Expr::tuple(args(2)).flat(), "(argument_0, argument_1)");
        let dict = Expr::dict(vec![(Expr::str("k"), Expr::atom("1"))]);
        assert_eq!(dict.flat(), "{\"k\": 1}");
        let kw = Expr::kwarg("default", Expr::atom("None"));
        assert_eq!((kw.flat().as_str(), kw.keyword()), ("default=None", Some("default")));
        assert_eq!(
            Expr::call("f", vec![Expr::atom("a")]).exploded().layout(0, ""),
            "f(\n    a,\n)"
        );
    }
}
