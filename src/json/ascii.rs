//! Writing JSON as ASCII text: every character past U+007F escaped (`\u00e9`, a surrogate pair
//! past U+FFFF). The same JSON value, for text that crosses into a JS engine: wasm-bindgen
//! hands a Rust string to JS through `TextDecoder`, which in Node 20 decodes UTF-8 that is not
//! ASCII about 9× slower than ASCII (a full sync's changesets: 154 ms against 17 ms for 49 MB,
//! measured), and `JSON.parse` then reads the escapes back.

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

/// serde_json's compact output, with non-ASCII characters in strings escaped.
struct AsciiFormatter;

/// The lowercase hex digit of `n`'s low four bits.
fn hex(n: u16) -> u8 {
    let d = (n & 0xf) as u8;
    if d < 10 {
        b'0' + d
    } else {
        b'a' + d - 10
    }
}

impl Formatter for AsciiFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((ascii, tail)) = rest
            .find(|c: char| !c.is_ascii())
            .and_then(|at| rest.split_at_checked(at))
        {
            writer.write_all(ascii.as_bytes())?;
            let mut chars = tail.chars();
            if let Some(c) = chars.next() {
                let mut units = [0u16; 2];
                for &unit in c.encode_utf16(&mut units).iter() {
                    let escape = [
                        b'\\',
                        b'u',
                        hex(unit >> 12),
                        hex(unit >> 8),
                        hex(unit >> 4),
                        hex(unit),
                    ];
                    writer.write_all(&escape)?;
                }
            }
            rest = chars.as_str();
        }
        writer.write_all(rest.as_bytes())
    }

    // Everything else as `Formatter`'s provided methods write it: serde_json's compact output.
}

/// `value` as JSON text in ASCII (see the module). Fails only where `serde_json::to_string`
/// would (a map with keys that are not strings, a custom `Serialize` that fails).
pub fn to_ascii_json<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    let mut out = Vec::with_capacity(128);
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut out,
        AsciiFormatter,
    ))?;
    // Only ASCII was written: the bytes are UTF-8.
    String::from_utf8(out).map_err(|e| serde::ser::Error::custom(e.to_string()))
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

    #[test]
    fn ascii_text_is_what_serde_json_writes() {
        let v = json!({"a": [1, "two", {"b": null}], "c": "tab\there", "d": -0.5});
        assert_eq!(
            to_ascii_json(&v).unwrap(),
            serde_json::to_string(&v).unwrap()
        );
    }
}
