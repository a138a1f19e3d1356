//! What a reference user or group leaves out, taken from the provider's resource it carries
//! (`raw_attributes`, or a listing's `user_detail` / `group_detail`).
//!
//! The two routes a user arrives by each state part of it in the model's fields: a Directory
//! API listing item has `title`, `department`, the employee number, `active`, … only inside
//! `user_detail`, and a group's `external_id` only inside `group_detail`; a webhook or
//! events-API user has `email` but not `emails`, which its `raw_attributes` (the provider's
//! SCIM resource) lists in full. Reading each field the object does not state from that
//! resource, with the same readers as [`crate::normalize::normalize_user`], gives the same user
//! by both routes.
//!
//! The object's own fields win. Never taken from the resource: ids (the provider's `id` is not
//! the directory's), the organization and directory, `groups` and `roles` (provider ids and
//! names, not the directory's), `updated_at`, and for groups `dp_id` (the reference service's
//! is not the SCIM `externalId`). A resource that does not read as a user (or group) fills
//! nothing; it is still kept, as sent, in `raw_attributes`.

use serde_json::{Map, Value};

use crate::model::{DirectoryGroup, DirectoryUser, PartialDirectoryUser};
use crate::normalize::declared::{declared_type, is_google, Declared, NormalizeOptions};
use crate::normalize::group::group_from_object;
use crate::normalize::resource::Resource;
use crate::normalize::{google, scim_user};

/// What the raw user resource states in the model's fields; `None` when it is not a user or
/// does not read.
fn stated_by(raw: &Map<String, Value>) -> Option<PartialDirectoryUser> {
    let res = Resource::read(raw);
    if !matches!(declared_type(&res), Ok(Declared::User | Declared::Unknown)) {
        return None;
    }
    if is_google(&res, &NormalizeOptions::default()) {
        return google::user(&res).ok().map(stated_fields);
    }
    scim_user::extract_fields(&res).ok()
}

/// A full user's fields as stated ones (a Google user, read as a whole).
fn stated_fields(u: DirectoryUser) -> PartialDirectoryUser {
    PartialDirectoryUser {
        dp_id: u.dp_id,
        email: u.email,
        preferred_username: u.preferred_username,
        name: u.name,
        given_name: u.given_name,
        family_name: u.family_name,
        nickname: u.nickname,
        active: Some(u.active),
        emails: (!u.emails.is_empty()).then_some(u.emails),
        phone_number: u.phone_number,
        locale: u.locale,
        language: u.language,
        zoneinfo: u.zoneinfo,
        user_type: u.user_type,
        profile: u.profile,
        picture: u.picture,
        address: u.address,
        title: u.title,
        department: u.department,
        employee_id: u.employee_id,
        cost_center: u.cost_center,
        division: u.division,
        organization: u.organization,
        manager: u.manager,
        ..PartialDirectoryUser::default()
    }
}

/// `field`, or else what the resource states.
fn or<T>(field: &mut Option<T>, raw: Option<T>) {
    if field.is_none() {
        *field = raw;
    }
}

/// Fills what `user` (a reference object just read, before its derived fields) does not state
/// from its raw resource. `states_active`: whether the object said `active` itself; `emails`
/// count as unstated when empty.
pub(crate) fn fill_user(user: &mut DirectoryUser, states_active: bool) {
    if user.raw_attributes.is_empty() {
        return;
    }
    let Some(raw) = stated_by(&user.raw_attributes) else {
        return;
    };
    let PartialDirectoryUser {
        dp_id,
        email,
        preferred_username,
        name,
        given_name,
        family_name,
        nickname,
        active,
        emails,
        phone_number,
        locale,
        language,
        zoneinfo,
        user_type,
        profile,
        picture,
        address,
        title,
        department,
        employee_id,
        cost_center,
        division,
        organization,
        manager,
        ..
    } = raw;
    or(&mut user.dp_id, dp_id);
    or(&mut user.email, email);
    or(&mut user.preferred_username, preferred_username);
    or(&mut user.name, name);
    or(&mut user.given_name, given_name);
    or(&mut user.family_name, family_name);
    or(&mut user.nickname, nickname);
    or(&mut user.phone_number, phone_number);
    or(&mut user.locale, locale);
    or(&mut user.language, language);
    or(&mut user.zoneinfo, zoneinfo);
    or(&mut user.user_type, user_type);
    or(&mut user.profile, profile);
    or(&mut user.picture, picture);
    or(&mut user.address, address);
    or(&mut user.title, title);
    or(&mut user.department, department);
    or(&mut user.employee_id, employee_id);
    or(&mut user.cost_center, cost_center);
    or(&mut user.division, division);
    or(&mut user.organization, organization);
    or(&mut user.manager, manager);
    if !states_active {
        if let Some(a) = active {
            user.active = a;
        }
    }
    if user.emails.is_empty() {
        user.emails = emails.unwrap_or_default();
    }
}

