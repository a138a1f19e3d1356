//! Webhook signatures (Standard Webhooks): verification and signing.
//!
//! Scheme (Standard Webhooks v1.0.0, spec/standard-webhooks.md): the signed content is
//! `{webhook-id}.{webhook-timestamp}.{raw body}`. Symmetric: the secret is `whsec_` + base64 of the
//! key, the signature `v1,` + base64(HMAC-SHA256(key, content)). Asymmetric: the sender signs with
//! a `whsk_` secret key, receivers verify with its `whpk_` public key, the signature is `v1a,` +
//! base64(Ed25519(content)); src/webhook/ed25519.rs has the key layouts. Several space-separated signatures
//! may be sent (rotation, or `v1` and `v1a` side by side). The core reads no clock and draws no
//! random numbers: `now` and random bytes are arguments.
//!
//! ```
//! use scimkit::webhook::{VerifyOptions, Webhook, WebhookHeaders};
//!
//! let wh = Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
//! let body = br#"{"test": 2432232314}"#;
//! let sig = wh.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
//! assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
//!
//! let headers = WebhookHeaders {
//!     id: Some("msg_p5jXN8AQM9LWM0D4loKWxJek"),
//!     timestamp: Some("1614265330"),
//!     signature: Some(&sig),
//! };
//! let verified = wh.verify(&headers, body, 1614265330, &VerifyOptions::default()).unwrap();
//! assert_eq!(verified.timestamp, 1614265330);
//! ```

mod ed25519;
mod error;
mod mac;
mod secret;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod sha256_wasm;
mod signature;
mod timestamp;
mod verifier;

pub use ed25519::{generate_signing_key_pair, SigningKeyPair, SEED_BYTES};
pub use error::WebhookError;
pub use secret::{generate_secret, WebhookKey, SECRET_BYTES};
pub use verifier::Webhook;

/// The three Standard Webhooks headers, as received (looked up case-insensitively by the caller;
/// the JS package reads the `svix-*` aliases when no `webhook-*` header is present).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WebhookHeaders<'a> {
    /// `webhook-id`: the message id.
    pub id: Option<&'a str>,
    /// `webhook-timestamp`: Unix seconds, decimal.
    pub timestamp: Option<&'a str>,
    /// `webhook-signature`: one or more `v1,<base64>` / `v1a,<base64>` entries separated by spaces.
    pub signature: Option<&'a str>,
}

/// Limits applied by [`Webhook::verify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Allowed distance between the timestamp and `now`, in seconds, inclusive, both directions.
    /// Default 300. [`VerifyOptions::ANY_TIMESTAMP`] accepts every timestamp (deliberate replays).
    pub tolerance_secs: u64,
    /// Largest accepted body in bytes (checked before hashing). Default 1 MiB (1_048_576).
    pub max_body_bytes: usize,
    /// Largest accepted value of each of the three headers, in bytes (after repeated header
    /// lines are joined). Default 8 KiB (8_192): HTTP servers commonly cap a whole header block
    /// at 8–16 KiB, and a signature header holds ~50 bytes per `v1` entry, ~95 per `v1a`.
    pub max_header_bytes: usize,
    /// Most values one header may carry: the space-separated entries of `webhook-signature`
    /// (the JS package also counts repeated header lines of each header). Default 32: senders
    /// send one signature per secret or key, two or three during a rotation.
    pub max_header_values: usize,
}

impl VerifyOptions {
    /// The default tolerance: 5 minutes.
    pub const DEFAULT_TOLERANCE_SECS: u64 = 300;
    /// The default body limit: 1 MiB.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 1_048_576;
    /// The default limit on each header's length: 8 KiB.
    pub const DEFAULT_MAX_HEADER_BYTES: usize = 8_192;
    /// The default limit on the values of one header (signature entries): 32.
    pub const DEFAULT_MAX_HEADER_VALUES: usize = 32;
    /// A tolerance no timestamp exceeds: any two `i64` seconds are at most `u64::MAX` apart, so
    /// the window covers them all. For replaying a stored delivery on purpose, never the default;
    /// the timestamp must still be well-formed and signed.
    pub const ANY_TIMESTAMP: u64 = u64::MAX;
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            tolerance_secs: Self::DEFAULT_TOLERANCE_SECS,
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
            max_header_bytes: Self::DEFAULT_MAX_HEADER_BYTES,
            max_header_values: Self::DEFAULT_MAX_HEADER_VALUES,
        }
    }
}

/// A verified delivery: its id and timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The `webhook-id` (use it to deduplicate deliveries).
    pub id: String,
    /// The `webhook-timestamp`, Unix seconds.
    pub timestamp: i64,
}
