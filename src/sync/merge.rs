//! New states that say only part of a user or group, merged over the stored one: listing items
//! (the listings carry fewer fields than events) and partial events (normalized from SCIM
//! requests without the current resource).

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::model::{DirectoryGroup, DirectoryUser, PartialDirectoryUser};

/// The user a listing shows, over the stored one (`base`, when there is a live row).
///
/// A listing says less than an event: the reference listing has no `roles`, for instance, and
/// what it has only in `user_detail` (`title`, `active`, …) the normalizer already took from
/// there. So each field the listed user leaves out (`null`, or an empty list or object) keeps
/// the stored value, instead of erasing what events said on every full sync; the price is that
/// a field cleared in the directory is learned from its event, not from a listing.
pub(crate) fn listed_user_over(
    base: Option<&DirectoryUser>,
    listed: DirectoryUser,
) -> DirectoryUser {
    let Some(b) = base else {
        return listed;
    };
    let DirectoryUser {
        id,
        dp_id,
        organization_id,
        directory_id,
        email,
        preferred_username,
        name,
        given_name,
        family_name,
        nickname,
        active,
        emails,
        groups,
        roles,
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
        custom_attributes,
        raw_attributes,
        updated_at,
    } = listed;
    let or = |v: Option<String>, stored: &Option<String>| v.or_else(|| stored.clone());
    DirectoryUser {
        id: or(id, &b.id),
        dp_id: or(dp_id, &b.dp_id),
        organization_id: or(organization_id, &b.organization_id),
        directory_id: or(directory_id, &b.directory_id),
        email: or(email, &b.email),
        preferred_username: or(preferred_username, &b.preferred_username),
        name: or(name, &b.name),
        given_name: or(given_name, &b.given_name),
        family_name: or(family_name, &b.family_name),
        nickname: or(nickname, &b.nickname),
        active,
        emails: non_empty(emails, &b.emails),
        groups: non_empty(groups, &b.groups),
        roles: non_empty(roles, &b.roles),
        phone_number: or(phone_number, &b.phone_number),
        locale: or(locale, &b.locale),
        language: or(language, &b.language),
        zoneinfo: or(zoneinfo, &b.zoneinfo),
        user_type: or(user_type, &b.user_type),
        profile: or(profile, &b.profile),
        picture: or(picture, &b.picture),
        address: address.or_else(|| b.address.clone()),
        title: or(title, &b.title),
        department: or(department, &b.department),
        employee_id: or(employee_id, &b.employee_id),
        cost_center: or(cost_center, &b.cost_center),
        division: or(division, &b.division),
        organization: or(organization, &b.organization),
        manager: manager.or_else(|| b.manager.clone()),
        custom_attributes: non_empty_map(custom_attributes, &b.custom_attributes),
        raw_attributes: non_empty_map(raw_attributes, &b.raw_attributes),
        updated_at: or(updated_at, &b.updated_at),
    }
}

/// The group a listing shows, over the stored one (see [`listed_user_over`]).
pub(crate) fn listed_group_over(
    base: Option<&DirectoryGroup>,
    listed: DirectoryGroup,
) -> DirectoryGroup {
    let Some(b) = base else {
        return listed;
    };
    let DirectoryGroup {
        id,
        dp_id,
        organization_id,
        directory_id,
        display_name,
        name,
        external_id,
        email,
        description,
        members,
        members_added,
        members_removed,
        total_users,
        custom_attributes,
        raw_attributes,
        updated_at,
    } = listed;
    let or = |v: Option<String>, stored: &Option<String>| v.or_else(|| stored.clone());
    DirectoryGroup {
        id: or(id, &b.id),
        dp_id: or(dp_id, &b.dp_id),
        organization_id: or(organization_id, &b.organization_id),
        directory_id: or(directory_id, &b.directory_id),
        display_name: or(display_name, &b.display_name),
        name: or(name, &b.name),
        external_id: or(external_id, &b.external_id),
        email: or(email, &b.email),
        description: or(description, &b.description),
        members,
        members_added,
        members_removed,
        total_users,
        custom_attributes: non_empty_map(custom_attributes, &b.custom_attributes),
        raw_attributes: non_empty_map(raw_attributes, &b.raw_attributes),
        updated_at: or(updated_at, &b.updated_at),
    }
}

