//! Normalization of everything that arrives (reference-service events and Directory API objects,
//! raw SCIM from each provider, SCIM requests) into [`crate::model`].

mod error;
mod event;
mod fill;
mod google;
mod group;
mod json;
pub mod limits;
mod provider;
pub mod reference;
mod request;
mod scim_user;
mod time;
mod user;
pub(crate) mod value;

pub use error::{NormalizationError, NormalizationErrorKind};
pub use event::{normalize_event, normalize_event_value};
pub use group::normalize_group;
pub use json::parse_json;
pub use provider::{detect_provider, Provider, UnknownProvider};
pub use request::{normalize_scim_request, RequestContext, ScimOutcome, ScimRequest};
pub(crate) use scim_user::is_enterprise_urn;
pub use user::{normalize_user, NormalizeOptions};
