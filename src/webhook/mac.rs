//! HMAC-SHA256 on `sha2`'s block function: precomputed inner/outer states, whole blocks hashed
//! straight from the input slices (no per-update buffering through the `digest` traits), and a
//! constant-time tag comparison.

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
use sha2::block_api::compress256;

/// SHA-256 of one block into `state`: the SIMD128 rounds in wasm, `sha2`'s block function
/// (SHA-NI / ARMv8 SHA2 where the CPU has them) natively. One out-of-line copy: inlining the
/// fully unrolled rounds at each call site made small messages slower.
#[inline(never)]
fn compress(state: &mut [u32; 8], block: &[u8; BLOCK]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    super::sha256_wasm::compress_block(state, block);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    compress256(state, core::slice::from_ref(block));
}

/// An HMAC-SHA256 tag.
pub(crate) type Tag = [u8; 32];

const BLOCK: usize = 64;

const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// The keyed states: SHA-256 after one block of `key ^ ipad` and of `key ^ opad`.
#[derive(Clone)]
pub(crate) struct HmacKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl HmacKey {
    /// Keys HMAC-SHA256 with `key` (any length; longer than a block is hashed first, as RFC 2104).
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut block = [0u8; BLOCK];
        let hashed;
        let key = if key.len() > BLOCK {
            hashed = sha256(key);
            &hashed[..]
        } else {
            key
        };
        for (slot, byte) in block.iter_mut().zip(key) {
            *slot = *byte;
        }
        let mut inner = IV;
        let mut pad = block.map(|b| b ^ 0x36);
        compress(&mut inner, &pad);
        let mut outer = IV;
        pad = block.map(|b| b ^ 0x5c);
        compress(&mut outer, &pad);
        // Best effort: do not leave key material on the stack.
        block.fill(0);
        pad.fill(0);
        Self { inner, outer }
    }

    /// The tag of the concatenation of `parts`.
    pub(crate) fn tag(&self, parts: &[&[u8]]) -> Tag {
        let mut h = Hasher {
            state: self.inner,
            buf: [0; BLOCK],
            buffered: 0,
            len: BLOCK as u64,
        };
        for part in parts {
            h.update(part);
        }
        let inner = h.finish();
        // The outer message after the keyed block is always one padded block: the inner digest,
        // 0x80, zeros, and the bit length of 64 + 32 bytes. Built directly, without a Hasher.
        let mut block = [0u8; BLOCK];
        block[..32].copy_from_slice(&inner);
        block[32] = 0x80;
        block[BLOCK - 8..].copy_from_slice(&((BLOCK as u64 + 32) * 8).to_be_bytes());
        let mut state = self.outer;
        compress(&mut state, &block);
        digest(&state)
    }
}

/// Plain SHA-256 (used only for keys longer than a block).
fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h = Hasher {
        state: IV,
        buf: [0; BLOCK],
        buffered: 0,
        len: 0,
    };
    h.update(data);
    h.finish()
}

struct Hasher {
    state: [u32; 8],
    buf: [u8; BLOCK],
    buffered: usize,
    /// Bytes hashed so far, including any prefix block already in `state`.
    len: u64,
}

// The buffer offsets below stay in bounds by the invariant `buffered < BLOCK` (restored before
// each return) and `n + 1 <= BLOCK`; this is the per-call hashing path, so no checked access.
#[allow(clippy::indexing_slicing)]
impl Hasher {
    fn update(&mut self, mut data: &[u8]) {
        self.len = self.len.wrapping_add(data.len() as u64);
        if self.buffered > 0 {
            let take = (BLOCK - self.buffered).min(data.len());
            let (head, rest) = data.split_at(take);
            self.buf[self.buffered..self.buffered + take].copy_from_slice(head);
            self.buffered += take;
            data = rest;
            if self.buffered < BLOCK {
                return;
            }
            compress(&mut self.state, &self.buf);
            self.buffered = 0;
        }
        let mut blocks = data.chunks_exact(BLOCK);
        for block in &mut blocks {
            if let Ok(block) = <&[u8; BLOCK]>::try_from(block) {
                compress(&mut self.state, block);
            }
        }
        let rest = blocks.remainder();
        self.buf[..rest.len()].copy_from_slice(rest);
        self.buffered = rest.len();
    }

    fn finish(mut self) -> [u8; 32] {
        let bits = self.len.wrapping_mul(8).to_be_bytes();
        let n = self.buffered;
        self.buf[n] = 0x80;
        self.buf[n + 1..].fill(0);
        if n + 1 > BLOCK - 8 {
            compress(&mut self.state, &self.buf);
            self.buf.fill(0);
        }
        self.buf[BLOCK - 8..].copy_from_slice(&bits);
        compress(&mut self.state, &self.buf);
        digest(&self.state)
    }
}

/// The big-endian bytes of a final state.
fn digest(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, w) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    out
}

/// Compares two tags in constant time (no early exit on the first differing byte).
pub(crate) fn tags_equal(a: &Tag, b: &Tag) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    core::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, KeyInit, Mac};
    use proptest::prelude::*;
    use sha2::{Digest, Sha256};

    use super::{sha256, tags_equal, HmacKey};

    fn reference(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
        for p in parts {
            mac.update(p);
        }
        mac.finalize().into_bytes().into()
    }

    #[test]
    fn rfc4231_case_2() {
        let tag = HmacKey::new(b"Jefe").tag(&[b"what do ya want ", b"for nothing?"]);
        let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn every_length_around_block_boundaries() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..data.len() {
            let d = &data[..len];
            assert_eq!(sha256(d), <[u8; 32]>::from(Sha256::digest(d)), "len {len}");
            let split = len / 3;
            assert_eq!(
                HmacKey::new(b"k").tag(&[&d[..split], &d[split..]]),
                reference(b"k", &[d]),
                "len {len}"
            );
        }
    }

    proptest! {
        #[test]
        fn matches_the_hmac_crate(
            key in prop::collection::vec(any::<u8>(), 0..200),
            data in prop::collection::vec(any::<u8>(), 0..5000),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
        ) {
            let mut at: Vec<usize> = cuts.iter().map(|c| c.index(data.len() + 1)).collect();
            at.sort_unstable();
            let mut parts: Vec<&[u8]> = Vec::new();
            let mut prev = 0;
            for &a in &at {
                parts.push(&data[prev..a]);
                prev = a;
            }
            parts.push(&data[prev..]);
            let ours = HmacKey::new(&key).tag(&parts);
            let theirs = reference(&key, &[&data]);
            prop_assert_eq!(ours, theirs);
            prop_assert!(tags_equal(&ours, &theirs));
            let mut other = theirs;
            other[data.len() % 32] ^= 1;
            prop_assert!(!tags_equal(&ours, &other));
        }
    }
}
