//! A provider's user or group resource (SCIM 2.0 / 1.x, Google Directory API) read in one pass:
//! each top-level key case-folded once and classified by the attribute it names ([`Attr`]), so
//! that telling what the resource is, which provider sent it, and filling the model all read
//! the classified members instead of scanning the keys again for each attribute.

use serde_json::{Map, Value};

use crate::json::value::{fold, Found, MAX_NAME};
use crate::scim::schema::{is_enterprise_urn, ENTERPRISE_URNS};

/// A top-level attribute some reader looks up, by its lower-case name (every name any of the
/// SCIM, Google, detection and request readers uses); [`Attr::Other`] for the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attr {
    Schemas,
    Id,
    ExternalId,
    Meta,
    UserName,
    Name,
    DisplayName,
    NickName,
    ProfileUrl,
    Title,
    UserType,
    PreferredLanguage,
    Locale,
    Timezone,
    Active,
    Password,
    Emails,
    PhoneNumbers,
    Photos,
    Addresses,
    Groups,
    Roles,
    Members,
    /// The enterprise extension's attributes (RFC 7643 §4.3), bare at the top level (Entra).
    Department,
    EmployeeNumber,
    CostCenter,
    Division,
    Organization,
    Manager,
    /// SCIM protocol and Google members.
    Kind,
    Resources,
    TotalResults,
    PrimaryEmail,
    Suspended,
    Archived,
    ExternalIds,
    Organizations,
    Relations,
    Phones,
    Languages,
    ThumbnailPhotoUrl,
    CustomSchemas,
    Etag,
    ThumbnailPhotoEtag,
    HashFunction,
    Email,
    Description,
    DirectMembersCount,
    /// An enterprise extension URN (any spelling [`is_enterprise_urn`] knows): the extension object.
    EnterpriseExt,
    /// `<enterprise urn>:<attr>` with one of the six enterprise attributes (template-driven
    /// providers); [`Entry::inner`] says which.
    FlatEnterprise,
    Other,
}

/// How many [`Attr`]s there are (the size of the first-member table).
const ATTRS: usize = Attr::Other as usize + 1;

impl Attr {
    /// The attribute a lower-case top-level name is.
    fn of_folded(name: &[u8]) -> Self {
        match name {
            b"schemas" => Self::Schemas,
            b"id" => Self::Id,
            b"externalid" => Self::ExternalId,
            b"meta" => Self::Meta,
            b"username" => Self::UserName,
            b"name" => Self::Name,
            b"displayname" => Self::DisplayName,
            b"nickname" => Self::NickName,
            b"profileurl" => Self::ProfileUrl,
            b"title" => Self::Title,
            b"usertype" => Self::UserType,
            b"preferredlanguage" => Self::PreferredLanguage,
            b"locale" => Self::Locale,
            b"timezone" => Self::Timezone,
            b"active" => Self::Active,
            b"password" => Self::Password,
            b"emails" => Self::Emails,
            b"phonenumbers" => Self::PhoneNumbers,
            b"photos" => Self::Photos,
            b"addresses" => Self::Addresses,
            b"groups" => Self::Groups,
            b"roles" => Self::Roles,
            b"members" => Self::Members,
            b"department" => Self::Department,
            b"employeenumber" => Self::EmployeeNumber,
            b"costcenter" => Self::CostCenter,
            b"division" => Self::Division,
            b"organization" => Self::Organization,
            b"manager" => Self::Manager,
            b"kind" => Self::Kind,
            b"resources" => Self::Resources,
            b"totalresults" => Self::TotalResults,
            b"primaryemail" => Self::PrimaryEmail,
            b"suspended" => Self::Suspended,
            b"archived" => Self::Archived,
            b"externalids" => Self::ExternalIds,
            b"organizations" => Self::Organizations,
            b"relations" => Self::Relations,
            b"phones" => Self::Phones,
            b"languages" => Self::Languages,
            b"thumbnailphotourl" => Self::ThumbnailPhotoUrl,
            b"customschemas" => Self::CustomSchemas,
            b"etag" => Self::Etag,
            b"thumbnailphotoetag" => Self::ThumbnailPhotoEtag,
            b"hashfunction" => Self::HashFunction,
            b"email" => Self::Email,
            b"description" => Self::Description,
            b"directmemberscount" => Self::DirectMembersCount,
            _ => Self::Other,
        }
    }

