//! Reading a PATCH body from text gives exactly what parsing the text into a `Value` and reading
//! that gives: the same operations, or the same error (code, pointer and message), over generated
//! text with duplicate and case-variant keys, escapes, out-of-range numbers, lone surrogates,
//! nesting around the depth bound, and truncation. (One reader serves both forms; what differs is
//! what a `Value` parse does first: keep the last of repeated keys, sort them.)

use proptest::prelude::*;

use super::*;
use crate::json::parse_json;

fn via_text(text: &[u8]) -> String {
    match PatchBody::read(PatchSource::Text(text)) {
        Ok(body) => format!("{:?}", body.operations()),
        Err(e) => format!("{:?}", Err::<(), _>(e)),
    }
}

fn via_value(text: &[u8]) -> String {
    let v = match parse_json(text, "patch") {
        Ok(v) => v,
        Err(e) => return format!("{:?}", Err::<(), _>(e)),
    };
    match PatchBody::read(PatchSource::Value(&v)) {
        Ok(body) => format!("{:?}", body.operations()),
        Err(e) => format!("{:?}", Err::<(), _>(e)),
    }
}

fn nested(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

fn leaf() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "null",
        "true",
        "0",
        "-1.5e3",
        "1e400",
        "18446744073709551616",
        r#""add""#,
        r#""Replace""#,
        r#""REMOVE""#,
        r#""move""#,
        r#""active""#,
        r#""  ""#,
        r#""emails[type eq \"work\"].value""#,
        r#""members[value eq \"a\"""#,
        r#""urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager""#,
        r#""\u0061dd""#,
        r#""\ud800""#,
        r#""Jos\u00e9""#,
        "\"Jos\u{e9}\"",
        "{}",
        "[]",
    ])
    .prop_map(str::to_owned)
}

fn key() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "op",
        "Op",
        "OP",
        "path",
        "Path",
        "value",
        "VALUE",
        "Operations",
        "operations",
        "OPERATIONS",
        "schemas",
        r"\u006fp",
        r"Operation\u0073",
        "x",
    ])
    .prop_map(|k| format!("\"{k}\""))
}

/// JSON text with repeated keys allowed (a `Value` cannot hold them).
fn text() -> impl Strategy<Value = String> {
    let deep = (55usize..66).prop_map(nested);
    let leaf = prop_oneof![12 => leaf(), 1 => deep];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5)
                .prop_map(|items| format!("[{}]", items.join(","))),
            prop::collection::vec((key(), inner), 0..5).prop_map(|members| {
                let members: Vec<String> = members
                    .into_iter()
                    .map(|(k, v)| format!("{k}:{v}"))
                    .collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    })
}

fn member(
    keys: &'static [&'static str],
    values: impl Strategy<Value = String>,
) -> impl Strategy<Value = String> {
    (prop::sample::select(keys), values).prop_map(|(k, v)| format!("\"{k}\":{v}"))
}

