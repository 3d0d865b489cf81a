//! `#[test]` for pwaccount's integration suite (`tests/lib.rs`, a libtest-mimic harness).
//!
//! `#[test]` keeps the function as written and registers it in the suite's list of tests;
//! `#[test(pgsql, root)]` also names what the test needs from the machine, checked when the
//! suite runs (not when it is built): where something is missing the test is reported as
//! ignored with the reason, and under `CI=true` it fails instead. An `#[ignore = "…"]` on
//! the function is kept as the test's own ignore flag.
//!
//! Written without `syn`: the item is only scanned for its attributes and its name.

use proc_macro::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// Registers the function as a test of the suite; the arguments name what it needs.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    let needs = match needs(args) {
        Ok(needs) => needs,
        Err(message) => return compile_error(&message),
    };
    let mut kept = Vec::new();
    let mut ignore: Option<String> = None;
    let mut name: Option<Ident> = None;
    let mut tokens = item.into_iter().peekable();
    while let Some(token) = tokens.next() {
        // `#[ignore]` / `#[ignore = "reason"]`: taken out of the item, kept as the flag.
        if let TokenTree::Punct(p) = &token
            && p.as_char() == '#'
            && let Some(TokenTree::Group(g)) = tokens.peek()
            && g.delimiter() == Delimiter::Bracket
            && let Some(reason) = ignore_reason(g)
        {
            ignore = Some(reason);
            tokens.next();
            continue;
        }
        if let TokenTree::Ident(i) = &token
            && i.to_string() == "fn"
            && name.is_none()
            && let Some(TokenTree::Ident(n)) = tokens.peek()
        {
            name = Some(n.clone());
        }
        kept.push(token);
    }
    let Some(name) = name else {
        return compile_error("#[test] goes on a function");
    };
    let needs = needs
        .iter()
        .map(|need| format!("crate::harness::suite::Need::{need},"))
        .collect::<String>();
    let ignore = match ignore {
        Some(reason) => format!("Some({})", Literal::string(&reason)),
        None => "None".to_owned(),
    };
    let registration = format!(
        "#[::linkme::distributed_slice(crate::harness::suite::TESTS)]
         #[allow(non_upper_case_globals, unsafe_code)]
         static __pwaccount_test_{name}: crate::harness::suite::Test = crate::harness::suite::Test {{
             module: module_path!(),
             name: \"{name}\",
             run: {name},
             needs: &[{needs}],
             ignore: {ignore},
         }};"
    );
    let mut out: TokenStream = kept.into_iter().collect();
    match registration.parse::<TokenStream>() {
        Ok(registration) => out.extend(registration),
        Err(e) => return compile_error(&format!("#[test]: {e}")),
    }
    out
}

/// The needs named in `#[test(a, b)]`, as the suite's `Need` variants (`pg_replica` →
/// `PgReplica`).
fn needs(args: TokenStream) -> Result<Vec<String>, String> {
    let mut needs = Vec::new();
    for token in args {
        match token {
            TokenTree::Ident(i) => {
                let variant = i
                    .to_string()
                    .split('_')
                    .map(|part| {
                        let mut chars = part.chars();
                        chars.next().map_or_else(String::new, |c| {
                            c.to_ascii_uppercase().to_string() + chars.as_str()
                        })
                    })
                    .collect();
                needs.push(variant);
            }
            TokenTree::Punct(p) if p.as_char() == ',' => {}
            other => return Err(format!("#[test(...)] names needs, not `{other}`")),
        }
    }
    Ok(needs)
}

/// The reason of an `ignore` attribute (empty for a bare `#[ignore]`); `None` for any
/// other attribute.
fn ignore_reason(attribute: &Group) -> Option<String> {
    let mut inner = attribute.stream().into_iter();
    match inner.next() {
        Some(TokenTree::Ident(i)) if i.to_string() == "ignore" => {}
        _ => return None,
    }
    let _equals = inner.next();
    let reason = match inner.next() {
        Some(TokenTree::Literal(l)) => {
            let text = l.to_string();
            text.strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .unwrap_or(&text)
                .replace("\\\"", "\"")
        }
        _ => String::new(),
    };
    Some(reason)
}

/// `compile_error!("message")` where the attribute stands.
fn compile_error(message: &str) -> TokenStream {
    [
        TokenTree::Ident(Ident::new("compile_error", Span::call_site())),
        TokenTree::Punct(Punct::new('!', Spacing::Alone)),
        TokenTree::Group(Group::new(
            Delimiter::Parenthesis,
            TokenTree::Literal(Literal::string(message)).into(),
        )),
        TokenTree::Punct(Punct::new(';', Spacing::Alone)),
    ]
    .into_iter()
    .collect()
}
