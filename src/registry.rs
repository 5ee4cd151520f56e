//! `main.py`: scaffold owns only two marked blocks, the router imports and
//! the `app.include_router(...)` calls, sorted by domain.
//!
//! ruff's isort moves imports across plain comments, so the import block is
//! fenced with `# isort: off` / `# isort: on` inside the markers.

pub const IMPORTS_BEGIN: &str = "# scaffold: begin router imports";
pub const IMPORTS_END: &str = "# scaffold: end router imports";
pub const ROUTES_BEGIN: &str = "# scaffold: begin router registrations";
pub const ROUTES_END: &str = "# scaffold: end router registrations";

/// The result of updating main.py's blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub content: String,
    /// Domains whose router was not registered before.
    pub added: Vec<String>,
    /// Domains registered before that no longer have a spec.
    pub removed: Vec<String>,
}

/// Why the blocks could not be updated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryError {
    /// A marker is missing, repeated or out of order.
    Markers(String),
}

/// The import of a router; wrapped in parentheses (as ruff formats it)
/// when it does not fit in 79 columns.
pub fn import_line(package: &str, domain: &str) -> String {
    let line = format!("from {package}.api.v1.routers import {domain} as {domain}_router");
    if line.len() <= 79 {
        line
    } else {
        format!("from {package}.api.v1.routers import (\n    {domain} as {domain}_router,\n)")
    }
}

pub fn include_line(domain: &str) -> String {
    format!("app.include_router({domain}_router.router)")
}

/// The two marker blocks, as a user adds them to a main.py by hand.
pub fn marker_help() -> String {
    format!(
        "    {IMPORTS_BEGIN}\n    # isort: off\n    # isort: on\n    {IMPORTS_END}\n\n    (after `app = FastAPI(...)`)\n    {ROUTES_BEGIN}\n    {ROUTES_END}"
    )
}

/// Rewrites the two blocks of `main_py` to register exactly `domains`
/// (which must be sorted). A main.py without any marker (a hand-written
/// app adopting scaffold) first gets the two blocks inserted.
pub fn register(main_py: &str, package: &str, domains: &[&str]) -> Result<Registered, RegistryError> {
    let has_markers = main_py
        .lines()
        .any(|l| [IMPORTS_BEGIN, IMPORTS_END, ROUTES_BEGIN, ROUTES_END].contains(&l.trim()));
    let with_blocks;
    let main_py = if has_markers {
        main_py
    } else {
        with_blocks = insert_blocks(main_py).ok_or_else(|| {
            RegistryError::Markers(
                "main.py has no scaffold blocks, and neither an `app = FastAPI(...)` statement nor a `return app` to place them after".to_owned(),
            )
        })?;
        &with_blocks
    };
    let lines: Vec<&str> = main_py.lines().collect();
    let imports = find_block(&lines, IMPORTS_BEGIN, IMPORTS_END)?;
    let routes = find_block(&lines, ROUTES_BEGIN, ROUTES_END)?;
    if imports.0 > routes.0 && imports.0 < routes.1 || routes.0 > imports.0 && routes.0 < imports.1 {
        return Err(RegistryError::Markers(
            "the two scaffold blocks of main.py overlap".to_owned(),
        ));
    }
    let before: Vec<String> = lines[routes.0 + 1..routes.1]
        .iter()
        .filter_map(|l| {
            let l = l.trim();
            l.strip_prefix("app.include_router(")?
                .split_once("_router.router)")
                .map(|(d, _)| d.to_owned())
        })
        .collect();

    let indent = |line: &str| line[..line.len() - line.trim_start().len()].to_owned();
    let import_indent = indent(lines[imports.0]);
    let route_indent = indent(lines[routes.0]);
    let mut import_block = vec![format!("{import_indent}# isort: off")];
    import_block.extend(
        domains
            .iter()
            .map(|d| format!("{import_indent}{}", import_line(package, d))),
    );
    import_block.push(format!("{import_indent}# isort: on"));
    let route_block: Vec<String> = domains
        .iter()
        .map(|d| format!("{route_indent}{}", include_line(d)))
        .collect();

    let mut out: Vec<String> = Vec::with_capacity(lines.len() + 2 * domains.len());
    let mut i = 0;
    while i < lines.len() {
        out.push(lines[i].to_owned());
        if i == imports.0 {
            out.extend(import_block.iter().cloned());
            i = imports.1;
            continue;
        }
        if i == routes.0 {
            out.extend(route_block.iter().cloned());
            i = routes.1;
            continue;
        }
        i += 1;
    }
    let mut content = out.join("\n");
    if main_py.ends_with('\n') || main_py.is_empty() {
        content.push('\n');
    }
    Ok(Registered {
        content,
        added: domains
            .iter()
            .filter(|d| !before.iter().any(|b| b == *d))
            .map(|d| (*d).to_owned())
            .collect(),
        removed: before.into_iter().filter(|b| !domains.contains(&b.as_str())).collect(),
    })
}

