//! Print the error catalogue as the README's Markdown table (for `scripts/completions.sh`).
// A program of its own, outside the layers clippy.toml guards.
#![allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

fn main() {
    print!("{}", pwaccount::catalogue_markdown());
}
