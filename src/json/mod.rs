//! The shared floor under every JSON reader: bounds on hostile input ([`limits`]), parsing with
//! those bounds ([`parse_json`]), the error every reader reports — a stable code and a JSON
//! pointer into the input ([`NormalizationError`]) — case-insensitive value helpers
//! (`value`, crate-internal), and JSON written as ASCII for JS ([`to_ascii_json`]). Imports
//! nothing from the crate but [`crate::error`].

mod ascii;
mod error;
pub mod limits;
mod parse;
pub(crate) mod value;

pub use ascii::to_ascii_json;
pub use error::{NormalizationError, NormalizationErrorKind};
pub(crate) use parse::json_error;
pub use parse::parse_json;
