//! JS exports for normalization. Inputs arrive as JSON text in the input buffer (see
//! [`crate::input`]); results leave as JSON text, which the façade parses — measured cheaper than
//! building JS objects across the boundary (bench/normalize.mjs).

use scimkit::json::to_ascii_json;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::errors::{js_error, set, Family};
use crate::input::{text, with_parts};
use crate::options::limit;
use scimkit::error::ErrorCode;
use scimkit::json::limits::{check_input_bytes, MAX_DEPTH};
use scimkit::normalize::{
    detect_provider, normalize_event, normalize_group, normalize_scim_request, normalize_user,
    parse_json, NormalizationError, NormalizationErrorKind, NormalizeOptions, Provider,
    RequestContext, ScimRequest,
};
use scimkit::scim::{
    apply_scim_patch, apply_scim_patch_part, plan_scim_patch, PatchSource, Run, PASSWORD_KEYS,
};

/// Parses `body` as an event and returns it normalized, as JSON text.
pub(crate) fn event_json(body: &[u8]) -> Result<String, NormalizationError> {
    let event = normalize_event(body)?;
    Ok(to_json(&event))
}

fn to_json<T: Serialize>(value: &T) -> String {
    // The model serializes infallibly (string keys, finite numbers). ASCII: the fast path of
    // JS's UTF-8 decoding (see `to_ascii_json`).
    to_ascii_json(value).unwrap_or_else(|_| "null".to_owned())
}

pub(crate) fn to_js(err: &NormalizationError) -> JsValue {
    let details = js_sys::Object::new();
    set(&details, "pointer", err.pointer.as_str());
    set(&details, "scimType", err.scim_type());
    js_error(
        Family::Normalization,
        err.code(),
        &err.to_string(),
        Some(details),
    )
}

/// The `NormalizationError` the façade throws for an argument it cannot turn into JSON text
/// (`invalid_json` at `""`), built here so that its `scimType` comes from the core like every
/// other's.
#[wasm_bindgen(js_name = jsonInputError)]
pub fn json_input_error(message: &str) -> JsValue {
    to_js(&NormalizationError::new(
        NormalizationErrorKind::InvalidJson,
        "",
        message,
    ))
}

fn provider(name: Option<String>) -> Result<Option<Provider>, JsValue> {
    name.map(|n| {
        n.parse::<Provider>().map_err(|e| {
            let msg = format!(
                "options.provider: {e} (expected okta, entra, google, onelogin, jumpcloud, pingfederate or generic)"
            );
            js_error(Family::Argument, "invalid_argument", &msg, None)
        })
    })
    .transpose()
}

fn json(part: Option<&[u8]>, what: &str) -> Result<Value, JsValue> {
    parse_json(part.unwrap_or_default(), what).map_err(|e| to_js(&e))
}

/// The byte limits of one call, as the façade resolved them (`defaultLimits`, or `checkLimit`
/// of an option given): what a sender sent (`maxInputBytes`), and the app's stored resource
/// (`maxResourceBytes`).
struct Limits {
    input: usize,
    resource: usize,
}

impl Limits {
    fn new(max_input_bytes: f64, max_resource_bytes: f64) -> Result<Self, JsValue> {
        Ok(Self {
            input: limit(max_input_bytes, "options.maxInputBytes")?,
            resource: limit(max_resource_bytes, "options.maxResourceBytes")?,
        })
    }

    /// `payload_too_large` when the sender's input `part` (named `what`) is over the limit. The
    /// façade has already refused what it could tell was over before copying it in; this is the
    /// exact check, on the bytes.
    fn input(&self, part: Option<&[u8]>, what: &str, pointer: &str) -> Result<(), JsValue> {
        let len = part.map_or(0, <[u8]>::len);
        check_input_bytes(what, pointer, len, self.input, "maxInputBytes").map_err(|e| to_js(&e))
    }

    /// As [`Limits::input`], for the app's stored resource.
    fn resource(&self, part: Option<&[u8]>, what: &str) -> Result<(), JsValue> {
        let len = part.map_or(0, <[u8]>::len);
        check_input_bytes(what, "", len, self.resource, "maxResourceBytes").map_err(|e| to_js(&e))
    }
}

/// The error for an input over its limit, thrown by the façade before it copies the input into
/// wasm memory: `what` names the input, `option` the setting (`maxInputBytes` or
/// `maxResourceBytes`), `len` its size as far as the façade knows (a lower bound for text).
#[wasm_bindgen(js_name = inputTooLarge)]
pub fn input_too_large(what: &str, pointer: &str, len: f64, limit: f64, option: &str) -> JsValue {
    match check_input_bytes(what, pointer, len as usize, limit as usize, option) {
        Err(e) => to_js(&e),
        Ok(()) => internal(),
    }
}

/// `normalizeEvent`: the event text in the input buffer → the normalized event (JSON text).
#[wasm_bindgen(js_name = normalizeEventInput)]
pub fn normalize_event_input(len: f64, max_input_bytes: f64) -> Result<String, JsValue> {
    let max = limit(max_input_bytes, "options.maxInputBytes")?;
    with_parts([len], |[payload]| {
        let payload = payload.unwrap_or_default();
        check_input_bytes("payload", "", payload.len(), max, "maxInputBytes")
            .and_then(|()| event_json(payload))
            .map_err(|e| to_js(&e))
    })
}

