//! The JS declarations document the client's defaults and page-size limits; the values are the
//! core's (`ClientConfig::new`, `MAX_*_PAGE_SIZE`). This keeps the two from drifting: each option
//! of `DirectoryClientOptions` in pkg-template/index.d.ts must state the core's default.

use scimkit::directory::{ClientConfig, MAX_MEMBER_PAGE_SIZE, MAX_ORGANIZATION_PAGE_SIZE};

/// The doc comment right above `name?:` inside `interface`, in index.d.ts.
fn doc_of<'a>(dts: &'a str, interface: &str, name: &str) -> &'a str {
    let start = dts
        .find(&format!("export interface {interface} "))
        .unwrap_or_else(|| panic!("no interface {interface} in index.d.ts"));
    let body = &dts[start..];
    let body = &body[..body.find("\n}").expect("interface end")];
    let at = body
        .find(&format!("\n  {name}?:"))
        .unwrap_or_else(|| panic!("no {interface}.{name} in index.d.ts"));
    let before = &body[..at];
    let open = before.rfind("/**").expect("a doc comment");
    &before[open..]
}

/// `30000` as the declarations write it: `30,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn declared_client_defaults_are_the_core_defaults() {
    // Test-only file read of a file in this repository.
    #[allow(clippy::disallowed_methods)]
    let dts = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/pkg-template/index.d.ts"
    ))
    .expect("pkg-template/index.d.ts");
    let c = ClientConfig::new("https://x", "id", "secret");
    for (name, value) in [
        ("maxRetries", u64::from(c.max_retries)),
        ("timeoutMs", c.timeout_ms),
        ("backoffBaseMs", c.backoff_base_ms),
        ("backoffMaxMs", c.backoff_max_ms),
        ("maxRetryAfterMs", c.max_retry_after_ms),
    ] {
        let doc = doc_of(&dts, "DirectoryClientOptions", name);
        let want = format!("Default {}", thousands(value));
        assert!(
            doc.contains(&format!("{want}.")) || doc.contains(&format!("{want};")),
            "index.d.ts DirectoryClientOptions.{name} should say `{want}`: {doc}"
        );
    }
    for (interface, max) in [
        ("PageOptions", MAX_ORGANIZATION_PAGE_SIZE),
        ("UserListOptions", MAX_MEMBER_PAGE_SIZE),
        ("GroupListOptions", MAX_MEMBER_PAGE_SIZE),
    ] {
        let doc = doc_of(&dts, interface, "pageSize");
        assert!(
            doc.contains(&format!("1–{max}")),
            "index.d.ts {interface}.pageSize should say `1–{max}`: {doc}"
        );
    }
}
