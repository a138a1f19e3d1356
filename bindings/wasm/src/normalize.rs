//! JS exports for normalization. Inputs arrive as JSON text in the input buffer (see
//! [`crate::input`]); results leave as JSON text, which the façade parses — measured cheaper than
//! building JS objects across the boundary (bench/normalize.mjs).

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::errors::{js_error, set, Family};
use crate::input::{text, with_parts};
use scimkit::error::ErrorCode;
use scimkit::json::limits::MAX_DEPTH;
use scimkit::normalize::{
    normalize_event, normalize_group, normalize_scim_request, normalize_user, parse_json,
    NormalizationError, NormalizeOptions, Provider, RequestContext, ScimRequest,
};
use scimkit::scim::{apply_scim_patch, plan_scim_patch, PatchSource, PASSWORD_KEYS};

/// Parses `body` as an event and returns it normalized, as JSON text.
pub(crate) fn event_json(body: &[u8]) -> Result<String, NormalizationError> {
    let event = normalize_event(body)?;
    Ok(to_json(&event))
}

fn to_json<T: Serialize>(value: &T) -> String {
    // The model serializes infallibly (string keys, finite numbers).
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

pub(crate) fn to_js(err: &NormalizationError) -> JsValue {
    let details = js_sys::Object::new();
    set(&details, "pointer", err.pointer.as_str());
    js_error(
        Family::Normalization,
        err.code(),
        &err.to_string(),
        Some(details),
    )
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

/// `normalizeEvent`: the event text in the input buffer → the normalized event (JSON text).
#[wasm_bindgen(js_name = normalizeEventInput)]
pub fn normalize_event_input(len: f64) -> Result<String, JsValue> {
    with_parts([len], |[payload]| {
        event_json(payload.unwrap_or_default()).map_err(|e| to_js(&e))
    })
}

/// `normalizeUser`: a raw SCIM / Google / reference user → a `DirectoryUser` (JSON text).
#[wasm_bindgen(js_name = normalizeUserInput)]
pub fn normalize_user_input(len: f64, provider_name: Option<String>) -> Result<String, JsValue> {
    let opts = NormalizeOptions {
        provider: provider(provider_name)?,
    };
    with_parts([len], |[resource]| {
        let resource = json(resource, "resource")?;
        normalize_user(&resource, &opts)
            .map(|u| to_json(&u))
            .map_err(|e| to_js(&e))
    })
}

/// `normalizeGroup`: a raw SCIM / Google / reference group → a `DirectoryGroup` (JSON text).
#[wasm_bindgen(js_name = normalizeGroupInput)]
pub fn normalize_group_input(len: f64, provider_name: Option<String>) -> Result<String, JsValue> {
    let opts = NormalizeOptions {
        provider: provider(provider_name)?,
    };
    with_parts([len], |[resource]| {
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
//   2. `applyScimPatchInput([resource][patch])`: those members as a JSON object, or else the whole
//      resource as sent → the patched members (JSON text): given the whole resource, the result;
//      given a part, the façade makes a shallow copy of the caller's object with those members
//      replaced and the ones sent but not returned left out.
// Each call reads the PATCH from its text: cheaper than keeping it between the calls.

/// What the façade's walk of a live resource must know, as JSON text: `{ maxDepth, passwordKeys }`
/// (the nesting the core accepts, and the member names that make a member one to send).
#[wasm_bindgen(js_name = patchPartRules)]
pub fn patch_part_rules() -> String {
    to_json(&serde_json::json!({ "maxDepth": MAX_DEPTH, "passwordKeys": PASSWORD_KEYS }))
}

/// Step 1 of `applyScimPatch` on an object: which top-level keys the PATCH needs.
#[wasm_bindgen(js_name = planScimPatchInput)]
pub fn plan_scim_patch_input(keys_len: f64, patch_len: f64) -> Result<Vec<u32>, JsValue> {
    with_parts([keys_len, patch_len], |[keys, patch]| {
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
pub fn apply_scim_patch_input(resource_len: f64, patch_len: f64) -> Result<String, JsValue> {
    with_parts([resource_len, patch_len], |[resource, patch]| {
        let resource = json(resource, "resource")?;
        apply_scim_patch(resource, PatchSource::Text(patch.unwrap_or_default()))
            .map(|r| to_json(&r))
            .map_err(|e| to_js(&e))
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
#[wasm_bindgen(js_name = normalizeScimRequestInput)]
pub fn normalize_scim_request_input(
    method_len: f64,
    path_len: f64,
    body_len: f64,
    context_len: f64,
    current_len: f64,
) -> Result<String, JsValue> {
    with_parts(
        [method_len, path_len, body_len, context_len, current_len],
        |[method, path, body, context, current]| {
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
