//! SCIM 2.0 (and 1.x) User resources, with every provider's bends, into the model's fields.
//!
//! [`extract`] reads only what the resource states (a [`PartialDirectoryUser`]); the full
//! normalizer then adds defaults and derived fields. PATCH/PUT requests normalized without the
//! current resource use the extraction alone, so they never invent values.

use serde_json::{Map, Value};

use super::fill::{
    first_string, group_refs_from_value, manager_from_value, primary_index, read_items,
    roles_from_value, string_of,
};
use super::resource::{Attr, Resource};
use crate::json::value::{
    cloned_without_passwords, opt_bool, opt_string, pick, raw_without_passwords,
    strip_passwords_map, Found, Ptr, ROOT,
};
use crate::json::NormalizationError;
use crate::model::{Address, PartialDirectoryUser};

/// What a SCIM user states, plus `name.formatted` (a display-name fallback for full users only).
pub(crate) struct Extracted {
    pub user: PartialDirectoryUser,
    pub formatted: Option<String>,
}

/// Where one enterprise attribute was found: the attribute, the top-level key and, inside an
/// extension object, the member name; and its value.
type EnterpriseSource<'a> = (Attr, (&'a str, Option<&'a str>), &'a Value);

/// The `value` of one multi-valued item (an object's `value`, or a bare string); `found` is what
/// [`read_items`] found in it with [`VALUE_ITEM`].
fn item_value(
    item: &Value,
    found: Option<&[Found<'_>; 3]>,
    pointer: Ptr<'_>,
) -> Result<Option<String>, NormalizationError> {
    match found {
        Some([_, _, value]) => first_string(&[*value], pointer),
        None => opt_string(item, pointer),
    }
}

/// A multi-valued attribute as an array: `null` is "none" (JumpCloud sends `emails: null`), a lone
/// object is one value (seen from template-driven providers), anything else is reported.
fn multi<'a>(value: &'a Value, pointer: Ptr<'_>) -> Result<&'a [Value], NormalizationError> {
    match value {
        Value::Null => Ok(&[]),
        Value::Array(items) => Ok(items),
        Value::Object(_) => Ok(std::slice::from_ref(value)),
        _ => Err(NormalizationError::invalid_value(
            pointer,
            "expected an array",
        )),
    }
}

/// Names read from each item of `emails`, `phoneNumbers` and `photos`.
const VALUE_ITEM: [&str; 3] = ["primary", "type", "value"];

/// The primary item's value.
fn primary_value(items: &[Value], pointer: Ptr<'_>) -> Result<Option<String>, NormalizationError> {
    let found = read_items(items, &VALUE_ITEM);
    match primary_index(&found, pointer)? {
        Some(i) => match items.get(i) {
            Some(item) => item_value(
                item,
                found.get(i).and_then(Option::as_ref),
                pointer.index(i),
            ),
            None => Ok(None),
        },
        None => Ok(None),
    }
}

/// Strips JumpCloud's `tel:` URI scheme from a phone number.
fn strip_tel(phone: String) -> String {
    match phone.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("tel:") => phone.get(4..).unwrap_or_default().to_owned(),
        _ => phone,
    }
}

/// Names read from each item of `addresses`.
const ADDRESS_ITEM: [&str; 11] = [
    "primary",
    "type",
    "formatted",
    "streetaddress",
    "street_address",
    "locality",
    "region",
    "postalcode",
    "postal_code",
    "country",
    "countrycode",
];

