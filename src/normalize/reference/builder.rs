//! A reference user or group read one member at a time ([`Builder`]), from a `Value`
//! ([`user_from_value`], [`group_from_value`]) or from members streamed out of the text (the
//! readers beside this file): one set of rules for both.

use serde_json::{Map, Value};

use super::detail::{fill_group, fill_user};
use crate::json::value::{
    check_depth, fold, opt_bool, pick, strip_passwords, strip_passwords_map, take_string, Ptr,
    MAX_NAME, ROOT,
};
use crate::json::{NormalizationError, NormalizationErrorKind};
use crate::model::{Address, DirectoryGroup, DirectoryUser, GroupRef};
use crate::normalize::fill::{
    complete_group, complete_user, count, first_string, group_refs_from_value, manager_from_value,
    members_from_value, roles_from_value, string_of,
};

/// The object `value` is, owned, within the depth bound.
fn expect_object(value: Value) -> Result<Map<String, Value>, NormalizationError> {
    check_depth(&value, ROOT)?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(NormalizationError::new(
            NormalizationErrorKind::InvalidJson,
            "",
            "expected a JSON object",
        )),
    }
}

/// The object `value` is, without passwords; moved, not copied (it can be the whole resource).
fn object_or_empty(
    value: Value,
    pointer: Ptr<'_>,
) -> Result<Map<String, Value>, NormalizationError> {
    match value {
        Value::Null => Ok(Map::new()),
        Value::Object(mut m) => {
            strip_passwords_map(&mut m);
            Ok(m)
        }
        _ => Err(NormalizationError::invalid_value(
            pointer,
            "expected an object",
        )),
    }
}

/// A list of strings, moved out of `value` (each is read once).
fn strings(value: Value, pointer: Ptr<'_>) -> Result<Vec<String>, NormalizationError> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let p = pointer.index(i);
                // Some pages carry `[{value, primary}]` instead of plain strings.
                let s = match item {
                    Value::Object(m) => string_of(&m, &["value", "email", "address"], p)?,
                    other => take_string(other, p)?,
                };
                out.extend(s);
            }
            Ok(out)
        }
        _ => Err(NormalizationError::invalid_value(
            pointer,
            "expected an array of strings",
        )),
    }
}

/// Reads an OpenID-Connect-style address object.
fn address_from_reference(
    value: &Value,
    pointer: Ptr<'_>,
) -> Result<Option<Address>, NormalizationError> {
    let map = match value {
        Value::Null => return Ok(None),
        Value::Object(m) => m,
        _ => {
            return Err(NormalizationError::invalid_value(
                pointer,
                "expected an address object",
            ))
        }
    };
    let [formatted, street_address, street_camel, locality, region, postal_code, postal_camel, country] =
        pick(
            map,
            &[
                "formatted",
                "street_address",
                "streetaddress",
                "locality",
                "region",
                "postal_code",
                "postalcode",
                "country",
            ],
        );
    Ok(Some(Address {
        formatted: first_string(&[formatted], pointer)?,
        street_address: first_string(&[street_address, street_camel], pointer)?,
        locality: first_string(&[locality], pointer)?,
        region: first_string(&[region], pointer)?,
        postal_code: first_string(&[postal_code, postal_camel], pointer)?,
        country: first_string(&[country], pointer)?,
    }))
}

/// Normalizes a reference-service user object (webhook `data` or a Directory API list item).
///
/// Unknown fields go to `custom_attributes` (unless it already has that key); `user_detail` (the
/// Directory API's raw payload) becomes `raw_attributes` when that is absent; `password` is dropped.
pub fn user_from_reference(value: &Value) -> Result<DirectoryUser, NormalizationError> {
    user_from_value(value.clone())
}

/// [`user_from_reference`] of a value the caller owns (an event's `data`): strings and the
/// raw/custom attribute objects are moved into the user instead of copied.
pub(crate) fn user_from_value(value: Value) -> Result<DirectoryUser, NormalizationError> {
    from_value(value)
}

/// Normalizes a reference-service group object (webhook `data` or a Directory API list item).
///
/// `display_name` and `name` fill each other; unknown fields go to `custom_attributes`;
/// `group_detail` becomes `raw_attributes` when that is absent.
pub fn group_from_reference(value: &Value) -> Result<DirectoryGroup, NormalizationError> {
    group_from_value(value.clone())
}

/// [`group_from_reference`] of a value the caller owns (an event's `data`), moving out of it.
pub(crate) fn group_from_value(value: Value) -> Result<DirectoryGroup, NormalizationError> {
    from_value(value)
}

