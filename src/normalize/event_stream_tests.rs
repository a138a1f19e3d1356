//! The user-event streaming reader ([`user_event`]) against the general path
//! (`serde_json::from_slice` + [`normalize_event_value`]): wherever the streaming reader answers,
//! the general path must give the same event, byte for byte once serialized; where the general
//! path fails, the streaming reader must give up (so [`normalize_event`] reports the general
//! path's error).
#![allow(clippy::disallowed_methods)] // reads the normalize fixtures from disk

use proptest::prelude::*;
use serde_json::Value;

use super::event::{normalize_event, normalize_event_value};
use super::event_stream::user_event;

/// The general path alone, as [`normalize_event`] takes it when the streaming reader gives up.
fn general(body: &[u8]) -> Result<String, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    normalize_event_value(v)
        .map(|e| serde_json::to_string(&e).unwrap())
        .map_err(|e| e.to_string())
}

/// Checks one body; whether the streaming reader answered.
fn check(body: &[u8]) -> bool {
    let shown: String = String::from_utf8_lossy(body).chars().take(2000).collect();
    let slow = general(body);
    let fast = user_event(body).map(|e| serde_json::to_string(&e).unwrap());
    match (&fast, &slow) {
        (Some(f), Ok(s)) => assert_eq!(f, s, "outputs differ for {shown}"),
        (Some(_), Err(e)) => {
            panic!("the streaming reader answered where the general path fails ({e}) for {shown}")
        }
        (None, _) => {}
    }
    // End to end: the same event or an error wherever the general path has one.
    let both = normalize_event(body).map(|e| serde_json::to_string(&e).unwrap());
    match (both, slow) {
        (Ok(b), Ok(s)) => assert_eq!(b, s, "normalize_event differs for {shown}"),
        (Err(_), Err(_)) => {}
        (b, s) => panic!("normalize_event {b:?} vs general path {s:?} for {shown}"),
    }
    fast.is_some()
}

/// An object as text, member by member, so that keys can repeat and `type` can come first.
fn obj_text(members: &[(String, String)]) -> String {
    let inner: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("{}:{v}", Value::String(k.clone())))
        .collect();
    format!("{{{}}}", inner.join(","))
}

fn members(v: &Value) -> Vec<(String, String)> {
    v.as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.to_string())).collect())
        .unwrap_or_default()
}

/// A user event in the service's shape: the envelope's members with `type` first, `data` a user.
struct Event {
    envelope: Vec<(String, String)>,
    data: Vec<(String, String)>,
}

impl Event {
    fn text(&self) -> String {
        let mut all = self.envelope.clone();
        let at = all
            .iter()
            .position(|(k, _)| k == "data")
            .unwrap_or(all.len());
        all.insert(at, ("data".to_owned(), obj_text(&self.data)));
        obj_text(&all)
    }
}

