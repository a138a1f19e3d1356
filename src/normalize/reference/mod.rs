//! Users and groups as the reference directory service sends them (webhook `data`, Directory API
//! list items): snake_case fields, mostly already in the model's shape. Reading the model's own
//! serialization back gives the same model, so normalizing is idempotent.
//!
//! One [`builder`](self) holds the rules; it is fed from a `serde_json::Value`
//! ([`user_from_reference`], [`group_from_reference`]) or, for webhook events and Directory API
//! pages in the service's usual shape, from members read straight out of the text.

mod builder;
mod detail;
mod group_refs_stream;
mod page_stream;
mod user_stream;

pub use builder::{group_from_reference, user_from_reference};
pub(crate) use builder::{group_from_value, user_from_value, UserBuilder};
/// Directory API list pages read straight from their text, or `None` for the general path.
pub(crate) use page_stream::{
    groups_page as groups_page_from_text, users_page as users_page_from_text,
};
pub(crate) use user_stream::UserSeed;
