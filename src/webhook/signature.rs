//! The `webhook-signature` header: entries `version,base64` separated by ASCII whitespace.

pub(crate) use super::mac::Tag;
use base64::Engine as _;

/// base64 of 32 bytes: 43 characters, plus one `=` when padded.
const UNPADDED_LEN: usize = 43;

/// Standard-alphabet sextet values; 0xff (high bit set) for every other byte, `=` included.
// Built at compile time: an index out of bounds would fail the build, not a call.
#[allow(clippy::indexing_slicing)]
const SEXTETS: [u8; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut table = [0xff; 256];
    let mut i = 0;
    while i < alphabet.len() {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// One entry of the header.
pub(crate) enum Entry<'a> {
    /// A well-formed `v1` signature.
    V1(Tag),
    /// A `v1a` entry's base64 part, decoded only when there is a key to check it with
    /// ([`super::ed25519::decode_signature`]).
    V1a(&'a str),
    /// Another version (`v2`, …) or a malformed entry: skipped, never fatal.
    Skipped,
}

/// The entries of a `webhook-signature` value, split on any run of ASCII whitespace. A trailing
/// `,` on an entry is ignored (Fetch `Headers` joins repeated headers with `", "`).
pub(crate) fn entries(header: &str) -> impl Iterator<Item = Entry<'_>> + '_ {
    // Not `split_ascii_whitespace`: its per-byte predicate was the hottest part of the per-call
    // overhead in V8 (~17 instructions a byte, each load bounds-checked in workerd).
    let bytes = header.as_bytes();
    let mut at = 0;
    core::iter::from_fn(move || {
        while bytes.get(at).is_some_and(|&b| is_space(b)) {
            at += 1;
        }
        let start = at;
        at = next_space(bytes, at);
        // Split only at ASCII bytes, so always at char boundaries.
        header
            .get(start..at)
            .filter(|e| !e.is_empty())
            .map(parse_entry)
    })
}

fn is_space(b: u8) -> bool {
    b.is_ascii_whitespace()
}

/// The index of the first ASCII whitespace byte at or after `from`, or `bytes.len()`.
fn next_space(bytes: &[u8], mut at: usize) -> usize {
    // Eight bytes at a time while none is <= b' ' (every ASCII whitespace byte is): the classic
    // SWAR "has a byte less than n" test, exact about whether such a byte exists.
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    while let Some(Ok(word)) = bytes.get(at..at + 8).map(<[u8; 8]>::try_from) {
        let x = u64::from_le_bytes(word);
        if x.wrapping_sub(ONES * u64::from(b' ' + 1)) & !x & HIGHS != 0 {
            break;
        }
        at += 8;
    }
    while bytes.get(at).is_some_and(|&b| !is_space(b)) {
        at += 1;
    }
    at
}

fn parse_entry(raw: &str) -> Entry<'_> {
    let entry = raw.strip_suffix(',').unwrap_or(raw);
    // Same as splitting at the first comma and comparing the version with "v1" / "v1a".
    if let Some(encoded) = entry.strip_prefix("v1,") {
        return decode_tag(encoded).map_or(Entry::Skipped, Entry::V1);
    }
    match entry.strip_prefix("v1a,") {
        Some(encoded) => Entry::V1a(encoded),
        None => Entry::Skipped,
    }
}

/// Decodes a tag: standard alphabet, padding optional, canonical trailing bits (so one MAC has
/// one encoding). Fixed-size and branch-light: the `base64` engine's general decoder cost as
/// much as several SHA-256 blocks' worth of the per-call overhead in wasm.
// `SEXTETS` has 256 entries, indexed by a byte; `i` < UNPADDED_LEN = `chars.len()` (matched above).
#[allow(clippy::indexing_slicing)]
fn decode_tag(encoded: &str) -> Option<Tag> {
    let chars = match encoded.as_bytes() {
        b if b.len() == UNPADDED_LEN => b,
        [b @ .., b'='] if b.len() == UNPADDED_LEN => b,
        _ => return None,
    };
    let mut invalid = 0u8;
    let mut sextet = |i: usize| {
        let v = SEXTETS[usize::from(chars[i])];
        invalid |= v;
        u32::from(v)
    };
    let mut tag: Tag = [0; 32];
    for (g, out) in tag[..30].chunks_exact_mut(3).enumerate() {
        let n = sextet(4 * g) << 18
            | sextet(4 * g + 1) << 12
            | sextet(4 * g + 2) << 6
            | sextet(4 * g + 3);
        out.copy_from_slice(&n.to_be_bytes()[1..]);
    }
    // The last three characters carry 16 bits and 2 bits that must be zero.
    let n = sextet(40) << 12 | sextet(41) << 6 | sextet(42);
    tag[30] = (n >> 10) as u8;
    tag[31] = (n >> 2) as u8;
    (invalid & 0x80 == 0 && n & 3 == 0).then_some(tag)
}

/// Appends `v1,<base64 tag>` to `out`.
pub(crate) fn encode_into(tag: &Tag, out: &mut String) {
    out.push_str("v1,");
    base64::engine::general_purpose::STANDARD.encode_string(tag, out);
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    use base64::engine::DecodePaddingMode;
    use base64::{alphabet, Engine as _};
    use proptest::prelude::*;

    use super::{decode_tag, entries, parse_entry, Entry};

    fn summary<'a>(
        entries: impl Iterator<Item = Entry<'a>>,
    ) -> Vec<(Option<[u8; 32]>, Option<&'a str>)> {
        entries
            .map(|e| match e {
                Entry::V1(tag) => (Some(tag), None),
                Entry::V1a(encoded) => (None, Some(encoded)),
                Entry::Skipped => (None, None),
            })
            .collect()
    }

    /// The `base64` engine configured as `decode_tag` decodes: the reference.
    const REFERENCE: GeneralPurpose = GeneralPurpose::new(
        &alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );

    fn reference(encoded: &str) -> Option<[u8; 32]> {
        let mut tag = [0; 32];
        let len_ok = encoded.len() == 43 || (encoded.len() == 44 && encoded.ends_with('='));
        match REFERENCE.decode_slice(encoded, &mut tag) {
            Ok(32) if len_ok => Some(tag),
            _ => None,
        }
    }

    proptest! {
        #[test]
        fn entries_split_as_split_ascii_whitespace(
            parts in prop::collection::vec("(v1,|v1a,|v2,|,)?[A-Za-z0-9+/=,\\x00\\x01\\x0b\\x1f!\\x7f\\u{e9}]{0,45}|[ \t\n\r\x0c\x0b\u{a0}]{1,3}", 0..8),
        ) {
            let header = parts.concat();
            prop_assert_eq!(
                summary(entries(&header)),
                summary(header.split_ascii_whitespace().map(parse_entry))
            );
        }

        #[test]
        fn matches_the_base64_crate(s in "[A-Za-z0-9+/=_\\-. ]{41,46}") {
            prop_assert_eq!(decode_tag(&s), reference(&s));
        }

        #[test]
        fn decodes_every_tag_and_agrees_after_any_one_change(
            tag in any::<[u8; 32]>(),
            padded in any::<bool>(),
            at in 0..44usize,
            byte in any::<u8>(),
        ) {
            let mut s = base64::engine::general_purpose::STANDARD_NO_PAD.encode(tag);
            if padded {
                s.push('=');
            }
            prop_assert_eq!(decode_tag(&s), Some(tag));
            let mut chars: Vec<char> = s.chars().collect();
            let at = at % chars.len();
            chars[at] = char::from(byte);
            let changed: String = chars.into_iter().collect();
            prop_assert_eq!(decode_tag(&changed), reference(&changed));
        }
    }
}
