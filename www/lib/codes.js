// The error-code key: every stable `code` the package throws, with what it means for the person
// looking at it and what usually fixes it. Codes are the library's (pkg/index.d.ts); the words are
// the page's.

export const CODE_GROUPS = [
  {
    cls: "WebhookVerificationError",
    from: "verifyWebhook, verifySignature, signWebhook",
    codes: {
      missing_header: ["A webhook-id, webhook-timestamp or webhook-signature header is absent or blank.", "Pass every request header; some proxies drop unknown headers, and Svix-based senders name them svix-id / svix-timestamp / svix-signature."],
      invalid_header: ["A header is present but unusable (when signing: a blank message id).", "Check the value the message names."],
      invalid_secret: ["A secret is empty or not base64 after its optional whsec_ prefix, or no secret was given.", "Copy the secret whole from the sender's dashboard, without quotes or spaces."],
      invalid_key: ["A whpk_ public key or whsk_ secret key is not base64 of the right length (32 bytes; a secret key 32 or 64), or a public key was given to sign.", "Copy the key whole; sign with the whsk_ secret key, verify with its whpk_ public key."],
      invalid_timestamp: ["webhook-timestamp is not Unix seconds written as plain digits.", "Send Math.floor(Date.now() / 1000): no decimals, no date strings, no leading zeros."],
      timestamp_too_old: ["The delivery is older than the tolerance (300 s by default) allows.", "A replay, a long-queued retry, or a clock that is off: compare the age with the tolerance."],
      timestamp_too_new: ["The timestamp is further in the future than the tolerance allows.", "Usually milliseconds where seconds belong, or the sender's clock is ahead."],
      invalid_signature: ["No v1 signature in the header matches under any whsec_ secret, and no v1a signature under any whpk_ key, for this id, timestamp and body.", "The body was changed (re-serialized, trimmed, re-encoded) or the secret is another endpoint's."],
      parsed_body: ["The body was a parsed object, not the raw bytes.", "Read the raw body: express.raw(), await request.text()."],
      payload_too_large: ["The body is larger than maxBodyBytes (1 MiB by default).", "Raise maxBodyBytes if such deliveries are expected."],
      invalid_json: ["The signature is valid, but the body is not a JSON directory event.", "Use verifySignature for bodies that are not events."],
    },
  },
  {
    cls: "NormalizationError",
    from: "normalizeEvent, normalizeUser, normalizeGroup, applyScimPatch, normalizeScimRequest",
    codes: {
      invalid_json: ["The input is not JSON, or not the JSON type expected there (e.g. not an object).", "The error's pointer says where."],
      unsupported_resource: ["The input is not the kind of resource asked for (a group given as a user, a PatchOp or ListResponse message given as a resource, an unknown path).", "Pick the function that matches: applyScimPatch / normalizeScimRequest for PATCH bodies, one item of Resources for a ListResponse."],
      invalid_patch: ["The PATCH request is malformed: no Operations, an unknown op, a missing value.", "The pointer names the operation."],
      invalid_path: ["A PATCH path cannot be parsed or does not fit the resource.", "Paths look like name.givenName, emails[type eq \"work\"].value or urn:…:User:employeeNumber."],
      invalid_filter: ["A value filter in a PATCH path is malformed.", "Operators: eq ne co sw ew pr gt ge lt le, with and / or / not and parentheses."],
      invalid_value: ["A value has a type that cannot be understood (e.g. active: \"maybe\").", "The pointer says which attribute."],
      too_complex: ["The input is nested deeper, or has more operations or filter terms, than the limits allow.", "Limits protect the process from hostile input."],
    },
  },
  {
    cls: "DirectoryApiError",
    from: "DirectoryClient, ScalekitClient",
    codes: {
      invalid_argument: ["A call was given an argument the API refuses (e.g. a page size above 30).", "Check the options; the server's own code is in serverCode."],
      unauthorized: ["The credentials were refused (401) even after fetching a fresh token.", "Check clientId and clientSecret and the environment URL."],
      forbidden: ["The credentials may not do this (403).", "Check the client's permissions."],
      not_found: ["The organization or directory does not exist (404).", "Check the ids; getPrimaryDirectory throws this when there is none."],
      rate_limited: ["429 kept coming after every retry.", "Retries honour Retry-After; lower the request rate or raise maxRetries."],
      server_error: ["5xx kept coming after every retry.", "The pageToken on the error resumes the walk later."],
      timeout: ["No response within timeoutMs, after every retry.", "Raise timeoutMs or check the network."],
      network: ["The connection failed (refused, reset, CORS) after every retry.", "Check the address; in a browser, the server must allow the page's origin."],
      invalid_response: ["The server answered with something that is not the API's JSON.", "Check the environment URL points at the Directory API."],
      pagination_loop: ["The server sent a page token it had sent before.", "Stopped instead of looping forever; a server bug."],
    },
  },
  {
    cls: "ScimkitError",
    from: "any call",
    codes: {
      invalid_argument: ["An option has the wrong type.", "The message names the option."],
      not_initialized: ["A call ran in a browser before init() resolved.", "await init() once before the first call."],
    },
  },
];

/** The first explanation of `code` (webhook codes first, then the others). */
export function describeCode(code) {
  for (const g of CODE_GROUPS) if (code in g.codes) return { cls: g.cls, what: g.codes[code][0], fix: g.codes[code][1] };
  return undefined;
}
