//! The users-page fast path ([`users_page_from_text`]) against the general path
//! (`serde_json::from_slice` + [`parse_users_page`]): wherever the fast path answers, the general
//! path must give the same page, byte for byte once serialized; where the general path fails, the
//! fast path must give up (so the caller reports the general path's error).
#![allow(clippy::disallowed_methods)] // reads the page fixtures from disk

use proptest::prelude::*;
use serde_json::{json, Value};

use super::pages::{
    groups_page_from_text, parse_groups_page, parse_users_page, parse_users_page_body,
    users_page_from_text,
};
use super::DirectoryError;

/// The general path alone, as the client takes it when the fast path gives up.
fn general(body: &[u8]) -> Result<String, DirectoryError> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| DirectoryError::invalid_response(format!("not JSON: {e}")))?;
    parse_users_page(v).map(|p| serde_json::to_string(&p).unwrap())
}

/// The groups page's general path.
fn general_groups(body: &[u8]) -> Result<String, DirectoryError> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| DirectoryError::invalid_response(format!("not JSON: {e}")))?;
    parse_groups_page(v).map(|p| serde_json::to_string(&p).unwrap())
}

/// [`check`] for a groups page.
fn check_groups(body: &[u8]) -> bool {
    let shown: String = String::from_utf8_lossy(body).chars().take(2000).collect();
    let fast = std::str::from_utf8(body)
        .ok()
        .and_then(groups_page_from_text)
        .map(|p| serde_json::to_string(&p).unwrap());
    match (&fast, general_groups(body)) {
        (Some(f), Ok(s)) => assert_eq!(*f, s, "outputs differ for {shown}"),
        (Some(_), Err(e)) => {
            panic!("fast path answered where the general path fails ({e}) for {shown}")
        }
        (None, _) => {}
    }
    fast.is_some()
}

