//! List options and their limits, page types (serialized in the wire shape) and response parsing.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::error::DirectoryError;
use super::url::{validate_id, validate_page_size, validate_page_token, validate_rfc3339};
use crate::model::{DirectoryGroup, DirectoryUser};
use crate::normalize::reference::{
    group_from_value, groups_page_from_text as groups_page_from_text_raw, user_from_value,
    users_page_from_text as users_page_from_text_raw,
};

/// Largest `page_size` for users and groups (the server's limit).
pub const MAX_MEMBER_PAGE_SIZE: u32 = 30;
/// Largest `page_size` accepted for organizations (scimkit's choice; the server documents none).
pub const MAX_ORGANIZATION_PAGE_SIZE: u32 = 100;

// One owner for the checks of list options, shared by the one-page calls and the walkers, so
// both reject the same arguments with the same messages before any request.
impl ListOptions {
    pub(crate) fn validate(&self) -> Result<(), DirectoryError> {
        validate_page_size(self.page_size, MAX_ORGANIZATION_PAGE_SIZE)?;
        validate_page_token(self.page_token.as_deref())
    }
}

impl UserListOptions {
    pub(crate) fn validate(&self) -> Result<(), DirectoryError> {
        validate_page_size(self.page_size, MAX_MEMBER_PAGE_SIZE)?;
        validate_page_token(self.page_token.as_deref())?;
        if let Some(g) = &self.directory_group_id {
            validate_id("directory_group_id", g)?;
        }
        if let Some(t) = &self.updated_after {
            validate_rfc3339("updated_after", t)?;
        }
        Ok(())
    }
}

impl GroupListOptions {
    pub(crate) fn validate(&self) -> Result<(), DirectoryError> {
        validate_page_size(self.page_size, MAX_MEMBER_PAGE_SIZE)?;
        validate_page_token(self.page_token.as_deref())?;
        if let Some(t) = &self.updated_after {
            validate_rfc3339("updated_after", t)?;
        }
        Ok(())
    }
}

/// Options of `list_organizations`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListOptions {
    /// 1–100; the server's default when `None`.
    pub page_size: Option<u32>,
    /// A `next_page_token` from an earlier page; `None` or `""` for the first page.
    pub page_token: Option<String>,
}

/// Options of `list_directory_users`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserListOptions {
    /// 1–30; the server's default (10) when `None`.
    pub page_size: Option<u32>,
    /// A `next_page_token` from an earlier page; `None` or `""` for the first page.
    pub page_token: Option<String>,
    /// Ask for the raw provider payload (`user_detail`).
    pub include_detail: Option<bool>,
    /// Only members of this group (`dirgroup_…`).
    pub directory_group_id: Option<String>,
    /// Only users updated after this RFC 3339 time.
    pub updated_after: Option<String>,
}

/// Options of `list_directory_groups`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupListOptions {
    /// 1–30; the server's default (10) when `None`.
    pub page_size: Option<u32>,
    /// A `next_page_token` from an earlier page; `None` or `""` for the first page.
    pub page_token: Option<String>,
    /// Ask for the raw provider payload (`group_detail`).
    pub include_detail: Option<bool>,
    /// Only groups updated after this RFC 3339 time.
    pub updated_after: Option<String>,
    /// Include groups the directory does not track.
    pub include_external_groups: Option<bool>,
}

/// An organization, every field kept as received (`id`, `display_name`, `external_id`, …).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Organization(pub Map<String, Value>);

/// A directory, every field kept as received (`id`, `name`, `directory_type`, `stats`, …).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Directory(pub Map<String, Value>);

impl Organization {
    /// The `id` field, when it is a string.
    pub fn id(&self) -> Option<&str> {
        self.0.get("id").and_then(Value::as_str)
    }
}

impl Directory {
    /// The `id` field, when it is a string.
    pub fn id(&self) -> Option<&str> {
        self.0.get("id").and_then(Value::as_str)
    }
}

/// One page of organizations. `next_page_token` is `None` on the last page (an empty token on
/// the wire is reported as `None`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OrganizationsPage {
    /// The organizations of this page.
    pub organizations: Vec<Organization>,
    /// Pass as `page_token` to get the next page; `None` on the last page.
    pub next_page_token: Option<String>,
    /// The token of the previous page, when any.
    pub prev_page_token: Option<String>,
    /// All matches, regardless of paging.
    pub total_size: u64,
}