fn non_empty<T: Clone>(v: Vec<T>, stored: &[T]) -> Vec<T> {
    if v.is_empty() {
        stored.to_vec()
    } else {
        v
    }
}

fn non_empty_map(v: Map<String, Value>, stored: &Map<String, Value>) -> Map<String, Value> {
    if v.is_empty() {
        stored.clone()
    } else {
        v
    }
}

/// A full user event's user over the stored one: the event's, except for `emails` when the
/// event does not state the list.
///
/// Reference events carry `email` but no `emails`; the list is in `raw_attributes` (the
/// provider's SCIM resource), from which the normalizer reads it. An event whose raw resource
/// lists no `emails` and whose user has no address but its primary does not say the others are
/// gone: the stored addresses it does not name are kept, after its primary, instead of being
/// wiped until the next full sync. (The price: an address removed in the directory by such an
/// event stays until a listing, which always states the list, replaces it.)
pub(crate) fn event_user_over(
    base: Option<&DirectoryUser>,
    event: &DirectoryUser,
) -> DirectoryUser {
    let mut user = event.clone();
    let Some(b) = base else {
        return user;
    };
    if emails_stated(event) {
        return user;
    }
    for e in &b.emails {
        if !user.emails.iter().any(|x| x.eq_ignore_ascii_case(e)) {
            user.emails.push(e.clone());
        }
    }
    user
}

/// Whether an event's user states its whole `emails` list: its raw resource has a non-null
/// `emails` (any case), or the list holds more than the primary.
fn emails_stated(user: &DirectoryUser) -> bool {
    let raw = user
        .raw_attributes
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("emails") && !v.is_null());
    raw || user.emails.iter().any(|e| {
        !user
            .email
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case(e))
    })
}

/// A partial user event over the stored user: each field the event states (not `null`)
/// replaces the stored one, `custom_attributes` are merged key by key, a non-empty
/// `raw_attributes` replaces the stored one, and each of `cleared_attributes` is reset (a model
/// field to its empty value, any other name removed from `custom_attributes`).
pub(crate) fn partial_user_over(
    base: &DirectoryUser,
    partial: &PartialDirectoryUser,
) -> Result<DirectoryUser, String> {
    overlay(base, partial, &partial.cleared_attributes)
}

/// A partial group event (its `null`s mean "not stated") over the stored group, as
/// [`partial_user_over`] without cleared attributes.
pub(crate) fn partial_group_over(
    base: &DirectoryGroup,
    partial: &DirectoryGroup,
) -> Result<DirectoryGroup, String> {
    overlay(base, partial, &[])
}