/// Checks one body; whether the fast path answered.
fn check(body: &[u8]) -> bool {
    let shown: String = String::from_utf8_lossy(body).chars().take(2000).collect();
    let slow = general(body);
    let fast = std::str::from_utf8(body)
        .ok()
        .and_then(users_page_from_text)
        .map(|p| serde_json::to_string(&p).unwrap());
    match (&fast, &slow) {
        (Some(f), Ok(s)) => {
            assert_eq!(f, s, "outputs differ for {shown}")
        }
        (Some(_), Err(e)) => {
            panic!("fast path answered where the general path fails ({e}) for {shown}")
        }
        (None, _) => {}
    }
    // What the client does end to end: identical output or the identical error.
    let both = parse_users_page_body(body).map(|p| serde_json::to_string(&p).unwrap());
    assert_eq!(
        both.map_err(|e| e.to_string()),
        slow.map_err(|e| e.to_string())
    );
    fast.is_some()
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const PAGES: [&str; 4] = [
    "pages/users-page-30.json",
    "pages/users-page-detail.json",
    "pages/users-page-last.json",
    "pages/users-page-empty.json",
];

/// Every user-like object in the normalize fixtures (`args.value`, any `data`).
fn fixture_users() -> Vec<Value> {
    fn collect(v: &Value, out: &mut Vec<Value>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if k == "value" || k == "data" {
                        out.push(x.clone());
                    }
                    collect(x, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
            _ => {}
        }
    }
    let dir = format!("{}/tests/fixtures/normalize", env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if (name.starts_with("reference-") || name.starts_with("event-"))
            && name.ends_with(".input.json")
        {
            let text = std::fs::read(&path).unwrap();
            if let Ok(v) = serde_json::from_slice::<Value>(&text) {
                collect(&v["args"], &mut out);
            }
        }
    }
    assert!(out.len() >= 2);
    out
}

#[test]
fn service_pages_take_the_fast_path_and_match() {
    for name in PAGES {
        assert!(check(&fixture(name)), "{name} did not take the fast path");
    }
}

#[test]
fn normalize_fixtures_as_page_items_match() {
    let users = fixture_users();
    for u in &users {
        check(
            json!({"users": [u], "next_page_token": "t", "total_size": 1})
                .to_string()
                .as_bytes(),
        );
    }
    check(json!({ "users": users }).to_string().as_bytes());
}

#[test]
fn errors_give_up_and_keep_the_general_message() {
    let cases: [&[u8]; 12] = [
        br#"{"users":[{"id":1}]}"#,
        br#"{"users":[{"id":"a"},{"emails":{}}]}"#,
        br#"{"users":[3]}"#,
        br#"{"users":{}}"#,
        br#"{"users":[],"total_size":-1}"#,
        br#"{"users":[],"next_page_token":3}"#,
        br#"{"users":[],"users":[{"id":"b"}]}"#,
        br#"{"users":[{"id":"a","id":"b"}]}"#,
        br#"{"users":[{"ID":"a"}]}"#,
        br#"[]"#,
        br#"{"users":[]"#,
        br#"{"users":[]} x"#,
    ];
    for body in cases {
        check(body);
    }
    let e = parse_users_page_body(br#"{"users":[{"id":"a"},{"emails":{}}]}"#).unwrap_err();
    assert!(e.to_string().contains("/users/1"), "{e}");
}

#[test]
fn depth_bound_matches_at_the_edges() {
    for depth in 60..70 {
        let mut deep = json!("x");
        for _ in 0..depth {
            deep = json!({ "a": deep });
        }
        check(
            json!({"users": [{"id": "u", "extra": deep.clone()}]})
                .to_string()
                .as_bytes(),
        );
        check(
            json!({"users": [{"id": "u", "user_detail": deep}]})
                .to_string()
                .as_bytes(),
        );
    }
    // Beyond serde_json's own limit: not JSON to either path.
    let body = format!(
        r#"{{"users":[{{"x":{}1{}}}]}}"#,
        "[".repeat(130),
        "]".repeat(130)
    );
    assert!(!check(body.as_bytes()));
}

/// A page as text built member by member, so that keys can repeat.
fn obj_text(members: &[(String, String)]) -> String {
    let inner: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("{}:{v}", Value::String(k.clone())))
        .collect();
    format!("{{{}}}", inner.join(","))
}

fn members(v: &Value) -> Vec<(String, String)> {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.to_string()))
        .collect()
}

/// Values that are wrong, odd or right for some field.
fn pool(i: usize) -> String {
    const POOL: [&str; 22] = [
        "null",
        "1",
        "-1",
        "1.5",
        "true",
        "false",
        r#""""#,
        r#""s""#,
        r#""2024-08-01T00:00:00Z""#,
        "[]",
        "[1]",
        r#"["a@x","b@x"]"#,
        r#"[{"value":"c@x","primary":true}]"#,
        r#"[{"id":"g","display_name":"G","password":"p"}]"#,
        r#"[{"id":1}]"#,
        "{}",
        r#"{"a":1}"#,
        r#"{"password":"p","Password":"q","x":{"password":"r"}}"#,
        r#"{"street_address":"1 Main","country":"US"}"#,
        r#"{"role_name":"admin"}"#,
        r#""\u00e9\"\\""#,
        "1e400",
    ];
    POOL[i % POOL.len()].to_owned()
}

const KEYS: [&str; 21] = [
    "group_detail",
    "members",
    "total_users",
    "display_name",
    "external_id",
    "password",
    "Password",
    "custom_attributes",
    "raw_attributes",
    "user_detail",
    "active",
    "address",
    "roles",
    "manager",
    "unknown_thing",
    "name",
    "organization_id",
    "directory_id",
    "dp_id",
    "e\\u006dail",
    "groups",
];