/// One page of directory users, normalized into the model.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UsersPage {
    /// The users of this page.
    pub users: Vec<DirectoryUser>,
    /// Pass as `page_token` to get the next page; `None` on the last page.
    pub next_page_token: Option<String>,
    /// The token of the previous page, when any.
    pub prev_page_token: Option<String>,
    /// All matches, regardless of paging.
    pub total_size: u64,
}

/// One page of directory groups, normalized into the model.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GroupsPage {
    /// The groups of this page.
    pub groups: Vec<DirectoryGroup>,
    /// Pass as `page_token` to get the next page; `None` on the last page.
    pub next_page_token: Option<String>,
    /// The token of the previous page, when any.
    pub prev_page_token: Option<String>,
    /// All matches, regardless of paging.
    pub total_size: u64,
}

fn object(v: Value, what: &str) -> Result<Map<String, Value>, DirectoryError> {
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(DirectoryError::invalid_response(format!(
            "{what}: the response is not a JSON object"
        ))),
    }
}

/// The array at `key`; absent or `null` is an empty list (proto3 JSON omits empty lists).
fn array(
    obj: &mut Map<String, Value>,
    key: &str,
    what: &str,
) -> Result<Vec<Value>, DirectoryError> {
    match obj.remove(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(DirectoryError::invalid_response(format!(
            "{what}: `{key}` is not an array"
        ))),
    }
}

/// A paging token member (`v` as sent, when present).
fn token(v: Option<&Value>, key: &str, what: &str) -> Result<Option<String>, DirectoryError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(DirectoryError::invalid_response(format!(
            "{what}: `{key}` is not a string"
        ))),
    }
}

/// `total_size` as a number or (proto3 int64) a decimal string; absent means 0.
fn total_size(v: Option<&Value>, what: &str) -> Result<u64, DirectoryError> {
    let bad = || DirectoryError::invalid_response(format!("{what}: `total_size` is not a count"));
    match v {
        None | Some(Value::Null) => Ok(0),
        Some(Value::Number(n)) => n.as_u64().ok_or_else(bad),
        Some(Value::String(s)) => s.parse().map_err(|_| bad()),
        Some(_) => Err(bad()),
    }
}

/// A list page type: where its items are, how one is read, and how the page is put together.
/// One reader per path ([`parse_page`] from a `Value`, [`page_from_text`] from the fast reader's
/// output) serves the three listings.
trait ListPage: Sized {
    type Item;
    /// The call, for messages.
    const WHAT: &'static str;
    /// The member holding the items.
    const KEY: &'static str;
    /// Item `i` of the page.
    fn item(i: usize, v: Value) -> Result<Self::Item, DirectoryError>;
    fn build(
        items: Vec<Self::Item>,
        next_page_token: Option<String>,
        prev_page_token: Option<String>,
        total_size: u64,
    ) -> Self;
}

/// `ListPage` for `$page`, whose items are in its field (and body member) `$key`.
macro_rules! list_page {
    ($page:ty, $item:ty, $key:ident, $what:expr, $read:expr) => {
        impl ListPage for $page {
            type Item = $item;
            const WHAT: &'static str = $what;
            const KEY: &'static str = stringify!($key);
            fn item(i: usize, v: Value) -> Result<$item, DirectoryError> {
                $read(i, v)
            }
            fn build(
                $key: Vec<$item>,
                next_page_token: Option<String>,
                prev_page_token: Option<String>,
                total_size: u64,
            ) -> Self {
                Self {
                    $key,
                    next_page_token,
                    prev_page_token,
                    total_size,
                }
            }
        }
    };
}

const ORGANIZATIONS: &str = "list organizations";
const USERS: &str = "list directory users";
const GROUPS: &str = "list directory groups";

list_page!(
    OrganizationsPage,
    Organization,
    organizations,
    ORGANIZATIONS,
    |i, v| map_item(ORGANIZATIONS, "organizations", i, v).map(Organization)
);
list_page!(UsersPage, DirectoryUser, users, USERS, |i, v| {
    user_from_value(v).map_err(|e| {
        DirectoryError::invalid_response(format!("{USERS}: user /users/{i} is invalid: {e}"))
    })
});
list_page!(GroupsPage, DirectoryGroup, groups, GROUPS, |i, v| {
    group_from_value(v).map_err(|e| {
        DirectoryError::invalid_response(format!("{GROUPS}: group /groups/{i} is invalid: {e}"))
    })
});

