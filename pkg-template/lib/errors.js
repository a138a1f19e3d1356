// The package's error classes. The wasm layer constructs these directly (registered at start-up),
// so every failure is an Error subclass with a stable `code`; nothing else is ever thrown.

/** Base class of every error scimkit throws. */
export class ScimkitError extends Error {
  constructor(code, message, details) {
    super(message);
    this.name = new.target.name;
    /** Stable, machine-readable reason, e.g. `invalid_signature`. */
    this.code = code;
    if (details) Object.assign(this, details);
  }
}

/** A webhook could not be verified (or signed). */
export class WebhookVerificationError extends ScimkitError {}

/** A payload could not be normalized; `pointer` is a JSON pointer to the offending place. */
export class NormalizationError extends ScimkitError {}

/** A Directory API call failed; carries `status`, `serverCode` and, for walks, `pageToken`. */
export class DirectoryApiError extends ScimkitError {}