/// Reads a reference object member by member through a [`Builder`].
fn from_value<M: ReferenceModel>(value: Value) -> Result<M, NormalizationError> {
    let map = expect_object(value)?;
    let mut b = Builder::<M>::default();
    let mut buf = [0; MAX_NAME];
    for (key, v) in map {
        // The service sends lower-case keys: those are their own names, with nothing to fold. A
        // key longer than any member name is no field: "" names none.
        let name = if key.bytes().any(|b| b.is_ascii_uppercase()) {
            fold(&key, &mut buf)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or("")
        } else {
            key.as_str()
        };
        if let Some(v) = b.field(name, v, ROOT.key(&key))? {
            b.extra(key, v);
        }
    }
    Ok(b.finish())
}

/// What users and groups read from the reference shape differ in: their fields. The rest
/// (attribute objects, the `*_detail` object, extras, passwords, finishing) is [`Builder`]'s.
pub(crate) trait ReferenceModel: Default {
    /// The member holding the Directory API's raw payload (`user_detail`, `group_detail`).
    const DETAIL: &'static str;
    /// Reads member `name` (already lower-cased) into one of the model's own fields; gives `v`
    /// back when the model has no field for it.
    fn field(
        &mut self,
        name: &str,
        v: Value,
        p: Ptr<'_>,
    ) -> Result<Option<Value>, NormalizationError>;
    /// `raw_attributes` and `custom_attributes`.
    fn attributes(&mut self) -> (&mut Map<String, Value>, &mut Map<String, Value>);
    /// Fills what the object does not state from its raw resource (see `detail.rs`);
    /// `states_active`: whether it stated `active`.
    fn fill_from_raw(&mut self, states_active: bool);
    /// Fills the derived fields.
    fn complete(&mut self);
}

/// A reference user or group being read one member at a time: shared by [`user_from_value`],
/// [`group_from_value`] and the streaming event and page readers, so all apply the same rules.
#[derive(Default)]
pub(crate) struct Builder<M> {
    model: M,
    extras: Map<String, Value>,
    detail: Option<Map<String, Value>>,
    states_active: bool,
}

/// A reference user being read (see [`Builder`]).
pub(crate) type UserBuilder = Builder<DirectoryUser>;
/// A reference group being read (see [`Builder`]).
pub(crate) type GroupBuilder = Builder<DirectoryGroup>;

impl<M: ReferenceModel> Builder<M> {
    /// Reads member `name` (already lower-cased); gives `value` back when the model has no field
    /// for it (the caller passes it on to [`Self::extra`] under the key as sent).
    pub(crate) fn field(
        &mut self,
        name: &str,
        v: Value,
        p: Ptr<'_>,
    ) -> Result<Option<Value>, NormalizationError> {
        self.states_active |= name == "active";
        let (raw, custom) = self.model.attributes();
        match name {
            "custom_attributes" => *custom = object_or_empty(v, p)?,
            "raw_attributes" => *raw = object_or_empty(v, p)?,
            "password" => {}
            _ if name == M::DETAIL => self.detail = Some(object_or_empty(v, p)?),
            _ => return self.model.field(name, v, p),
        }
        Ok(None)
    }

    /// Keeps a member the model has no field for (without passwords).
    pub(crate) fn extra(&mut self, key: String, mut v: Value) {
        strip_passwords(&mut v);
        self.extras.insert(key, v);
    }

    /// The model: the `*_detail` object as raw attributes when there are none, extras under
    /// custom attributes, derived fields filled.
    pub(crate) fn finish(self) -> M {
        let mut model = self.model;
        let (raw, custom) = model.attributes();
        if raw.is_empty() {
            if let Some(d) = self.detail {
                *raw = d;
            }
        }
        for (k, v) in self.extras {
            custom.entry(k).or_insert(v);
        }
        model.fill_from_raw(self.states_active);
        model.complete();
        model
    }
}

impl UserBuilder {
    /// Sets the groups read by the streaming reader (what [`Self::field`] makes of `groups`).
    pub(crate) fn set_groups(&mut self, groups: Vec<GroupRef>) {
        self.model.groups = groups;
    }

    /// What the members read so far say (`organization_id`, `directory_id`), for the envelope.
    pub(crate) fn user(&self) -> &DirectoryUser {
        &self.model
    }
}

impl ReferenceModel for DirectoryUser {
    const DETAIL: &'static str = "user_detail";