/// A page from a parsed body.
fn parse_page<P: ListPage>(v: Value) -> Result<P, DirectoryError> {
    let mut obj = object(v, P::WHAT)?;
    let items = array(&mut obj, P::KEY, P::WHAT)?
        .into_iter()
        .enumerate()
        .map(|(i, v)| P::item(i, v))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(P::build(
        items,
        token(obj.get("next_page_token"), "next_page_token", P::WHAT)?,
        token(obj.get("prev_page_token"), "prev_page_token", P::WHAT)?,
        total_size(obj.get("total_size"), P::WHAT)?,
    ))
}

/// A page from what the fast reader took from the text (items read, paging members as sent), or
/// `None` when a paging member is off: then the body takes [`parse_page`], which decides.
fn page_from_text<P: ListPage>(
    items: Vec<P::Item>,
    next: Option<&Value>,
    prev: Option<&Value>,
    total: Option<&Value>,
) -> Option<P> {
    Some(P::build(
        items,
        token(next, "next_page_token", P::WHAT).ok()?,
        token(prev, "prev_page_token", P::WHAT).ok()?,
        total_size(total, P::WHAT).ok()?,
    ))
}

fn map_item(
    what: &str,
    key: &str,
    i: usize,
    v: Value,
) -> Result<Map<String, Value>, DirectoryError> {
    object(v, &format!("{what}: /{key}/{i}"))
}

pub(crate) fn parse_organizations_page(v: Value) -> Result<OrganizationsPage, DirectoryError> {
    parse_page(v)
}

/// The `next_page_token` of a list-page body found without reading the page: the last
/// `"next_page_token": "…"` member in the text, which is where services put it (after the items).
/// Only a hint — a walk requests that page early and checks the token once the page is read —
/// so anything unusual (an escape in the token, no such member) gives `None`.
pub(crate) fn next_token_hint(body: &str) -> Option<&str> {
    const KEY: &str = "\"next_page_token\"";
    let at = body.rfind(KEY)?;
    // A member name follows `{` or `,`; inside a string the quote would be escaped.
    let before = body[..at].trim_end();
    if !(before.ends_with(',') || before.ends_with('{')) {
        return None;
    }
    let rest = body[at + KEY.len()..].trim_start().strip_prefix(':')?;
    let rest = rest.trim_start().strip_prefix('"')?;
    let end = rest.find('"')?;
    let token = &rest[..end];
    (!token.is_empty() && !token.contains('\\')).then_some(token)
}

/// A users page straight from the body text, or `None` when the body is anything but a page
/// in the usual shape that [`parse_users_page`] would accept: the caller then parses it into a
/// `Value` and takes that path, which decides (errors included).
pub(crate) fn users_page_from_text(body: &str) -> Option<UsersPage> {
    let p = users_page_from_text_raw(body)?;
    page_from_text(
        p.items,
        p.next_page_token.as_ref(),
        p.prev_page_token.as_ref(),
        p.total_size.as_ref(),
    )
}

pub(crate) fn parse_users_page(v: Value) -> Result<UsersPage, DirectoryError> {
    parse_page(v)
}

/// What the client makes of a 2xx users-page body, as one call: for examples/page_timing.rs and
/// the equivalence tests, not an API (a body that is not JSON is retried by the client instead).
#[doc(hidden)]
pub fn parse_users_page_body(body: &[u8]) -> Result<UsersPage, DirectoryError> {
    if let Some(page) = std::str::from_utf8(body)
        .ok()
        .and_then(users_page_from_text)
    {
        return Ok(page);
    }
    let v = serde_json::from_slice(body)
        .map_err(|e| DirectoryError::invalid_response(format!("not JSON: {e}")))?;
    parse_users_page(v)
}

/// [`users_page_from_text`] for a groups page ([`parse_groups_page`] decides otherwise).
pub(crate) fn groups_page_from_text(body: &str) -> Option<GroupsPage> {
    let p = groups_page_from_text_raw(body)?;
    page_from_text(
        p.items,
        p.next_page_token.as_ref(),
        p.prev_page_token.as_ref(),
        p.total_size.as_ref(),
    )
}