/// Fills what `group` does not state from its raw resource: `display_name`, `external_id`,
/// `email`, `description`.
pub(crate) fn fill_group(group: &mut DirectoryGroup) {
    if group.raw_attributes.is_empty() {
        return;
    }
    // Groups are few (a page of at most 30 per listing): the whole reader, copies and all.
    let Ok(raw) = group_from_object(&group.raw_attributes, &NormalizeOptions::default()) else {
        return;
    };
    // `name` is then filled from `display_name` (the two are one), as for any group.
    or(&mut group.display_name, raw.display_name);
    or(&mut group.external_id, raw.external_id);
    or(&mut group.email, raw.email);
    or(&mut group.description, raw.description);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::reference::{group_from_reference, user_from_reference};
    use serde_json::json;

    #[test]
    fn a_listing_item_takes_what_only_its_detail_states() {
        let item = json!({
            "id": "diruser_1", "email": "ada@acme.com", "given_name": "Ada",
            "updated_at": "2026-01-01T00:00:00Z", "emails": ["ada@acme.com"], "groups": [],
            "user_detail": {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "id": "scim-1", "externalId": "00u1", "userName": "ada@acme.com",
                "displayName": "Ada Lovelace", "title": "CTO", "active": false,
                "emails": [{"value": "ada@acme.com", "primary": true}, {"value": "a@mail.acme.com"}],
                "groups": [{"value": "scim-g1", "display": "Math"}],
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
                    {"department": "R&D", "employeeNumber": "0042"}
            }
        });
        let u = user_from_reference(&item).unwrap();
        assert_eq!(
            u.id.as_deref(),
            Some("diruser_1"),
            "the directory's id, not SCIM's"
        );
        assert_eq!(u.title.as_deref(), Some("CTO"));
        assert_eq!(u.department.as_deref(), Some("R&D"));
        assert_eq!(u.employee_id.as_deref(), Some("0042"));
        assert_eq!(u.dp_id.as_deref(), Some("00u1"));
        assert_eq!(u.name.as_deref(), Some("Ada Lovelace"));
        assert!(!u.active, "the detail says inactive");
        assert_eq!(u.emails, ["ada@acme.com"], "the item's own list wins");
        assert!(
            u.groups.is_empty(),
            "SCIM group ids are not the directory's"
        );
        assert!(u.custom_attributes.is_empty());
    }

    #[test]
    fn an_event_user_takes_every_email_from_its_raw_resource() {
        let data = json!({
            "id": "diruser_1", "email": "ada@acme.com", "title": "CEO", "active": true,
            "raw_attributes": {
                "userName": "ada@acme.com", "title": "CTO", "active": false,
                "emails": [{"value": "a@mail.acme.com", "type": "other"},
                           {"value": "ada@acme.com", "type": "work", "primary": true}]
            }
        });
        let u = user_from_reference(&data).unwrap();
        assert_eq!(u.emails, ["ada@acme.com", "a@mail.acme.com"]);
        assert_eq!(
            u.title.as_deref(),
            Some("CEO"),
            "the event's own fields win"
        );
        assert!(u.active, "the event states `active`");
    }

    #[test]
    fn a_resource_that_does_not_read_fills_nothing_and_is_kept() {
        let data = json!({
            "id": "diruser_1", "email": "ada@acme.com",
            "raw_attributes": {"title": {"not": "a string"}, "emails": 7}
        });
        let u = user_from_reference(&data).unwrap();
        assert_eq!(u.title, None);
        assert_eq!(u.emails, ["ada@acme.com"]);
        assert_eq!(Value::Object(u.raw_attributes), data["raw_attributes"]);
        let group = json!({"id": "g", "raw_attributes": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "externalId": "x"}});
        assert_eq!(
            group_from_reference(&group).unwrap().external_id,
            None,
            "a user is no group's detail"
        );
    }

    #[test]
    fn a_group_takes_its_external_id_from_its_detail() {
        let item = json!({
            "id": "dirgroup_1", "display_name": "Math", "total_users": 3,
            "group_detail": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                             "id": "scim-g1", "displayName": "Mathematics", "externalId": "grp-math"}
        });
        let g = group_from_reference(&item).unwrap();
        assert_eq!(g.external_id.as_deref(), Some("grp-math"));
        assert_eq!(
            g.display_name.as_deref(),
            Some("Math"),
            "the item's own name wins"
        );
        assert_eq!(g.id.as_deref(), Some("dirgroup_1"));
        assert_eq!(g.dp_id, None);
    }
}