/// An operation: usually well formed, sometimes with case variants, repeats, escapes or junk.
fn op() -> impl Strategy<Value = String> {
    let ops = prop_oneof![
        4 => prop::sample::select(vec![r#""add""#, r#""Replace""#, r#""REMOVE""#, r#""\u0061dd""#]).prop_map(str::to_owned),
        1 => leaf(),
    ];
    let paths = prop_oneof![
        4 => prop::sample::select(vec![
            r#""active""#,
            r#""name.givenName""#,
            r#""emails[type eq \"work\"].value""#,
            r#""urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager""#,
            r#""members[value eq \"a\"""#,
            r#""  ""#,
            "null",
        ])
        .prop_map(str::to_owned),
        1 => leaf(),
    ];
    let members = (
        member(&["op", "Op", "OP", r"\u006fp"], ops),
        prop::option::of(member(&["path", "Path"], paths)),
        prop::option::of(member(&["value", "VALUE"], text())),
        prop::collection::vec((key(), text()).prop_map(|(k, v)| format!("{k}:{v}")), 0..2),
    );
    (members, any::<prop::sample::Index>()).prop_map(|((op, path, value, extra), at)| {
        let mut all: Vec<String> = [Some(op), path, value].into_iter().flatten().collect();
        for e in extra {
            let i = at.index(all.len() + 1);
            all.insert(i, e);
        }
        format!("{{{}}}", all.join(","))
    })
}

/// A body shaped like a PATCH most of the time.
fn body() -> impl Strategy<Value = String> {
    let ops = prop::collection::vec(prop_oneof![6 => op(), 1 => text()], 0..4)
        .prop_map(|ops| format!("[{}]", ops.join(",")));
    let ops_key = prop_oneof![
        6 => Just("\"Operations\"".to_owned()),
        1 => key(),
    ];
    prop_oneof![
        5 => (ops_key, ops, prop::option::of((key(), text()))).prop_map(|(k, ops, extra)| match extra {
            Some((k2, v)) => format!("{{{k2}:{v},{k}:{ops}}}"),
            None => format!("{{{k}:{ops}}}"),
        }),
        1 => text(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20000))]

    #[test]
    fn text_reads_as_value_reads(body in body(), cut in any::<prop::sample::Index>(), truncate in prop::bool::weighted(0.08)) {
        let text = if truncate {
            let mut at = cut.index(body.len() + 1);
            while !body.is_char_boundary(at) {
                at -= 1;
            }
            &body[..at]
        } else {
            &body[..]
        };
        prop_assert_eq!(via_text(text.as_bytes()), via_value(text.as_bytes()), "{}", text);
    }
}

#[test]
fn depth_bound_is_the_same() {
    for depth in 58..66 {
        for text in [
            format!(
                r#"{{"Operations":[{{"op":"add","value":{}}}]}}"#,
                nested(depth)
            ),
            format!(r#"{{"Operations":[{{"op":{}}}]}}"#, nested(depth)),
            format!(r#"{{"Operations":[{}]}}"#, nested(depth)),
            format!(r#"{{"Operations":{{"a":{}}}}}"#, nested(depth)),
            format!(r#"{{"schemas":{},"Operations":[]}}"#, nested(depth)),
            format!("[{}]", nested(depth)),
        ] {
            assert_eq!(
                via_text(text.as_bytes()),
                via_value(text.as_bytes()),
                "{text}"
            );
        }
    }
}

#[test]
fn borrows_what_it_can() {
    let text = br#"{"Operations":[{"op":"Replace","path":"name.givenName","value":"A"}]}"#;
    let body = PatchBody::read(PatchSource::Text(text)).unwrap();
    let ops = body.operations().unwrap();
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].kind, PatchOpKind::Replace);
    assert!(matches!(&body.operations, Some((Cow::Borrowed(_), _))));
}

#[test]
fn operations_past_the_bound_are_not_kept() {
    let op = r#"{"op":"add","path":"title","value":"x"}"#;
    for n in [MAX_OPERATIONS, MAX_OPERATIONS + 1, 3 * MAX_OPERATIONS] {
        let text = format!(r#"{{"Operations":[{}]}}"#, vec![op; n].join(","));
        assert_eq!(
            via_text(text.as_bytes()),
            via_value(text.as_bytes()),
            "{n} operations"
        );
        let body = PatchBody::read(PatchSource::Text(text.as_bytes())).unwrap();
        let Some((_, RawOps::List(list))) = &body.operations else {
            panic!("a list");
        };
        assert_eq!(list.len(), n.min(MAX_OPERATIONS + 1));
    }
    // A too-deep operation after the bound still makes the body too deep (depth is checked first).
    let deep = format!(r#"{{"op":"add","value":{}}}"#, nested(70));
    let text = format!(
        r#"{{"Operations":[{},{deep}]}}"#,
        vec![op; MAX_OPERATIONS + 5].join(",")
    );
    assert_eq!(via_text(text.as_bytes()), via_value(text.as_bytes()));
    assert!(via_text(text.as_bytes()).contains("TooComplex"));
}