pub(crate) fn parse_groups_page(v: Value) -> Result<GroupsPage, DirectoryError> {
    parse_page(v)
}

pub(crate) fn parse_directories(v: Value) -> Result<Vec<Directory>, DirectoryError> {
    const WHAT: &str = "list directories";
    let mut obj = object(v, WHAT)?;
    array(&mut obj, "directories", WHAT)?
        .into_iter()
        .enumerate()
        .map(|(i, v)| map_item(WHAT, "directories", i, v).map(Directory))
        .collect()
}

pub(crate) fn parse_directory(v: Value) -> Result<Directory, DirectoryError> {
    const WHAT: &str = "get directory";
    let mut obj = object(v, WHAT)?;
    match obj.remove("directory") {
        Some(Value::Object(m)) => Ok(Directory(m)),
        _ => Err(DirectoryError::invalid_response(format!(
            "{WHAT}: `directory` is missing or not an object"
        ))),
    }
}

/// The two readers of a users or groups page side by side, for the fuzz targets (`fuzz/`): the
/// text fast path must answer only what the general path answers. Built only under
/// `--cfg fuzzing` (which `cargo fuzz` sets); not an API.
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing {
    use super::{DirectoryError, GroupsPage, UsersPage, Value};

    pub fn users_fast(body: &str) -> Option<UsersPage> {
        super::users_page_from_text(body)
    }
    pub fn users_general(v: Value) -> Result<UsersPage, DirectoryError> {
        super::parse_users_page(v)
    }
    pub fn groups_fast(body: &str) -> Option<GroupsPage> {
        super::groups_page_from_text(body)
    }
    pub fn groups_general(v: Value) -> Result<GroupsPage, DirectoryError> {
        super::parse_groups_page(v)
    }
    pub fn next_token_hint(body: &str) -> Option<&str> {
        super::next_token_hint(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn users_page_round_trips_to_wire_shape() {
        let p = parse_users_page(json!({
            "users": [{"id": "diruser_1", "email": "a@x"}],
            "next_page_token": "t2", "prev_page_token": "", "total_size": "7"
        }))
        .unwrap();
        assert_eq!(p.total_size, 7);
        assert_eq!(p.next_page_token.as_deref(), Some("t2"));
        assert_eq!(p.prev_page_token, None);
        let v = serde_json::to_value(&p).unwrap();
        let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(
            keys,
            ["next_page_token", "prev_page_token", "total_size", "users"]
        );
    }

    #[test]
    fn next_token_hint_reads_the_last_member_and_gives_up_on_anything_unusual() {
        use super::next_token_hint as hint;
        assert_eq!(
            hint(r#"{"users":[],"next_page_token":"pt_30","total_size":9}"#),
            Some("pt_30")
        );
        assert_eq!(hint("{ \"next_page_token\" :\n \"a b\" }"), Some("a b"));
        assert_eq!(hint(r#"{"users":[],"next_page_token":""}"#), None);
        assert_eq!(hint(r#"{"users":[],"next_page_token":null}"#), None);
        assert_eq!(hint(r#"{"next_page_token":"a\"b"}"#), None);
        // Inside a string value the quotes are escaped: not a member.
        assert_eq!(
            hint(r#"{"users":[{"x":"\"next_page_token\":\"no\""}]}"#),
            None
        );
        assert_eq!(hint(r#"{"users":[]}"#), None);
        assert_eq!(hint("not json"), None);
    }

    #[test]
    fn absent_lists_are_empty_and_wrong_shapes_are_rejected() {
        assert!(parse_groups_page(json!({})).unwrap().groups.is_empty());
        assert!(parse_groups_page(json!({"groups": {}})).is_err());
        assert!(parse_groups_page(json!([])).is_err());
        assert!(parse_groups_page(json!({"next_page_token": 3})).is_err());
        assert!(parse_groups_page(json!({"total_size": -1})).is_err());
        assert!(parse_organizations_page(json!({"organizations": [1]})).is_err());
        assert!(parse_directory(json!({"directory": null})).is_err());
        assert_eq!(
            parse_directories(json!({"directories": [{"id": "dir_1", "x": 1}]})).unwrap()[0].id(),
            Some("dir_1")
        );
    }
}
