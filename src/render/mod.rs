//! askama templates, one struct per output file; identifiers are computed
//! in Rust (`names`, `spec`) before rendering, never in template filters.

pub mod domain;
pub mod imports;
pub mod project;

/// Renders a template as a file: askama drops the template's final newline,
/// and every generated file ends with exactly one.
pub fn finish(template: impl askama::Template) -> String {
    let mut text = template
        .render()
        .expect("templates render from values computed in Rust");
    text.push('\n');
    text
}