/// Inserts the two empty blocks into a main.py that has none: the imports
/// after the last top-level import, the registrations after the module's
/// `app = FastAPI(...)` statement or, in an app factory, before its
/// `return app`. None when no such place exists.
pub fn insert_blocks(main_py: &str) -> Option<String> {
    let lines: Vec<&str> = main_py.lines().collect();
    let statements = top_level_statements(&lines);
    let is_import = |l: &str| l.starts_with("import ") || l.starts_with("from ");
    let last_import_end = statements
        .iter()
        .filter(|(start, _)| is_import(lines[*start]))
        .map(|(_, end)| *end)
        .max()?;
    let app_end = statements
        .iter()
        .find(|(start, _)| {
            let l = lines[*start].replace(' ', "");
            l.starts_with("app=FastAPI(") || l.starts_with("app:FastAPI=FastAPI(")
        })
        .map(|(_, end)| *end);
    // Registrations: after `app = FastAPI(...)`, else before `return app`.
    let (route_at, route_indent) = match app_end {
        Some(end) => (end + 1, String::new()),
        None => {
            let i = lines
                .iter()
                .position(|l| l.trim() == "return app" && l.starts_with(' '))?;
            (i, lines[i][..lines[i].len() - lines[i].trim_start().len()].to_owned())
        }
    };
    if route_at <= last_import_end {
        return None;
    }
    let mut out: Vec<String> = Vec::with_capacity(lines.len() + 8);
    for (i, line) in lines.iter().enumerate() {
        if i == route_at {
            out.push(format!("{route_indent}{ROUTES_BEGIN}"));
            out.push(format!("{route_indent}{ROUTES_END}"));
        }
        out.push((*line).to_owned());
        if i == last_import_end {
            // isort wants a blank line between its sorted block and the fenced one.
            out.extend(["", IMPORTS_BEGIN, "# isort: off", "# isort: on", IMPORTS_END].map(String::from));
        }
    }
    if route_at == lines.len() {
        out.push(ROUTES_BEGIN.to_owned());
        out.push(ROUTES_END.to_owned());
    }
    let mut text = out.join("\n");
    text.push('\n');
    Some(text)
}