/// The user events of the normalize fixtures (and the users of the service's pages as `data`),
/// `type` first.
fn fixture_events() -> Vec<Event> {
    let root = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(format!("{root}/normalize"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("event-") && name.ends_with(".input.json")
        })
        .collect();
    paths.sort();
    for path in paths {
        let input: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let Some(payload) = input["args"]["payload"].as_object() else {
            continue;
        };
        let Some(data) = payload.get("data").filter(|d| d.is_object()) else {
            continue;
        };
        let mut envelope: Vec<(String, String)> = payload
            .iter()
            .filter(|(k, _)| *k != "data")
            .map(|(k, v)| (k.clone(), v.to_string()))
            .collect();
        envelope.sort_by_key(|(k, _)| k != "type");
        out.push(Event {
            envelope,
            data: members(data),
        });
    }
    let page: Value = serde_json::from_slice(
        &std::fs::read(format!("{root}/pages/users-page-detail.json")).unwrap(),
    )
    .unwrap();
    for user in page["users"].as_array().unwrap() {
        out.push(Event {
            envelope: vec![
                (
                    "type".to_owned(),
                    r#""organization.directory.user_updated""#.to_owned(),
                ),
                ("id".to_owned(), r#""evt_1""#.to_owned()),
                ("occurred_at".to_owned(), "1700000000".to_owned()),
            ],
            data: members(user),
        });
    }
    assert!(out.len() >= 4, "too few user events in the fixtures");
    // Each as a deletion too, stating `active` and not: a deleted user's `active` depends on it.
    let deleted: Vec<Event> = out
        .iter()
        .flat_map(|e| {
            let envelope: Vec<(String, String)> = e
                .envelope
                .iter()
                .map(|(k, v)| match k.as_str() {
                    "type" => (
                        k.clone(),
                        r#""organization.directory.user_deleted""#.to_owned(),
                    ),
                    _ => (k.clone(), v.clone()),
                })
                .collect();
            let mut silent = e.data.clone();
            silent.retain(|(k, _)| k != "active");
            let mut stating = silent.clone();
            stating.push(("active".to_owned(), "true".to_owned()));
            [
                Event {
                    envelope: envelope.clone(),
                    data: stating,
                },
                Event {
                    envelope,
                    data: silent,
                },
            ]
        })
        .collect();
    out.extend(deleted);
    out
}

#[test]
fn service_shaped_user_events_are_streamed_and_match() {
    let mut streamed = 0;
    for e in fixture_events() {
        streamed += usize::from(check(e.text().as_bytes()));
    }
    assert!(
        streamed >= 4,
        "only {streamed} events took the streaming reader"
    );
}

#[test]
fn errors_and_unusual_shapes_give_up() {
    let cases: [&[u8]; 12] = [
        br#"{"type":"organization.directory.user_created","data":{"id":true}}"#,
        br#"{"type":"organization.directory.user_created","data":{"active":"maybe"}}"#,
        br#"{"type":"organization.directory.user_created","data":{"emails":{}}}"#,
        br#"{"type":"organization.directory.user_created","data":{"id":"a","id":"b"}}"#,
        br#"{"type":"organization.directory.user_created","data":{"ID":"a"}}"#,
        br#"{"type":"organization.directory.user_created","Type":"x","data":{}}"#,
        br#"{"type":"organization.directory.user_created","data":{},"occurred_at":true}"#,
        br#"{"type":"organization.directory.user_created","data":{},"partial":true}"#,
        br#"{"data":{"id":"a"},"type":"organization.directory.user_created"}"#,
        br#"{"type":"organization.directory.group_created","data":{"id":"a"}}"#,
        br#"{"type":"organization.directory.user_created","data":{}"#,
        br#"{"type":"organization.directory.user_created","data":{}} x"#,
    ];
    for body in cases {
        assert!(!check(body), "{}", String::from_utf8_lossy(body));
    }
}

#[test]
fn depth_bound_matches_at_the_edges() {
    for depth in 58..68 {
        let deep = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        for key in ["extra", "raw_attributes", "groups"] {
            check(
                format!(r#"{{"type":"organization.directory.user_created","data":{{"id":"u","{key}":{deep}}}}}"#)
                    .as_bytes(),
            );
        }
        check(
            format!(r#"{{"type":"organization.directory.user_created","x":{deep},"data":{{}}}}"#)
                .as_bytes(),
        );
    }
}

/// Values that are wrong, odd or right for some member.
fn pool(i: usize) -> String {
    const POOL: [&str; 24] = [
        "null",
        "1",
        "-1",
        "1.5",
        "1700000000123",
        "true",
        "false",
        r#""""#,
        r#""s""#,
        r#""2024-08-01T00:00:00Z""#,
        r#""organization.directory.user_deleted""#,
        r#""ORGANIZATION.DIRECTORY.USER_CREATED""#,
        "[]",
        r#"["a@x","b@x"]"#,
        r#"[{"value":"c@x","primary":true}]"#,
        r#"[{"id":"g","display_name":"G","password":"p"}]"#,
        r#"[{"id":1}]"#,
        "{}",
        r#"{"a":1}"#,
        r#"{"password":"p","Password":"q","x":{"password":"r"}}"#,
        r#"{"street_address":"1 Main","country":"US"}"#,
        r#"[{"role_name":"admin"}]"#,
        r#""\u00e9\"\\""#,
        "1e400",
    ];
    POOL[i % POOL.len()].to_owned()
}

const ENVELOPE_KEYS: [&str; 14] = [
    "type",
    "occurred_at",
    "timestamp",
    "organization_id",
    "directory_id",
    "spec_version",
    "id",
    "environment_id",
    "object",
    "display_name",
    "partial",
    "Occurred_At",
    "unknown",
    "data",
];

const DATA_KEYS: [&str; 20] = [
    "id",
    "active",
    "Active",
    "email",
    "emails",
    "groups",
    "roles",
    "manager",
    "address",
    "organization_id",
    "directory_id",
    "custom_attributes",
    "raw_attributes",
    "user_detail",
    "password",
    "name",
    "given_name",
    "unknown_thing",
    "updated_at",
    "e\\u006dail",
];

/// Applies mutation `(op, a, b)`.
fn mutate(e: &mut Event, (op, a, b): (u8, usize, usize)) {
    let (which, keys): (&mut Vec<(String, String)>, &[&str]) = if a % 3 == 0 {
        (&mut e.envelope, &ENVELOPE_KEYS)
    } else {
        (&mut e.data, &DATA_KEYS)
    };
    let len = which.len();
    match op {
        0 if len > 0 => {
            let k = &mut which[b % len].0;
            *k = k.to_ascii_uppercase();
        }
        1 if len > 0 => which[b % len].1 = "null".to_owned(),
        2 if len > 0 => which[a % len].1 = pool(b),
        3 if len > 0 => {
            let (k, v) = which[b % len].clone();
            which.push((k, if a % 2 == 0 { v } else { pool(a) }));
        }
        4 => which.insert(b % (len + 1), (keys[a % keys.len()].to_owned(), pool(b))),
        5 if len > 0 => {
            which.remove(b % len);
        }
        6 => {
            let depth = 58 + b % 10;
            let v = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
            which.push((keys[a % keys.len()].to_owned(), v));
        }
        // `type` moved after `data`, or `data` first.
        7 => {
            if let Some(at) = e.envelope.iter().position(|(k, _)| k == "type") {
                let t = e.envelope.remove(at);
                e.envelope.push(t);
            }
        }
        _ => {
            let groups = format!(
                r#"[{{"id":"g0","display_name":"Zero"}},{{"{}":{}}}]"#,
                ["id", "name", "ID", "display_name", "value"][a % 5],
                pool(b)
            );
            match e.data.iter_mut().find(|(k, _)| k == "groups") {
                Some(m) => m.1 = groups,
                None => e.data.push(("groups".to_owned(), groups)),
            }
        }
    }
}

/// A fixed-seed run over many mutations: enough of them (a tenth) still take the streaming reader
/// for the comparison to mean something.
#[test]
fn mutated_events_match() {
    let events = fixture_events();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n) as usize
    };
    let (mut streamed, mut total) = (0, 0);
    for i in 0..3000 {
        let base = &events[i % events.len()];
        let mut e = Event {
            envelope: base.envelope.clone(),
            data: base.data.clone(),
        };
        for _ in 0..1 + next(3) {
            let m = (next(9) as u8, next(1000), next(1000));
            mutate(&mut e, m);
        }
        streamed += usize::from(check(e.text().as_bytes()));
        total += 1;
    }
    assert!(
        streamed * 10 > total,
        "only {streamed} of {total} mutated events took the streaming reader"
    );
    eprintln!("{streamed} of {total} mutated user events took the streaming reader");
}

proptest! {
    #[test]
    fn mutated_events_match_prop(
        which in any::<prop::sample::Index>(),
        ms in prop::collection::vec((0u8..9, any::<usize>(), any::<usize>()), 1..4),
    ) {
        let events = fixture_events();
        let base = which.get(&events);
        let mut e = Event { envelope: base.envelope.clone(), data: base.data.clone() };
        for m in ms {
            mutate(&mut e, m);
        }
        check(e.text().as_bytes());
    }
}