/// `detectProvider`: a raw user or group resource in the input buffer → the provider its payload
/// shows (`"okta"`, `"entra"`, …), or `None` (JS `null`) when nothing tells.
#[wasm_bindgen(js_name = detectProviderInput)]
pub fn detect_provider_input(len: f64, max_input_bytes: f64) -> Result<Option<String>, JsValue> {
    let max = limit(max_input_bytes, "options.maxInputBytes")?;
    with_parts([len], |[resource]| {
        let len = resource.map_or(0, <[u8]>::len);
        check_input_bytes("resource", "", len, max, "maxInputBytes").map_err(|e| to_js(&e))?;
        let resource = json(resource, "resource")?;
        Ok(detect_provider(&resource).map(|p| p.as_str().to_owned()))
    })
}

/// `normalizeUser`: a raw SCIM / Google / reference user → a `DirectoryUser` (JSON text).
#[wasm_bindgen(js_name = normalizeUserInput)]
pub fn normalize_user_input(
    len: f64,
    provider_name: Option<String>,
    max_input_bytes: f64,
) -> Result<String, JsValue> {
    let opts = NormalizeOptions {
        provider: provider(provider_name)?,
    };
    let max = limit(max_input_bytes, "options.maxInputBytes")?;
    with_parts([len], |[resource]| {
        let len = resource.map_or(0, <[u8]>::len);
        check_input_bytes("resource", "", len, max, "maxInputBytes").map_err(|e| to_js(&e))?;
        let resource = json(resource, "resource")?;
        normalize_user(&resource, &opts)
            .map(|u| to_json(&u))
            .map_err(|e| to_js(&e))
    })
}

/// `normalizeGroup`: a raw SCIM / Google / reference group → a `DirectoryGroup` (JSON text).
#[wasm_bindgen(js_name = normalizeGroupInput)]
pub fn normalize_group_input(
    len: f64,
    provider_name: Option<String>,
    max_input_bytes: f64,
) -> Result<String, JsValue> {
    let opts = NormalizeOptions {
        provider: provider(provider_name)?,
    };
    let max = limit(max_input_bytes, "options.maxInputBytes")?;
    with_parts([len], |[resource]| {
        let len = resource.map_or(0, <[u8]>::len);
        check_input_bytes("resource", "", len, max, "maxInputBytes").map_err(|e| to_js(&e))?;
        let resource = json(resource, "resource")?;
        normalize_group(&resource, &opts)
            .map(|g| to_json(&g))
            .map_err(|e| to_js(&e))
    })
}

// `applyScimPatch` (the design and why: src/scim/apply.rs). One call applies the PATCH; given a
// live object the façade first asks which members to send:
//   1. `planScimPatchInput([keys][patch])`, only for an object of plain JSON data: its top-level
//      keys (a JSON array) and the PATCH → the indexes of the keys whose values the core needs
//      (the façade adds those holding a key of `patchPartRules().passwordKeys` at some depth);
//   2. `applyScimPatchPartInput([members][patch])`: those members as a JSON object → the patched
//      members (JSON text), large member lists as runs of the values sent; the façade makes a
//      shallow copy of the caller's object with those members replaced (the runs filled in from
//      the caller's own arrays) and the ones sent but not returned left out. Given the whole
//      resource as text instead, `applyScimPatchInput([resource][patch])` → the result.
// Each call reads the PATCH from its text: cheaper than keeping it between the calls. Each checks
// the sizes first: the PATCH against `maxInputBytes`, what is sent of the resource against
// `maxResourceBytes`.

/// What the façade's walk of a live resource must know, as JSON text: `{ maxDepth, passwordKeys }`
/// (the nesting the core accepts, and the member names that make a member one to send).
#[wasm_bindgen(js_name = patchPartRules)]
pub fn patch_part_rules() -> String {
    to_json(&serde_json::json!({ "maxDepth": MAX_DEPTH, "passwordKeys": PASSWORD_KEYS }))
}

/// Step 1 of `applyScimPatch` on an object: which top-level keys the PATCH needs.
#[wasm_bindgen(js_name = planScimPatchInput)]
pub fn plan_scim_patch_input(
    keys_len: f64,
    patch_len: f64,
    max_input_bytes: f64,
    max_resource_bytes: f64,
) -> Result<Vec<u32>, JsValue> {
    let limits = Limits::new(max_input_bytes, max_resource_bytes)?;
    with_parts([keys_len, patch_len], |[keys, patch]| {
        limits.resource(keys, "resource (its attribute names)")?;
        limits.input(patch, "patch", "")?;
        let keys = keys.unwrap_or_default();
        let patch = PatchSource::Text(patch.unwrap_or_default());
        // Keys without escapes borrow from the buffer; any other spelling is decoded.
        let needed = match serde_json::from_slice::<Vec<&str>>(keys) {
            Ok(k) => plan_scim_patch(&k, patch),
            Err(_) => {
                let k: Vec<String> = serde_json::from_slice(keys).map_err(|_| internal())?;
                plan_scim_patch(&k, patch)
            }
        }
        .map_err(|e| to_js(&e))?;
        Ok(needed
            .into_iter()
            .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
            .collect())
    })
}

