//! askama templates, one struct per output file; identifiers are computed
//! in Rust (`names`, `spec`) before rendering, never in template filters.

mod api_tests;
pub mod domain;
pub mod expr;
pub mod fields;
pub mod imports;
pub mod project;
pub mod py;
pub mod samples;
pub mod support;

/// Renders a template as a file: askama drops the template's final newline,
/// and every generated file ends with exactly one.
pub fn finish(template: impl askama::Template) -> String {
    let mut text = template
        .render()
        .expect("templates render from values computed in Rust");
    text.push('\n');
    text
}

/// Where [`finish_with_imports`] puts the import block: a comment, so the
/// identifiers of the rendered code are read without it.
const IMPORTS_SLOT: &str = "# scaffold: imports slot";

/// Renders a file whose import block holds exactly what its code uses:
/// `render` gets the text to place as the block, the code is rendered with a
/// slot there, and the slot is then filled with the imports it names.
pub fn finish_with_imports(imports: &imports::Imports, render: impl FnOnce(String) -> String) -> String {
    let text = render(IMPORTS_SLOT.to_owned());
    let mut imports = imports.clone();
    imports.retain_used(&py::code_identifiers(&text));
    text.replacen(IMPORTS_SLOT, &imports.render(), 1)
}

/// Declares one askama struct per fixed template (they only need the
/// package and project names, and the pip requirement of this scaffold)
/// and a function rendering them all as `(path below templates/<dir>/, text)`.
macro_rules! fixed_templates {
    ($render_all:ident, $prefix:literal, { $($ty:ident => $path:literal),* $(,)? }) => {
        $(
            #[derive(askama::Template)]
            #[template(path = $path, escape = "none")]
            #[allow(dead_code, reason = "not every template uses every value")]
            struct $ty<'a> {
                package: &'a str,
                project: &'a str,
                requirement: &'a str,
            }
        )*

        fn $render_all(package: &str, project: &str) -> Vec<(&'static str, String)> {
            vec![$((
                $path.strip_prefix($prefix).expect("template paths share the prefix"),
                $crate::render::finish($ty { package, project, requirement: $crate::REQUIREMENT }),
            )),*]
        }
    };
}
pub(crate) use fixed_templates;

/// `package/x.py` → `<package>/x.py`; `package/main.py` → the configured main.
pub fn output_path(config: &crate::config::ProjectConfig, template_path: &str) -> String {
    if template_path == "package/main.py" {
        config.main.clone()
    } else if let Some(rest) = template_path.strip_prefix("package/") {
        format!("{}/{rest}", config.package)
    } else {
        template_path.to_owned()
    }
}
