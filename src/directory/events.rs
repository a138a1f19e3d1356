//! The events API: `POST /api/v1/events/paginated`, the retained events of the environment,
//! **most recent first**, for replaying what webhook deliveries missed. The filter is the JSON
//! body; `page_size` and `page_token` are in the query.
//!
//! Each event is kept as received (the same envelope a webhook delivery carries): pass it to
//! [`crate::normalize::normalize_event_value`] to read it into the model.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::client::DirectoryClient;
use super::error::DirectoryError;
use super::queries::{Page, PageQuery};
use super::session::{json_only, BodyHook, Call, Endpoint};
use super::transport::LocalBoxFuture;
use super::url::{validate_id, validate_page_size, validate_page_token, validate_rfc3339, Query};

/// Largest `page_size` of the events API (the server clamps larger values to it).
pub const MAX_EVENT_PAGE_SIZE: u32 = 100;
/// Most entries `event_types` may have (the server's limit).
pub const MAX_EVENT_TYPES: usize = 100;

const PATH: &str = "/api/v1/events/paginated";
const WHAT: &str = "list events";

/// Which events to list: the JSON body of the request. Every member is optional; `None` and an
/// empty `event_types` are left out of the body (no filter).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventFilter {
    /// Event types, e.g. `organization.directory.user_created` (at most 100).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub event_types: Vec<String>,
    /// Oldest `occurred_at` to include (RFC 3339, inclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Newest `occurred_at` to include (RFC 3339, inclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// Only this organization's events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// `DIR_SYNC` or `SCALEKIT`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One listing of events: the filter, the page size and where to start. Walk it with
/// [`crate::directory::PageWalker::new`], or fetch one page with
/// [`DirectoryClient::list_events`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventsQuery {
    /// The filter (the request body).
    pub filter: EventFilter,
    /// 1–100; the server's default (10) when `None`.
    pub page_size: Option<u32>,
    /// A `next_page_token` from an earlier page; `None` or `""` for the first (newest) page.
    pub page_token: Option<String>,
}

/// One page of events, newest first. `next_page_token` (older events) is `None` on the last page.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EventsPage {
    /// The events of this page, each the JSON object the server sent.
    pub events: Vec<Map<String, Value>>,
    /// Pass as `page_token` to get the next (older) events; `None` on the last page.
    pub next_page_token: Option<String>,
    /// The token of the previous (newer) page, when any.
    pub prev_page_token: Option<String>,
}

impl Page for EventsPage {
    fn next_page_token(&self) -> Option<&str> {
        self.next_page_token.as_deref()
    }
    fn len(&self) -> usize {
        self.events.len()
    }
}

impl EventsQuery {
    fn validate_all(&self) -> Result<(), DirectoryError> {
        validate_page_size(self.page_size, MAX_EVENT_PAGE_SIZE)?;
        validate_page_token(self.page_token.as_deref())?;
        let f = &self.filter;
        if f.event_types.len() > MAX_EVENT_TYPES {
            return Err(DirectoryError::invalid_argument(format!(
                "event_types has {} entries; at most {MAX_EVENT_TYPES} are allowed",
                f.event_types.len()
            )));
        }
        for t in &f.event_types {
            validate_id("event_types entry", t)?;
        }
        if let Some(t) = &f.start_time {
            validate_rfc3339("start_time", t)?;
        }
        if let Some(t) = &f.end_time {
            validate_rfc3339("end_time", t)?;
        }
        if let Some(o) = &f.organization_id {
            validate_id("organization_id", o)?;
        }
        match f.source.as_deref() {
            None | Some("DIR_SYNC" | "SCALEKIT") => Ok(()),
            Some(_) => Err(DirectoryError::invalid_argument(
                "source must be DIR_SYNC or SCALEKIT",
            )),
        }
    }

    async fn page(
        &self,
        client: &DirectoryClient,
        token: Option<&str>,
        on_body: Option<&BodyHook>,
    ) -> Result<EventsPage, DirectoryError> {
        self.validate_all()?;
        let mut q = Query::default();
        q.push_display("page_size", self.page_size);
        q.push_opt("page_token", token.filter(|t| !t.is_empty()));
        let body = serde_json::to_string(&self.filter)
            .map_err(|e| DirectoryError::invalid_argument(format!("event filter: {e}")))?;
        let call = Call {
            method: "POST",
            path: PATH.to_owned(),
            query: q.finish(),
            body: Some(body),
            endpoint: Endpoint::Api,
        };
        let v = client.session().call(&call, json_only, on_body).await?;
        parse_events_page(v.unwrap_or_else(|v| v))
    }
}

