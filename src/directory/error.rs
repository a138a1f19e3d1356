//! The one error type of the Directory API client.

use std::fmt;

use serde_json::Value;

use crate::error::ErrorCode;

/// What kind of failure a [`DirectoryError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DirectoryErrorKind {
    /// An argument was rejected before any request was made (or the server answered 400/422).
    InvalidArgument,
    /// The credentials were rejected (token endpoint 400/401, or an API 401 after one renewal).
    Unauthorized,
    /// The API answered 403.
    Forbidden,
    /// The API answered 404, or an organization has no primary directory.
    NotFound,
    /// 429 responses until the retries ran out.
    RateLimited,
    /// 5xx responses (retried for 502/503/504 until the retries ran out).
    ServerError,
    /// Requests timed out until the retries ran out.
    Timeout,
    /// The transport failed until the retries ran out.
    Network,
    /// The server answered with a body that is not JSON or not of the documented shape.
    InvalidResponse,
    /// The server handed back a page token already seen in this walk.
    PaginationLoop,
    /// A walk reached its page limit (`max_pages`) with more pages to go.
    TooManyPages,
}

impl DirectoryErrorKind {
    /// The stable code, as exposed to JS as `err.code`.
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidArgument => "invalid_argument",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::RateLimited => "rate_limited",
            Self::ServerError => "server_error",
            Self::Timeout => "timeout",
            Self::Network => "network",
            Self::InvalidResponse => "invalid_response",
            Self::PaginationLoop => "pagination_loop",
            Self::TooManyPages => "too_many_pages",
        }
    }
}

/// A Directory API failure. Its message names the call (method and path, never the query or any
/// secret), the HTTP status and the number of attempts. It never contains the client secret or
/// an access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryError {
    /// The kind; [`ErrorCode::code`] is its stable code.
    pub kind: DirectoryErrorKind,
    /// The HTTP status of the last response, when there was one.
    pub status: Option<u16>,
    /// The server's own error code: `details[].error_code` of the error body when present, else
    /// its `code` (as a string), else an OAuth `error`.
    pub server_code: Option<String>,
    /// For page walks: the page token to resume from (the token of the page that failed; `None`
    /// when the first page failed).
    pub page_token: Option<String>,
    /// How many requests were sent for the failed call (0 when it failed before sending).
    pub attempts: u32,
    /// What failed, for humans.
    pub message: String,
}

impl DirectoryError {
    /// A new error of `kind` with `message` and nothing else set.
    pub fn new(kind: DirectoryErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            status: None,
            server_code: None,
            page_token: None,
            attempts: 0,
            message: message.into(),
        }
    }

    pub(crate) fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(DirectoryErrorKind::InvalidArgument, message)
    }

    pub(crate) fn invalid_response(message: impl Into<String>) -> Self {
        Self::new(DirectoryErrorKind::InvalidResponse, message)
    }

    pub(crate) fn with_page_token(mut self, token: Option<&str>) -> Self {
        self.page_token = token.map(str::to_owned);
        self
    }
}

impl fmt::Display for DirectoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DirectoryError {}

impl ErrorCode for DirectoryError {
    fn code(&self) -> &'static str {
        self.kind.code()
    }
}

/// The server's error code from an error body: `details[].error_code` first, then `code`
/// (number or string), then the OAuth `error` field.
pub(crate) fn server_code(body: &Value) -> Option<String> {
    let from_details = body
        .get("details")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find_map(|d| d.get("error_code").and_then(Value::as_str))
        .filter(|s| !s.is_empty());
    if let Some(c) = from_details {
        return Some(c.to_owned());
    }
    match body.get("code") {
        Some(Value::String(s)) if !s.is_empty() => return Some(s.clone()),
        Some(Value::Number(n)) => return Some(n.to_string()),
        _ => {}
    }
    body.get("error")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The server's human message from an error body (`message`, or OAuth `error_description`),
/// cut to 200 characters.
pub(crate) fn server_message(body: &Value) -> Option<String> {
    let msg = body
        .get("message")
        .or_else(|| body.get("error_description"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())?;
    Some(msg.chars().take(200).collect())
}
