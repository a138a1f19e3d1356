//! Spec-file tests: every `tests/fixtures/normalize/<name>.input.json` is run through the function
//! it names and compared with `<name>.expected.json`. `UPDATE=1 cargo test --test
//! normalize_fixtures` rewrites the expected files; review the diff, they are the spec.
//! The format is described in `tests/fixtures/README.md` (the JS suite reads the same files).

use std::fs;
use std::path::{Path, PathBuf};

use scimkit::model::DirectoryEvent;
use scimkit::normalize::{
    detect_provider, normalize_event, normalize_group, normalize_scim_request, normalize_user,
    reference, NormalizationError, NormalizeOptions, RequestContext, ScimRequest,
};
use scimkit::scim::apply_scim_patch;
use serde::Serialize;
use serde_json::{json, Value};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Replaces `{"$file": "samples/x.json", "$pointer": "/Resources/0"}` by that file's JSON.
fn resolve(value: Value) -> Value {
    match value {
        Value::Object(map) if map.contains_key("$file") => {
            let file = map["$file"].as_str().expect("$file is a string");
            let text = fs::read_to_string(fixtures_root().join(file)).expect("$file exists");
            let doc: Value = serde_json::from_str(&text).expect("$file is JSON");
            match map.get("$pointer").and_then(Value::as_str) {
                Some(p) => doc.pointer(p).cloned().expect("$pointer resolves"),
                None => doc,
            }
        }
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, resolve(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(resolve).collect()),
        other => other,
    }
}

fn output<T: Serialize>(result: Result<T, NormalizationError>) -> Value {
    match result {
        Ok(v) => serde_json::to_value(v).expect("serializable"),
        Err(e) => {
            json!({"error": {"code": e.kind.code(), "pointer": e.pointer, "scim_type": e.scim_type()}})
        }
    }
}

fn arg<'a>(args: &'a Value, name: &str) -> &'a Value {
    args.get(name).unwrap_or(&Value::Null)
}

/// Runs one fixture input; the same dispatch the JS runner does through the package.
pub fn run(input: &Value) -> Value {
    let args = resolve(input.get("args").cloned().unwrap_or(Value::Null));
    let options = || -> NormalizeOptions {
        serde_json::from_value(args.get("options").cloned().unwrap_or(json!({}))).expect("options")
    };
    match input["function"].as_str().expect("function") {
        "normalize_event" => {
            let text = match args.get("payload_text") {
                Some(Value::String(s)) => s.clone(),
                _ => arg(&args, "payload").to_string(),
            };
            output::<DirectoryEvent>(normalize_event(text.as_bytes()))
        }
        "normalize_user" => output(normalize_user(arg(&args, "resource"), &options())),
        "normalize_group" => output(normalize_group(arg(&args, "resource"), &options())),
        "user_from_reference" => output(reference::user_from_reference(arg(&args, "value"))),
        "group_from_reference" => output(reference::group_from_reference(arg(&args, "value"))),
        "detect_provider" => json!(detect_provider(arg(&args, "resource")).map(|p| p.as_str())),
        "apply_scim_patch" => output(apply_scim_patch(
            arg(&args, "resource").clone(),
            arg(&args, "patch"),
        )),
        "normalize_scim_request" => {
            let req: ScimRequest =
                serde_json::from_value(arg(&args, "request").clone()).expect("request");
            let ctx: RequestContext =
                serde_json::from_value(args.get("context").cloned().unwrap_or(json!({})))
                    .expect("context");
            output(normalize_scim_request(&req, &ctx))
        }
        other => panic!("unknown function `{other}`"),
    }
}

#[test]
fn fixtures() {
    let dir = fixtures_root().join("normalize");
    let update = std::env::var_os("UPDATE").is_some_and(|v| v == "1");
    let mut inputs: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("fixture dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".input.json"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no fixtures in {}", dir.display());
    let mut failures = Vec::new();
    for input_path in &inputs {
        let name = input_path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace(".input.json", "");
        let input: Value = serde_json::from_str(&fs::read_to_string(input_path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: input is not JSON: {e}"));
        let actual = run(&input);
        let expected_path = dir.join(format!("{name}.expected.json"));
        if update {
            let text = serde_json::to_string_pretty(&actual).unwrap() + "\n";
            fs::write(&expected_path, text).unwrap();
            continue;
        }
        match fs::read_to_string(&expected_path) {
            Ok(text) => {
                let expected: Value = serde_json::from_str(&text).unwrap();
                if expected != actual {
                    failures.push(format!(
                        "{name}: expected\n{}\nactual\n{}",
                        serde_json::to_string_pretty(&expected).unwrap(),
                        serde_json::to_string_pretty(&actual).unwrap()
                    ));
                }
            }
            Err(_) => failures.push(format!(
                "{name}: missing {name}.expected.json (run with UPDATE=1)"
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n\n")
    );
    eprintln!("{} fixtures checked", inputs.len());
}
