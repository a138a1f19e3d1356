//! Core errors become instances of the package's JS error classes (registered once at start-up by
//! the JS façade), each with a stable `code`. Nothing thrown from here is a bare string.

use std::cell::RefCell;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;

use scimkit::error::ErrorCode;

/// Which JS class an error becomes.
#[derive(Clone, Copy)]
pub(crate) enum Family {
    Webhook = 0,
    Normalization = 1,
    Directory = 2,
    /// A bad argument that no domain error covers (e.g. a non-integer timestamp).
    Argument = 3,
    /// The sync engine: its store, its checkpoints, events it cannot apply.
    Sync = 4,
}

thread_local! {
    static CLASSES: RefCell<Vec<Function>> = const { RefCell::new(Vec::new()) };
}

/// Called once by the JS façade with its error classes, in [`Family`] order. Each class is
/// constructed as `new Class(code, message, details)`.
#[wasm_bindgen(js_name = registerErrorClasses)]
pub fn register_error_classes(
    webhook: Function,
    normalization: Function,
    directory: Function,
    argument: Function,
    sync: Function,
) {
    CLASSES.with(|c| *c.borrow_mut() = vec![webhook, normalization, directory, argument, sync]);
}

/// Builds the JS error for `family` with `code`, `message` and optional extra fields.
pub(crate) fn js_error(
    family: Family,
    code: &str,
    message: &str,
    details: Option<Object>,
) -> JsValue {
    let class = CLASSES.with(|c| c.borrow().get(family as usize).cloned());
    let details: JsValue = details.map(Into::into).unwrap_or(JsValue::UNDEFINED);
    if let Some(class) = class {
        let args = Array::of3(
            &JsValue::from_str(code),
            &JsValue::from_str(message),
            &details,
        );
        if let Ok(err) = Reflect::construct(&class, &args) {
            return err;
        }
    }
    // Not registered (the glue used directly): still a real Error with a code.
    let err = js_sys::Error::new(message);
    let _ = Reflect::set(&err, &"code".into(), &code.into());
    err.into()
}

/// Converts any core error into its JS class.
pub(crate) fn from_core<E: ErrorCode>(family: Family, err: &E) -> JsValue {
    js_error(family, err.code(), &err.to_string(), None)
}

/// Sets `key` on `obj` (plain data objects cannot reject a set).
pub(crate) fn set(obj: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), &value.into());
}