/// The primary address, from what [`read_items`] found in it with [`ADDRESS_ITEM`].
fn address(found: &[Found<'_>; 11], pointer: Ptr<'_>) -> Result<Address, NormalizationError> {
    let [_, _, formatted, street, street_snake, locality, region, postal, postal_snake, country, country_code] =
        *found;
    Ok(Address {
        formatted: first_string(&[formatted], pointer)?,
        street_address: first_string(&[street, street_snake], pointer)?,
        locality: first_string(&[locality], pointer)?,
        region: first_string(&[region], pointer)?,
        postal_code: first_string(&[postal, postal_snake], pointer)?,
        country: first_string(&[country, country_code], pointer)?,
    })
}

/// Reads what a SCIM user resource states, in one pass over its members. Pointers in errors are
/// relative to the resource.
///
/// Enterprise attributes are read from wherever the provider put them: the extension object (any
/// URN spelling), flat `urn…:attr` keys, then bare top-level attributes (Entra); the first
/// non-null value wins.
pub(crate) fn extract(res: &Resource<'_>) -> Result<Extracted, NormalizationError> {
    read(res, true)
}

/// What a SCIM user resource states in the model's own fields, without copying the rest of it
/// into `custom_attributes` or the whole into `raw_attributes` (both stay empty): for filling
/// what a reference user leaves out from the resource it carries, where the copies would only
/// be thrown away.
pub(crate) fn extract_fields(
    res: &Resource<'_>,
) -> Result<PartialDirectoryUser, NormalizationError> {
    Ok(read(res, false)?.user)
}

/// [`extract`]; `attributes`: whether to fill `custom_attributes` and `raw_attributes`.
fn read(res: &Resource<'_>, attributes: bool) -> Result<Extracted, NormalizationError> {
    let mut u = PartialDirectoryUser::default();
    let mut formatted = None;
    let mut custom = Map::new();
    // Enterprise attributes where they were found, by place, each in the members' order.
    let mut in_extension: Vec<EnterpriseSource<'_>> = Vec::new();
    let mut flat: Vec<EnterpriseSource<'_>> = Vec::new();
    let mut bare: Vec<EnterpriseSource<'_>> = Vec::new();
    for e in res.entries() {
        let (key, v) = (e.key, e.value);
        let p = ROOT.key(key);
        let s = || opt_string(v, p);
        match e.attr {
            Attr::Id => u.id = s()?,
            Attr::ExternalId => u.dp_id = s()?,
            Attr::UserName => u.preferred_username = s()?,
            Attr::DisplayName => u.name = s()?,
            Attr::NickName => u.nickname = s()?,
            Attr::Title => u.title = s()?,
            Attr::UserType => u.user_type = s()?,
            Attr::PreferredLanguage => u.language = s()?,
            Attr::Locale => u.locale = s()?,
            Attr::Timezone => u.zoneinfo = s()?,
            Attr::ProfileUrl => u.profile = s()?,
            Attr::Active => u.active = opt_bool(v, p)?,
            Attr::Name => match v {
                Value::Object(n) => {
                    let [given, family, full] = pick(n, &["givenname", "familyname", "formatted"]);
                    u.given_name = first_string(&[given], p)?;
                    u.family_name = first_string(&[family], p)?;
                    formatted = first_string(&[full], p)?;
                }
                // A template that maps a single full-name string.
                other => formatted = opt_string(other, p)?,
            },
            Attr::Emails => {
                let items = multi(v, p)?;
                let found = read_items(items, &VALUE_ITEM);
                let primary = primary_index(&found, p)?;
                let mut emails = Vec::with_capacity(items.len());
                let ordered = primary
                    .into_iter()
                    .chain((0..items.len()).filter(|i| Some(*i) != primary));
                for i in ordered {
                    if let Some(item) = items.get(i) {
                        let f = found.get(i).and_then(Option::as_ref);
                        emails.extend(item_value(item, f, p.index(i))?);
                    }
                }
                u.email = primary.and_then(|_| emails.first().cloned());
                u.emails = Some(emails);
            }
            Attr::PhoneNumbers => {
                u.phone_number = primary_value(multi(v, p)?, p)?.map(strip_tel);
            }
            Attr::Photos => u.picture = primary_value(multi(v, p)?, p)?,
            Attr::Addresses => {
                let items = multi(v, p)?;
                let found = read_items(items, &ADDRESS_ITEM);
                if let Some(i) = primary_index(&found, p)? {
                    if let Some(Some(a)) = found.get(i) {
                        u.address = Some(address(a, p.index(i))?);
                    }
                }
            }
            Attr::Groups => u.groups = Some(group_refs_from_value(v, p)?),
            Attr::Roles => u.roles = Some(roles_from_value(v, p)?),
            Attr::Meta => {
                if let Value::Object(m) = v {
                    u.updated_at = string_of(m, &["lastmodified"], p)?;
                }
            }
            Attr::Schemas | Attr::Password => {}
            a if a.is_enterprise() => bare.push((a, (key, None), v)),
            Attr::FlatEnterprise => flat.push((e.inner, (key, None), v)),
            Attr::EnterpriseExt => {
                // Extension members the model has no field for stay, under the same key.
                if let Value::Object(ext) = v {
                    let mut rest = Map::new();
                    for (a, av) in ext {
                        match Attr::enterprise(a) {
                            Some(attr) => in_extension.push((attr, (key, Some(a)), av)),
                            None if attributes => {
                                rest.insert(a.clone(), av.clone());
                            }
                            None => {}
                        }
                    }
                    if attributes && !rest.is_empty() {
                        strip_passwords_map(&mut rest);
                        custom.insert(key.to_owned(), Value::Object(rest));
                    }
                }
            }
            _ if attributes => {
                custom.insert(key.to_owned(), cloned_without_passwords(v));
            }
            _ => {}
        }
    }
    let mut seen: Vec<Attr> = Vec::with_capacity(6);
    for (attr, (key, member), v) in in_extension.into_iter().chain(flat).chain(bare) {
        if v.is_null() || seen.contains(&attr) {
            continue;
        }
        seen.push(attr);
        let top = ROOT.key(key);
        let inner;
        let pointer = match member {
            Some(m) => {
                inner = top.key(m);
                inner
            }
            None => top,
        };
        let s = || opt_string(v, pointer);
        match attr {
            Attr::Department => u.department = s()?,
            Attr::EmployeeNumber => u.employee_id = s()?,
            Attr::CostCenter => u.cost_center = s()?,
            Attr::Division => u.division = s()?,
            Attr::Organization => u.organization = s()?,
            Attr::Manager => u.manager = manager_from_value(v, pointer)?,
            _ => {}
        }
    }
    if attributes {
        u.custom_attributes = custom;
        u.raw_attributes = raw_without_passwords(res.map());
    }
    Ok(Extracted { user: u, formatted })
}