    /// The enterprise attribute `name` is (any case), if it is one of the six.
    pub(crate) fn enterprise(name: &str) -> Option<Self> {
        let mut buf = [0; MAX_NAME];
        let attr = Self::of_folded(fold(name, &mut buf)?);
        attr.is_enterprise().then_some(attr)
    }

    /// Whether this is one of the six enterprise attributes the model reads.
    pub(crate) fn is_enterprise(self) -> bool {
        matches!(
            self,
            Self::Department
                | Self::EmployeeNumber
                | Self::CostCenter
                | Self::Division
                | Self::Organization
                | Self::Manager
        )
    }
}

/// A flat top-level key `<enterprise urn>:<attr>` (some template-driven providers): the attr.
fn flat_enterprise_attr(key: &str) -> Option<&str> {
    // The URNs are ASCII, so a matching head ends on a char boundary.
    ENTERPRISE_URNS.iter().find_map(|u| {
        let head = key.get(..u.len())?;
        if !head.eq_ignore_ascii_case(u) {
            return None;
        }
        key.get(u.len()..)?.strip_prefix(':')
    })
}

/// One top-level member, classified.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry<'a> {
    /// The key as sent.
    pub(crate) key: &'a str,
    pub(crate) value: &'a Value,
    pub(crate) attr: Attr,
    /// For [`Attr::FlatEnterprise`], the enterprise attribute after the URN; else `Other`.
    pub(crate) inner: Attr,
}

/// A resource's top-level members, each key folded once: the members in order, and for each
/// attribute the first member naming it (what `get_ci` would find).
pub(crate) struct Resource<'a> {
    map: &'a Map<String, Value>,
    entries: Vec<Entry<'a>>,
    /// Index + 1 into `entries` of the first member of each [`Attr`]; 0 when there is none.
    first: [usize; ATTRS],
}

impl<'a> Resource<'a> {
    /// Reads `map`'s keys once.
    pub(crate) fn read(map: &'a Map<String, Value>) -> Self {
        let mut entries = Vec::with_capacity(map.len());
        let mut first = [0; ATTRS];
        let mut buf = [0; MAX_NAME];
        for (key, value) in map {
            let (attr, inner) = match fold(key, &mut buf) {
                Some(name) => (Attr::of_folded(name), Attr::Other),
                // Longer than any attribute name: an extension URN or a flat `urn…:attr` key.
                None if is_enterprise_urn(key) => (Attr::EnterpriseExt, Attr::Other),
                None => match flat_enterprise_attr(key).and_then(Attr::enterprise) {
                    Some(inner) => (Attr::FlatEnterprise, inner),
                    None => (Attr::Other, Attr::Other),
                },
            };
            if let Some(slot) = first.get_mut(attr as usize) {
                if *slot == 0 {
                    *slot = entries.len() + 1;
                }
            }
            entries.push(Entry {
                key,
                value,
                attr,
                inner,
            });
        }
        Self {
            map,
            entries,
            first,
        }
    }

    /// The first member naming `attr` (key as sent, value), as `get_ci` finds it.
    pub(crate) fn get(&self, attr: Attr) -> Found<'a> {
        let at = self.first.get(attr as usize)?.checked_sub(1)?;
        self.entries.get(at).map(|e| (e.key, e.value))
    }

    /// Whether some member names `attr`.
    pub(crate) fn has(&self, attr: Attr) -> bool {
        self.get(attr).is_some()
    }

    /// Every member, in the map's order.
    pub(crate) fn entries(&self) -> &[Entry<'a>] {
        &self.entries
    }

    /// The object itself (for `raw_attributes`).
    pub(crate) fn map(&self) -> &'a Map<String, Value> {
        self.map
    }
}