impl DirectoryClient {
    /// `POST /api/v1/events/paginated`: the page of `query` at `query.page_token`. Arguments
    /// are checked first (`invalid_argument`, no request made): `page_size` 1–100, at most 100
    /// `event_types`, times RFC 3339, `source` `DIR_SYNC` or `SCALEKIT`.
    pub async fn list_events(&self, query: &EventsQuery) -> Result<EventsPage, DirectoryError> {
        query.page(self, query.page_token.as_deref(), None).await
    }
}

impl PageQuery for EventsQuery {
    type Page = EventsPage;
    fn validate(&self) -> Result<(), DirectoryError> {
        self.validate_all()
    }
    fn start_token(&self) -> Option<&str> {
        self.page_token.as_deref()
    }
    fn fetch<'a>(
        &'a self,
        client: &'a DirectoryClient,
        token: Option<&'a str>,
        on_body: Option<&'a BodyHook>,
    ) -> LocalBoxFuture<'a, Result<EventsPage, DirectoryError>> {
        Box::pin(self.page(client, token, on_body))
    }
}

fn parse_events_page(v: Value) -> Result<EventsPage, DirectoryError> {
    let bad = |what: String| DirectoryError::invalid_response(format!("{WHAT}: {what}"));
    let Value::Object(mut obj) = v else {
        return Err(bad("the response is not a JSON object".to_owned()));
    };
    // Absent or null is an empty list (proto3 JSON omits empty lists).
    let items = match obj.remove("events") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(bad("`events` is not an array".to_owned())),
    };
    let events = items
        .into_iter()
        .enumerate()
        .map(|(i, e)| match e {
            Value::Object(m) => Ok(m),
            _ => Err(bad(format!("/events/{i} is not an object"))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let token = |key: &str| match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad(format!("`{key}` is not a string"))),
    };
    Ok(EventsPage {
        events,
        next_page_token: token("next_page_token")?,
        prev_page_token: token("prev_page_token")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filter_body_leaves_out_what_is_not_set() {
        let f = EventFilter {
            start_time: Some("2024-01-01T00:00:00Z".into()),
            ..EventFilter::default()
        };
        assert_eq!(
            serde_json::to_value(&f).unwrap(),
            json!({"start_time": "2024-01-01T00:00:00Z"})
        );
        assert_eq!(
            serde_json::to_value(EventFilter::default()).unwrap(),
            json!({})
        );
    }

    #[test]
    fn pages_parse_and_reject_bad_shapes() {
        let p = parse_events_page(json!({
            "events": [{"id": "evt_1"}], "next_page_token": "", "prev_page_token": "p"
        }))
        .unwrap();
        assert_eq!(p.events.len(), 1);
        assert_eq!(p.next_page_token, None);
        assert_eq!(p.prev_page_token.as_deref(), Some("p"));
        assert!(parse_events_page(json!({})).unwrap().events.is_empty());
        assert!(parse_events_page(json!({"events": [1]})).is_err());
        assert!(parse_events_page(json!({"events": {}})).is_err());
        assert!(parse_events_page(json!({"next_page_token": 3})).is_err());
        assert!(parse_events_page(json!([])).is_err());
    }

    #[test]
    fn arguments_are_checked() {
        let q = |f: EventFilter, size: Option<u32>| EventsQuery {
            filter: f,
            page_size: size,
            page_token: None,
        };
        assert!(q(EventFilter::default(), Some(100)).validate().is_ok());
        assert!(q(EventFilter::default(), Some(101)).validate().is_err());
        assert!(q(EventFilter::default(), Some(0)).validate().is_err());
        let bad_time = EventFilter {
            end_time: Some("yesterday".into()),
            ..EventFilter::default()
        };
        assert!(q(bad_time, None).validate().is_err());
        let bad_source = EventFilter {
            source: Some("dir_sync".into()),
            ..EventFilter::default()
        };
        assert!(q(bad_source, None).validate().is_err());
        let many = EventFilter {
            event_types: vec!["t".into(); 101],
            ..EventFilter::default()
        };
        assert!(q(many, None).validate().is_err());
    }
}
