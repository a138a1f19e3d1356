//! What the readers that stream straight from the text share (the event envelope, reference users
//! and their groups, Directory API pages). Each handles only the usual shape (lower-case keys,
//! each once) and gives up on anything else, including every error, leaving the input to the
//! general path, which decides.

use serde::de;

/// Most members an object may have on these paths (the reference user has about 30).
const MAX_KEYS: usize = 64;

/// Any reason to leave the input to the general path; never shown to anyone.
pub(crate) fn give_up<E: de::Error>() -> E {
    E::custom("not the fast path")
}

/// Member names seen in one object, to give up on duplicates (the general path keeps the last).
pub(crate) struct Seen<'de> {
    keys: [&'de str; MAX_KEYS],
    len: usize,
}

impl<'de> Seen<'de> {
    pub(crate) fn new() -> Self {
        Self {
            keys: [""; MAX_KEYS],
            len: 0,
        }
    }

    /// Records `key`; `false` when it is a repeat, has upper case (the general path matches names
    /// ignoring case) or there are too many.
    pub(crate) fn fresh(&mut self, key: &'de str) -> bool {
        if key.bytes().any(|b| b.is_ascii_uppercase())
            || self.len == MAX_KEYS
            || self
                .keys
                .get(..self.len)
                .is_none_or(|seen| seen.contains(&key))
        {
            return false;
        }
        let Some(slot) = self.keys.get_mut(self.len) else {
            return false;
        };
        *slot = key;
        self.len += 1;
        true
    }
}