    fn field(
        &mut self,
        name: &str,
        v: Value,
        p: Ptr<'_>,
    ) -> Result<Option<Value>, NormalizationError> {
        let user = self;
        Ok(match name {
            "id" => set(&mut user.id, v, p)?,
            "dp_id" => set(&mut user.dp_id, v, p)?,
            "organization_id" => set(&mut user.organization_id, v, p)?,
            "directory_id" => set(&mut user.directory_id, v, p)?,
            "email" => set(&mut user.email, v, p)?,
            "preferred_username" => set(&mut user.preferred_username, v, p)?,
            "name" => set(&mut user.name, v, p)?,
            "given_name" => set(&mut user.given_name, v, p)?,
            "family_name" => set(&mut user.family_name, v, p)?,
            "nickname" => set(&mut user.nickname, v, p)?,
            "phone_number" => set(&mut user.phone_number, v, p)?,
            "locale" => set(&mut user.locale, v, p)?,
            "language" => set(&mut user.language, v, p)?,
            "zoneinfo" => set(&mut user.zoneinfo, v, p)?,
            "user_type" => set(&mut user.user_type, v, p)?,
            "profile" => set(&mut user.profile, v, p)?,
            "picture" => set(&mut user.picture, v, p)?,
            "title" => set(&mut user.title, v, p)?,
            "department" => set(&mut user.department, v, p)?,
            "employee_id" => set(&mut user.employee_id, v, p)?,
            "cost_center" => set(&mut user.cost_center, v, p)?,
            "division" => set(&mut user.division, v, p)?,
            "organization" => set(&mut user.organization, v, p)?,
            "updated_at" => set(&mut user.updated_at, v, p)?,
            "active" => {
                user.active = opt_bool(&v, p)?.unwrap_or(true);
                None
            }
            "emails" => {
                user.emails = strings(v, p)?;
                None
            }
            "groups" => {
                user.groups = group_refs_from_value(&v, p)?;
                None
            }
            "roles" => {
                user.roles = roles_from_value(&v, p)?;
                None
            }
            "manager" => {
                user.manager = manager_from_value(&v, p)?;
                None
            }
            "address" => {
                user.address = address_from_reference(&v, p)?;
                None
            }
            _ => Some(v),
        })
    }

    fn attributes(&mut self) -> (&mut Map<String, Value>, &mut Map<String, Value>) {
        (&mut self.raw_attributes, &mut self.custom_attributes)
    }

    fn fill_from_raw(&mut self, states_active: bool) {
        fill_user(self, states_active);
    }

    fn complete(&mut self) {
        complete_user(self);
    }
}

impl ReferenceModel for DirectoryGroup {
    const DETAIL: &'static str = "group_detail";

    fn field(
        &mut self,
        name: &str,
        v: Value,
        p: Ptr<'_>,
    ) -> Result<Option<Value>, NormalizationError> {
        let group = self;
        Ok(match name {
            "id" => set(&mut group.id, v, p)?,
            "dp_id" => set(&mut group.dp_id, v, p)?,
            "organization_id" => set(&mut group.organization_id, v, p)?,
            "directory_id" => set(&mut group.directory_id, v, p)?,
            "display_name" => set(&mut group.display_name, v, p)?,
            "name" => set(&mut group.name, v, p)?,
            "external_id" => set(&mut group.external_id, v, p)?,
            "email" => set(&mut group.email, v, p)?,
            "description" => set(&mut group.description, v, p)?,
            "updated_at" => set(&mut group.updated_at, v, p)?,
            "total_users" => {
                group.total_users = count(&v, p)?;
                None
            }
            "members" => {
                group.members = members_from_value(&v, p)?;
                None
            }
            "members_added" => {
                group.members_added = members_from_value(&v, p)?;
                None
            }
            "members_removed" => {
                group.members_removed = members_from_value(&v, p)?;
                None
            }
            _ => Some(v),
        })
    }

    fn attributes(&mut self) -> (&mut Map<String, Value>, &mut Map<String, Value>) {
        (&mut self.raw_attributes, &mut self.custom_attributes)
    }

    fn fill_from_raw(&mut self, _states_active: bool) {
        fill_group(self);
    }

    fn complete(&mut self) {
        complete_group(self);
    }
}

/// Reads a string field, moving the string; never an unknown field (`None` to the caller's loop).
fn set(
    field: &mut Option<String>,
    value: Value,
    pointer: Ptr<'_>,
) -> Result<Option<Value>, NormalizationError> {
    *field = take_string(value, pointer)?;
    Ok(None)
}
