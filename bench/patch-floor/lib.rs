//! The least a PATCH engine working on live JS objects would do for `replace` of top-level
//! attributes: read each operation's `op`, `path` and `value` through `Reflect`, turn a `"False"`
//! string into `false`, find the attribute among the resource's own keys ignoring case, and set it
//! on a shallow copy. No validation, filters, password stripping or error reporting: a floor.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(wasm_bindgen::intern(key))).unwrap_or(JsValue::UNDEFINED)
}

/// `applyScimPatch` reduced to its boundary work, for requests that only replace attributes.
#[wasm_bindgen(js_name = replaceOnLiveObject)]
pub fn replace_on_live_object(resource: &JsValue, patch: &JsValue) -> JsValue {
    let resource: &Object = resource.unchecked_ref();
    let out = Object::assign(&Object::new(), resource);
    let ops: Array = get(patch, "Operations").unchecked_into();
    for op in ops.iter() {
        let replace = get(&op, "op")
            .as_string()
            .is_some_and(|s| s.eq_ignore_ascii_case("replace"));
        let value = get(&op, "value");
        if !replace {
            continue;
        }
        // With a path: that attribute; without: each member of the value object.
        let pairs: Vec<(String, JsValue)> = match get(&op, "path").as_string() {
            Some(path) => vec![(path, value)],
            None => Object::entries(value.unchecked_ref())
                .iter()
                .filter_map(|e| {
                    let e: Array = e.unchecked_into();
                    Some((e.get(0).as_string()?, e.get(1)))
                })
                .collect(),
        };
        for (attr, mut v) in pairs {
            if v.as_string()
                .is_some_and(|s| s.eq_ignore_ascii_case("false"))
            {
                v = JsValue::FALSE;
            }
            // The spelling as sent is the usual one: one `has` before looking at every key.
            let sent = JsValue::from_str(&attr);
            let key = if Reflect::has(resource, &sent).unwrap_or(false) {
                sent
            } else {
                Object::keys(resource)
                    .iter()
                    .find(|k| k.as_string().is_some_and(|k| k.eq_ignore_ascii_case(&attr)))
                    .unwrap_or(sent)
            };
            let _ = Reflect::set(&out, &key, &v);
        }
    }
    out.into()
}
