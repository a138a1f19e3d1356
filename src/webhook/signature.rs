//! The `webhook-signature` header: entries `version,base64` separated by ASCII whitespace.

pub(crate) use super::mac::Tag;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine as _};

/// Standard alphabet, padding optional (canonical trailing bits, so one MAC has one encoding).
const SIGNATURE_B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// base64 of 32 bytes: 43 characters, plus one `=` when padded.
const UNPADDED_LEN: usize = 43;

/// One entry of the header.
pub(crate) enum Entry {
    /// A well-formed `v1` signature.
    V1(Tag),
    /// Another version (`v1a`, `v2`, …) or a malformed entry: skipped, never fatal.
    Skipped,
}

/// The entries of a `webhook-signature` value, split on any run of ASCII whitespace. A trailing
/// `,` on an entry is ignored (Fetch `Headers` joins repeated headers with `", "`).
pub(crate) fn entries(header: &str) -> impl Iterator<Item = Entry> + '_ {
    header.split_ascii_whitespace().map(parse_entry)
}

fn parse_entry(raw: &str) -> Entry {
    let entry = raw.strip_suffix(',').unwrap_or(raw);
    match entry.split_once(',') {
        Some(("v1", encoded)) => decode_tag(encoded).map_or(Entry::Skipped, Entry::V1),
        _ => Entry::Skipped,
    }
}

fn decode_tag(encoded: &str) -> Option<Tag> {
    let len_ok = match encoded.len() {
        UNPADDED_LEN => true,
        n if n == UNPADDED_LEN + 1 => encoded.ends_with('='),
        _ => false,
    };
    if !len_ok {
        return None;
    }
    let mut tag: Tag = [0; 32];
    match SIGNATURE_B64.decode_slice(encoded, &mut tag) {
        Ok(n) if n == tag.len() => Some(tag),
        _ => None,
    }
}

/// Appends `v1,<base64 tag>` to `out`.
pub(crate) fn encode_into(tag: &Tag, out: &mut String) {
    out.push_str("v1,");
    base64::engine::general_purpose::STANDARD.encode_string(tag, out);
}
