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

/**
 * The sync engine failed: its store (`store_failed`, `store_conflict` after the retries), an
 * event it cannot apply (`invalid_event`), a stored checkpoint (`invalid_checkpoint`), too many
 * events in a catch-up window (`too_many_events`), or the app's `onChange` (`on_change_failed`).
 */
export class SyncError extends ScimkitError {}