/// Applies mutation `(op, a, b)` to a page held as text members.
fn mutate(
    top: &mut Vec<(String, String)>,
    users: &mut [Vec<(String, String)>],
    m: (u8, usize, usize),
) {
    let (op, a, b) = m;
    let n = users.len();
    if n == 0 && op < 9 {
        return;
    }
    let user = &mut users[a % n.max(1)];
    let len = user.len();
    match op {
        // Case flip of a key.
        0 if len > 0 => {
            let k = &mut user[b % len].0;
            *k = if b % 2 == 0 {
                k.to_ascii_uppercase()
            } else {
                format!("{}{}", &k[..1].to_ascii_uppercase(), &k[1..])
            };
        }
        1 if len > 0 => user[b % len].1 = "null".to_owned(),
        2 if len > 0 => user[a % len].1 = pool(b),
        // Duplicate member, same or another value.
        3 if len > 0 => {
            let (k, v) = user[b % len].clone();
            user.push((k, if a % 2 == 0 { v } else { pool(a) }));
        }
        4 => user.insert(b % (len + 1), (KEYS[a % KEYS.len()].to_owned(), pool(b))),
        5 if len > 0 => {
            user.remove(b % len);
        }
        // Deep nesting near the bound.
        6 => {
            let depth = 60 + b % 8;
            let v = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
            user.push((KEYS[a % KEYS.len()].to_owned(), v));
        }
        // The item becomes a non-object (an empty member list stands for it, see `page_text`).
        7 => {
            users[a % n].clear();
            top.push(("__item".to_owned(), pool(b)));
        }
        // A mutated `groups` item (the member is streamed separately).
        8 => {
            let item = group_item(a, b);
            let groups = format!(r#"[{{"id":"g0","display_name":"Zero"}},{item}]"#);
            match user.iter_mut().find(|(k, _)| k == "groups") {
                Some(m) => m.1 = groups,
                None => user.push(("groups".to_owned(), groups)),
            }
        }
        // Top-level members.
        _ => {
            const TOP: [&str; 7] = [
                "groups",
                "users",
                "next_page_token",
                "prev_page_token",
                "total_size",
                "extra",
                "Users",
            ];
            let k = TOP[a % TOP.len()].to_owned();
            let v = match b % 5 {
                0 => r#""7""#.to_owned(),
                1 => r#""""#.to_owned(),
                _ => pool(b),
            };
            if b % 3 == 0 {
                top.retain(|(x, _)| *x != k);
            }
            top.push((k, v));
        }
    }
}

/// One `groups` item, in the service's shape but for mutation `b`.
fn group_item(a: usize, b: usize) -> String {
    let mut m: Vec<(String, String)> = vec![
        ("id".into(), r#""dirgroup_1""#.into()),
        ("display_name".into(), r#""Eng""#.into()),
        ("total_users".into(), "3".into()),
        ("updated_at".into(), r#""2024-11-30T05:10:50.343Z""#.into()),
    ];
    match b % 9 {
        0 => m[a % 4].0 = m[a % 4].0.to_ascii_uppercase(),
        1 => m.push(m[a % 4].clone()),
        2 => m[0].1 = pool(a),
        3 => m[1].1 = pool(a),
        4 => m.insert(
            a % 5,
            (
                ["value", "display", "name", "displayName", "x"][a % 5].into(),
                pool(a / 5),
            ),
        ),
        5 => return pool(a),
        6 => {
            let depth = 58 + a % 8;
            m[3].1 = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        }
        7 => m.push(("password".into(), pool(a))),
        _ => m.retain(|(k, _)| k != ["id", "display_name"][a % 2]),
    }
    obj_text(&m)
}

fn page_text(base: &Value, muts: &[(u8, usize, usize)]) -> String {
    page_text_of(base, "users", muts)
}

fn page_text_of(base: &Value, items_key: &str, muts: &[(u8, usize, usize)]) -> String {
    let mut top: Vec<(String, String)> = members(base)
        .into_iter()
        .filter(|(k, _)| k != items_key)
        .collect();
    let mut users: Vec<Vec<(String, String)>> = base[items_key]
        .as_array()
        .unwrap()
        .iter()
        .map(members)
        .collect();
    for &m in muts {
        mutate(&mut top, &mut users, m);
    }
    // Op 7 marks items to become non-objects (an empty member list here stands for `pool`).
    let odd = top
        .iter()
        .find(|(k, _)| k == "__item")
        .map(|(_, v)| v.clone());
    top.retain(|(k, _)| k != "__item");
    let items: Vec<String> = users
        .iter()
        .map(|u| match (&odd, u.is_empty()) {
            (Some(v), true) => v.clone(),
            _ => obj_text(u),
        })
        .collect();
    let mut all = vec![(items_key.to_owned(), format!("[{}]", items.join(",")))];
    all.extend(top);
    obj_text(&all)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn mutated_pages_match(
        which in 0usize..3,
        muts in prop::collection::vec((0u8..11, 0usize..1000, 0usize..1000), 0..6),
    ) {
        let base: Value = serde_json::from_slice(&fixture(PAGES[which])).unwrap();
        let text = page_text(&base, &muts);
        check(text.as_bytes());
    }
}

/// Up to two random mutations (as `mutated_pages_match` draws them) from `next`.
fn random_muts(next: &mut impl FnMut() -> u64) -> Vec<(u8, usize, usize)> {
    let n = (next() % 3) as usize;
    (0..n)
        .map(|_| {
            (
                (next() % 11) as u8,
                (next() % 1000) as usize,
                (next() % 1000) as usize,
            )
        })
        .collect()
}

/// The same mutations from a fixed generator, counting how many still take the fast path (the
/// comparison above is only as good as that share).
#[test]
fn mutated_pages_often_take_the_fast_path() {
    let bases: Vec<Value> = PAGES[..3]
        .iter()
        .map(|p| serde_json::from_slice(&fixture(p)).unwrap())
        .collect();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut fast, total) = (0, 2000);
    for _ in 0..total {
        let muts = random_muts(&mut next);
        let base = &bases[(next() % 3) as usize];
        fast += usize::from(check(page_text(base, &muts).as_bytes()));
    }
    assert!(
        fast * 5 > total,
        "only {fast} of {total} took the fast path"
    );
    eprintln!("{fast} of {total} mutated users pages took the fast path");
    let groups: Value = serde_json::from_slice(&fixture("pages/groups-page.json")).unwrap();
    let (mut fast, total) = (0, 1000);
    for _ in 0..total {
        let muts = random_muts(&mut next);
        fast += usize::from(check_groups(
            page_text_of(&groups, "groups", &muts).as_bytes(),
        ));
    }
    assert!(
        fast * 5 > total,
        "only {fast} of {total} groups pages took the fast path"
    );
    eprintln!("{fast} of {total} mutated groups pages took the fast path");
}

#[test]
fn groups_pages_take_the_fast_path_and_match() {
    assert!(check_groups(&fixture("pages/groups-page.json")));
    let text = std::fs::read(format!(
        "{}/tests/fixtures/normalize/reference-directory-api-group.input.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let group = serde_json::from_slice::<Value>(&text).unwrap()["args"]["value"].clone();
    assert!(check_groups(
        json!({"groups": [group], "total_size": "1"})
            .to_string()
            .as_bytes()
    ));
    for body in [
        &br#"{"groups":[{"total_users":-1}]}"#[..],
        br#"{"groups":[{"id":"a","Id":"b"}]}"#,
        br#"{"groups":[{"members":[{"value":1}]}]}"#,
        br#"{"groups":[{"id":"a"}],"groups":[]}"#,
        br#"{"groups":null,"total_size":1.5}"#,
        br#"{"groups":[{"x":1e400}]}"#,
    ] {
        check_groups(body);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn mutated_groups_pages_match(
        muts in prop::collection::vec((0u8..11, 0usize..1000, 0usize..1000), 0..6),
    ) {
        let base: Value = serde_json::from_slice(&fixture("pages/groups-page.json")).unwrap();
        check_groups(page_text_of(&base, "groups", &muts).as_bytes());
    }
}