/// (first line, last line) of each top-level statement, following open
/// brackets and backslash continuations; docstrings are skipped.
fn top_level_statements(lines: &[&str]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.is_empty() || line.starts_with([' ', '\t', '#', ')', ']', '}']) {
            i += 1;
            continue;
        }
        let start = i;
        if let Some(quote) = ["\"\"\"", "'''"].into_iter().find(|q| line.starts_with(q)) {
            if !line[3..].contains(quote) {
                while i + 1 < lines.len() && !lines[i + 1].contains(quote) {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            continue;
        }
        let mut depth: i64 = 0;
        loop {
            let code = lines[i].split(" #").next().unwrap_or_default();
            let opened = code.matches(['(', '[', '{']).count() as i64;
            let closed = code.matches([')', ']', '}']).count() as i64;
            depth += opened - closed;
            if (depth > 0 || code.trim_end().ends_with('\\')) && i + 1 < lines.len() {
                i += 1;
            } else {
                break;
            }
        }
        out.push((start, i));
        i += 1;
    }
    out
}

/// Line indices of the begin and end markers.
fn find_block(lines: &[&str], begin: &str, end: &str) -> Result<(usize, usize), RegistryError> {
    let find = |marker: &str| -> Result<Option<usize>, RegistryError> {
        let hits: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.trim() == marker)
            .map(|(i, _)| i)
            .collect();
        match hits.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            [_, second, ..] => Err(RegistryError::Markers(format!(
                "line {}: '{marker}' appears more than once",
                second + 1
            ))),
        }
    };
    match (find(begin)?, find(end)?) {
        (Some(b), Some(e)) if b < e => Ok((b, e)),
        (Some(b), Some(_)) => Err(RegistryError::Markers(format!(
            "line {}: '{begin}' comes after its end marker",
            b + 1
        ))),
        (None, None) => Err(RegistryError::Markers(format!("main.py has no '{begin}' block"))),
        (Some(b), None) => Err(RegistryError::Markers(format!(
            "line {}: '{begin}' has no matching '{end}'",
            b + 1
        ))),
        (None, Some(e)) => Err(RegistryError::Markers(format!(
            "line {}: '{end}' has no matching '{begin}'",
            e + 1
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIN: &str = "from fastapi import FastAPI\n\n# scaffold: begin router imports\n# isort: off\n# isort: on\n# scaffold: end router imports\n\napp = FastAPI()\n\n# scaffold: begin router registrations\n# scaffold: end router registrations\n";

    #[test]
    fn registers_sorted_domains_once() {
        let r = register(MAIN, "backend", &["artist", "artwork"]).unwrap();
        assert_eq!(r.added, ["artist", "artwork"]);
        assert_eq!(
            r.content,
            "from fastapi import FastAPI\n\n# scaffold: begin router imports\n# isort: off\n\
             from backend.api.v1.routers import artist as artist_router\n\
             from backend.api.v1.routers import artwork as artwork_router\n# isort: on\n\
             # scaffold: end router imports\n\napp = FastAPI()\n\n# scaffold: begin router registrations\n\
             app.include_router(artist_router.router)\napp.include_router(artwork_router.router)\n\
             # scaffold: end router registrations\n"
        );
        let again = register(&r.content, "backend", &["artist", "artwork"]).unwrap();
        assert_eq!(again.content, r.content);
        assert!(again.added.is_empty());
        let fewer = register(&r.content, "backend", &["artwork"]).unwrap();
        assert_eq!(fewer.removed, ["artist"]);
        assert!(!fewer.content.contains("artist_router"));
    }

    #[test]
    fn places_the_blocks_in_any_main() {
        // (main.py, package, parts the registration of `artist` must show)
        let cases = [
            (
                "def create_app() -> FastAPI:\n    app = FastAPI()\n    # scaffold: begin router registrations\n    # scaffold: end router registrations\n    return app\n# scaffold: begin router imports\n# scaffold: end router imports\n",
                "app",
                vec!["\n    app.include_router(artist_router.router)\n    # scaffold: end"],
            ),
            (
                "\"\"\"My app.\"\"\"\n\nfrom fastapi import (\n    FastAPI,\n)\n\nfrom app.core import x\n\napp = FastAPI(\n    title=\"x\",\n)\n\n\n@app.get(\"/\")\ndef root() -> None:\n    pass\n",
                "app",
                vec![
                    "from app.core import x\n\n# scaffold: begin router imports\n# isort: off\nfrom app.api.v1.routers import artist as artist_router\n# isort: on\n# scaffold: end router imports\n",
                    "    title=\"x\",\n)\n# scaffold: begin router registrations\napp.include_router(artist_router.router)\n# scaffold: end router registrations\n",
                ],
            ),
            (
                "from fastapi import FastAPI\n\n\ndef create_app() -> FastAPI:\n    app = FastAPI()\n    return app\n\n\napp = create_app()\n",
                "backend",
                vec![
                    "    app = FastAPI()\n    # scaffold: begin router registrations\n    app.include_router(artist_router.router)\n    # scaffold: end router registrations\n    return app\n",
                ],
            ),
        ];
        for (main, package, parts) in cases {
            let r = register(main, package, &["artist"]).unwrap();
            for part in parts {
                assert!(r.content.contains(part), "{part:?} not in:\n{}", r.content);
            }
            assert_eq!(register(&r.content, package, &["artist"]).unwrap().content, r.content);
        }
    }

    #[test]
    fn no_place_for_the_blocks_is_an_error() {
        assert!(
            register(
                "from fastapi import FastAPI\napplication = FastAPI()\n",
                "backend",
                &["a"]
            )
            .is_err()
        );
    }

    #[test]
    fn broken_markers_are_errors() {
        let err = register("# scaffold: begin router imports\n", "backend", &[]).unwrap_err();
        assert_eq!(
            err,
            RegistryError::Markers(
                "line 1: '# scaffold: begin router imports' has no matching '# scaffold: end router imports'".into()
            )
        );
    }
}