/// The JSON route for partial states: generic over the model, at the cost of a round trip
/// through `Value` (partial events are rare: they come from SCIM requests, not deliveries).
fn overlay<T: Serialize + DeserializeOwned + Default, P: Serialize>(
    base: &T,
    patch: &P,
    cleared: &[String],
) -> Result<T, String> {
    let object = |v: Result<Value, serde_json::Error>| match v {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err("not a JSON object".to_owned()),
        Err(e) => Err(e.to_string()),
    };
    let mut out = object(serde_json::to_value(base))?;
    for (key, value) in object(serde_json::to_value(patch))? {
        match (key.as_str(), value) {
            ("cleared_attributes", _) | (_, Value::Null) => {}
            ("custom_attributes", Value::Object(m)) => {
                if let Some(Value::Object(custom)) = out.get_mut("custom_attributes") {
                    custom.extend(m);
                }
            }
            ("raw_attributes", Value::Object(m)) if m.is_empty() => {}
            (_, v) => {
                out.insert(key, v);
            }
        }
    }
    if !cleared.is_empty() {
        let defaults = object(serde_json::to_value(T::default()))?;
        for name in cleared {
            match defaults.get(name) {
                Some(empty) => {
                    out.insert(name.clone(), empty.clone());
                }
                None => {
                    if let Some(Value::Object(custom)) = out.get_mut("custom_attributes") {
                        custom.remove(name);
                    }
                }
            }
        }
    }
    serde_json::from_value(Value::Object(out)).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn listing_keeps_what_it_does_not_say() {
        let stored = DirectoryUser {
            title: Some("CTO".into()),
            given_name: Some("Ada".into()),
            roles: vec![crate::model::Role {
                role_name: Some("admin".into()),
            }],
            active: true,
            ..DirectoryUser::default()
        };
        let listed = DirectoryUser {
            given_name: Some("Ada L.".into()),
            active: false,
            ..DirectoryUser::default()
        };
        let merged = listed_user_over(Some(&stored), listed);
        assert_eq!(merged.title.as_deref(), Some("CTO"));
        assert_eq!(merged.given_name.as_deref(), Some("Ada L."));
        assert_eq!(merged.roles, stored.roles);
        assert!(
            !merged.active,
            "the listing's `active` (its detail's, once normalized)"
        );
    }

    #[test]
    fn an_event_without_the_email_list_keeps_the_stored_addresses() {
        let stored = DirectoryUser {
            email: Some("ada@acme.com".into()),
            emails: vec!["ada@acme.com".into(), "a@mail.acme.com".into()],
            ..DirectoryUser::default()
        };
        let event = DirectoryUser {
            email: Some("lovelace@acme.com".into()),
            emails: vec!["lovelace@acme.com".into()],
            title: Some("CTO".into()),
            ..DirectoryUser::default()
        };
        let u = event_user_over(Some(&stored), &event);
        assert_eq!(
            u.emails,
            ["lovelace@acme.com", "ada@acme.com", "a@mail.acme.com"]
        );
        assert_eq!(u.title.as_deref(), Some("CTO"));
        assert_eq!(event_user_over(None, &event).emails, ["lovelace@acme.com"]);
        // Stated by its raw resource (even as just the primary), or by a longer list: the event's.
        let raw = DirectoryUser {
            raw_attributes: json!({"Emails": [{"value": "lovelace@acme.com"}]})
                .as_object()
                .unwrap()
                .clone(),
            ..event.clone()
        };
        assert_eq!(
            event_user_over(Some(&stored), &raw).emails,
            ["lovelace@acme.com"]
        );
        let listed = DirectoryUser {
            emails: vec!["lovelace@acme.com".into(), "l@mail.acme.com".into()],
            ..event
        };
        assert_eq!(
            event_user_over(Some(&stored), &listed).emails,
            listed.emails
        );
    }

    #[test]
    fn partial_user_states_clears_and_merges() {
        let stored = DirectoryUser {
            title: Some("CTO".into()),
            nickname: Some("ada".into()),
            emails: vec!["a@x".into()],
            custom_attributes: json!({"team": "core", "floor": 3})
                .as_object()
                .unwrap()
                .clone(),
            ..DirectoryUser::default()
        };
        let partial = PartialDirectoryUser {
            title: Some("CEO".into()),
            active: Some(false),
            custom_attributes: json!({"team": "exec"}).as_object().unwrap().clone(),
            cleared_attributes: vec!["nickname".into(), "emails".into(), "floor".into()],
            ..PartialDirectoryUser::default()
        };
        let u = partial_user_over(&stored, &partial).unwrap();
        assert_eq!(u.title.as_deref(), Some("CEO"));
        assert!(!u.active);
        assert_eq!(u.nickname, None);
        assert!(u.emails.is_empty());
        assert_eq!(Value::Object(u.custom_attributes), json!({"team": "exec"}));
    }

    #[test]
    fn partial_group_keeps_unstated_fields() {
        let stored = DirectoryGroup {
            display_name: Some("Eng".into()),
            description: Some("builders".into()),
            ..DirectoryGroup::default()
        };
        let partial = DirectoryGroup {
            display_name: Some("Engineering".into()),
            ..DirectoryGroup::default()
        };
        let g = partial_group_over(&stored, &partial).unwrap();
        assert_eq!(g.display_name.as_deref(), Some("Engineering"));
        assert_eq!(g.description.as_deref(), Some("builders"));
    }
}
