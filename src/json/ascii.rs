//! Writing JSON as ASCII text: every character past U+007F escaped (`\u00e9`, a surrogate pair
//! past U+FFFF). The same JSON value, for text that crosses into a JS engine: wasm-bindgen
//! hands a Rust string to JS through `TextDecoder`, which in Node 20 decodes UTF-8 that is not
//! ASCII about 9× slower than ASCII (a full sync's changesets: 154 ms against 17 ms for 49 MB,
//! measured), and `JSON.parse` then reads the escapes back.
//!
//! The escaping is a pass over serde_json's output rather than a formatter of its own: JSON text
//! has characters past U+007F only inside strings, where an escape means the same character,
//! and a formatter of its own compiled every serializer again (5.3 KB of gzipped wasm, measured).

use serde::Serialize;

/// The lowercase hex digit of `n`'s low four bits.
fn hex(n: u16) -> char {
    char::from(
        b"0123456789abcdef"
            .get(usize::from(n & 0xf))
            .copied()
            .unwrap_or(b'0'),
    )
}

/// `text` with every character past U+007F written as a JSON escape. Only for JSON text, where
/// that is the same value.
fn escape_non_ascii(text: String) -> String {
    if text.is_ascii() {
        return text;
    }
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut rest = text.as_str();
    while let Some((ascii, tail)) = rest
        .find(|c: char| !c.is_ascii())
        .and_then(|at| rest.split_at_checked(at))
    {
        out.push_str(ascii);
        let mut chars = tail.chars();
        if let Some(c) = chars.next() {
            let mut units = [0u16; 2];
            for &unit in c.encode_utf16(&mut units).iter() {
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(hex(unit >> shift));
                }
            }
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
    out
}

/// `value` as JSON text in ASCII (see the module). Fails only where `serde_json::to_string`
/// would (a map with keys that are not strings, a custom `Serialize` that fails).
pub fn to_ascii_json<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    serde_json::to_string(value).map(escape_non_ascii)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn non_ascii_is_escaped_and_reads_back_as_the_same_value() {
        let v = json!({
            "name": "Zoë Ångström", "cjk": "山田太郎", "emoji": "ok 👍", "plain": "a\"b\\c\n",
            "émoji-key": ["ü", 1, 2.5, null, true], "nested": {"x": "é"},
        });
        let text = to_ascii_json(&v).unwrap();
        assert!(text.is_ascii(), "{text}");
        assert!(text.contains(r#""Zo\u00eb \u00c5ngstr\u00f6m""#), "{text}");
        assert!(
            text.contains(r"\ud83d\udc4d"),
            "a surrogate pair past U+FFFF: {text}"
        );
        assert!(text.contains(r#""\u00e9moji-key""#), "keys too: {text}");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }

    proptest::proptest! {
        #[test]
        fn any_string_reads_back(s in "\\PC*", key in "\\PC{0,8}") {
            let v = json!({ key: [s.clone(), {"k": s}] });
            let text = to_ascii_json(&v).unwrap();
            proptest::prop_assert!(text.is_ascii());
            proptest::prop_assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v);
        }
    }

    #[test]
    fn ascii_text_is_what_serde_json_writes() {
        let v = json!({"a": [1, "two", {"b": null}], "c": "tab\there", "d": -0.5});
        assert_eq!(
            to_ascii_json(&v).unwrap(),
            serde_json::to_string(&v).unwrap()
        );
    }
}