/// `applyScimPatch`: `[resource][patch]` in the input buffer (the whole resource, or the members
/// step 1 asked for) → the patched resource or part (JSON text).
#[wasm_bindgen(js_name = applyScimPatchInput)]
pub fn apply_scim_patch_input(
    resource_len: f64,
    patch_len: f64,
    max_input_bytes: f64,
    max_resource_bytes: f64,
) -> Result<String, JsValue> {
    let limits = Limits::new(max_input_bytes, max_resource_bytes)?;
    with_parts([resource_len, patch_len], |[resource, patch]| {
        limits.resource(resource, "resource")?;
        limits.input(patch, "patch", "")?;
        let resource = json(resource, "resource")?;
        apply_scim_patch(resource, PatchSource::Text(patch.unwrap_or_default()))
            .map(|r| to_json(&r))
            .map_err(|e| to_js(&e))
    })
}

/// `applyScimPatch` on an object, step 2: `[members][patch]` (the members step 1 asked for) →
/// `{ members, runs }` (JSON text): the patched members, but those multi-valued members the
/// request only added to or removed from, which come as `runs[name]`: a list of `[start, end]`
/// (those positions of the array sent, unchanged: the façade keeps the caller's values) and
/// `{ v }` (a value written). See `scimkit::scim::apply_scim_patch_part`.
#[wasm_bindgen(js_name = applyScimPatchPartInput)]
pub fn apply_scim_patch_part_input(
    part_len: f64,
    patch_len: f64,
    max_input_bytes: f64,
    max_resource_bytes: f64,
) -> Result<String, JsValue> {
    #[derive(Serialize)]
    #[serde(untagged)]
    enum RunOut<'a> {
        Given([usize; 2]),
        Value { v: &'a Value },
    }
    #[derive(Serialize)]
    struct PartOut<'a> {
        members: &'a serde_json::Map<String, Value>,
        runs: std::collections::BTreeMap<&'a str, Vec<RunOut<'a>>>,
    }
    let limits = Limits::new(max_input_bytes, max_resource_bytes)?;
    with_parts([part_len, patch_len], |[part, patch]| {
        limits.resource(part, "resource")?;
        limits.input(patch, "patch", "")?;
        let part = json(part, "resource")?;
        let patched = apply_scim_patch_part(part, PatchSource::Text(patch.unwrap_or_default()))
            .map_err(|e| to_js(&e))?;
        let runs = patched
            .runs
            .iter()
            .map(|(key, runs)| {
                let runs = runs
                    .iter()
                    .map(|run| match run {
                        Run::Given(r) => RunOut::Given([r.start, r.end]),
                        Run::Value(v) => RunOut::Value { v },
                    })
                    .collect();
                (key.as_str(), runs)
            })
            .collect();
        Ok(to_json(&PartOut {
            members: &patched.members,
            runs,
        }))
    })
}

fn internal() -> JsValue {
    js_error(
        Family::Argument,
        "invalid_argument",
        "internal: applyScimPatch's façade sent malformed input",
        None,
    )
}

/// `normalizeScimRequest`: `[method][path][body?][context][current?]` → `{ events, resource }`.
/// The method, path and body are the sender's (`maxInputBytes` bounds them together), `current`
/// the app's (`maxResourceBytes`).
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = normalizeScimRequestInput)]
pub fn normalize_scim_request_input(
    method_len: f64,
    path_len: f64,
    body_len: f64,
    context_len: f64,
    current_len: f64,
    max_input_bytes: f64,
    max_resource_bytes: f64,
) -> Result<String, JsValue> {
    let limits = Limits::new(max_input_bytes, max_resource_bytes)?;
    with_parts(
        [method_len, path_len, body_len, context_len, current_len],
        |[method, path, body, context, current]| {
            let sent = [method, path, body]
                .iter()
                .map(|p| p.map_or(0, <[u8]>::len))
                .fold(0usize, usize::saturating_add);
            check_input_bytes(
                "request (method, path and body)",
                "",
                sent,
                limits.input,
                "maxInputBytes",
            )
            .map_err(|e| to_js(&e))?;
            limits.resource(current, "options.current")?;
            let req = ScimRequest {
                method: text(method)?.unwrap_or_default().to_owned(),
                path: text(path)?.unwrap_or_default().to_owned(),
                body: body.map(|b| json(Some(b), "request body")).transpose()?,
            };
            let mut ctx: RequestContext = serde_json::from_slice(context.unwrap_or(b"{}"))
                .map_err(|e| {
                    js_error(
                        Family::Argument,
                        "invalid_argument",
                        &format!("request context: {e}"),
                        None,
                    )
                })?;
            if let Some(current) = current {
                ctx.current = Some(json(Some(current), "options.current")?);
            }
            normalize_scim_request(&req, &ctx)
                .map(|o| to_json(&o))
                .map_err(|e| to_js(&e))
        },
    )
}
