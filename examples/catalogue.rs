//! Print the error catalogue as the README's Markdown table (for `scripts/completions.sh`).

fn main() {
    print!("{}", pwaccount::catalogue_markdown());
}
