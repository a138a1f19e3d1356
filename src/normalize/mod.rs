//! Normalization of everything that arrives (reference-service events and Directory API objects,
//! raw SCIM from each provider, SCIM requests) into [`crate::model`].
//!
//! | input | function |
//! |---|---|
//! | webhook body (either envelope shape) | [`normalize_event`] / [`normalize_event_value`] |
//! | SCIM 2.0 / 1.x or Google Directory API user, group | [`normalize_user`], [`normalize_group`] |
//! | Directory API list items, event `data` | [`reference::user_from_reference`], [`reference::group_from_reference`] |
//! | a request a SCIM service provider received | [`normalize_scim_request`] |
//! | a SCIM PATCH body | [`crate::scim::apply_scim_patch`] |
//!
//! Rules every function keeps: lenient in what it accepts (case-insensitive names, providers'
//! quirks), but a value it cannot understand is an error with a JSON pointer, never dropped or
//! guessed; attributes without a model field are kept in `custom_attributes` and the provider's
//! resource in `raw_attributes`; a `password` is never kept anywhere; hostile input is bounded
//! ([`crate::json::limits`]) and nothing panics.
//!
//! Updates normalized without the current resource are *partial* (`partial: true` on the event):
//! users become a [`crate::model::PartialDirectoryUser`] whose `null`s mean "not stated" and whose
//! `cleared_attributes` lists what the request removed; groups keep `members: null` unless the
//! request states the whole list, and carry `members_added` / `members_removed` when the
//! operations name them (`null` when they cannot say).

mod declared;
mod event;
mod event_data;
mod event_stream;
#[cfg(test)]
mod event_stream_tests;
mod fill;
mod google;
mod group;
mod provider;
pub mod reference;
mod request;
mod request_partial;
mod resource;
mod scim_user;
mod streaming;
mod time;
mod user;

pub use crate::json::{limits, parse_json, NormalizationError, NormalizationErrorKind};
pub use declared::NormalizeOptions;
pub(crate) use event::event_order_key;
pub use event::{normalize_event, normalize_event_value};
pub use group::normalize_group;
pub use provider::{detect_provider, Provider, UnknownProvider};
pub use request::{normalize_scim_request, RequestContext, ScimOutcome, ScimRequest};
pub use user::normalize_user;
