// Verify mode's analysis of one pasted delivery: the library decides every verdict; this module
// only asks it the right questions and reads the answers together with what the page can see in
// the input (a 13-digit timestamp, a secret without its prefix, a pretty-printed body, …).
//
// The questions, all through the package's public API:
// - the verdict:   verifySignature / verifyWebhook with the real clock and tolerance;
// - the signature on its own: verifySignature with `now` set to the delivery's own timestamp,
//   so a late delivery still says whether its signature is good;
// - each entry:    verifySignature with one secret and a header holding one entry;
// - likely causes: verifySignature on variants of the body (compact, indented, trailing newline,
//   CRLF, …) and of the secret (the scheme's known key mistakes) — a match names the cause.
import { parseHeaderText, refusedEntries, toHeaders } from "./headers.js";
import { duration } from "./dom.js";

const NAMES = ["webhook-id", "webhook-timestamp", "webhook-signature"];
/** Names other senders and proxies use for the same three headers. */
const ALIASES = {
  "webhook-id": ["svix-id", "webhook_id", "x-webhook-id"],
  "webhook-timestamp": ["svix-timestamp", "webhook_timestamp", "x-webhook-timestamp"],
  "webhook-signature": ["svix-signature", "webhook_signature", "x-webhook-signature"],
};
const MAX_SECRETS = 10;
const MAX_ENTRIES = 10;

const errInfo = (err) => ({ code: err?.code ?? "error", name: err?.name ?? "Error", message: err?.message ?? String(err) });

function attempt(fn) {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    return { ok: false, error: errInfo(err) };
  }
}

/** Bytes of base64 text in either alphabet, or undefined. */
function bytesOfBase64(text) {
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/").replace(/\s/g, ""));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** JSON as Python's json.dumps writes it by default: ", " and ": " separators, non-ASCII escaped. */
function pythonDumps(v) {
  if (Array.isArray(v)) return `[${v.map(pythonDumps).join(", ")}]`;
  if (v !== null && typeof v === "object") return `{${Object.entries(v).map(([k, x]) => `${pythonDumps(k)}: ${pythonDumps(x)}`).join(", ")}}`;
  if (typeof v === "string") return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return JSON.stringify(v);
}

/** Body variants a sender or a log may have produced from the same event, for the cause search. */
function bodyVariants(text) {
  // Whitespace first: a body with an added newline is also "not compact", and the narrower
  // explanation is the right one when both would match.
  const out = [];
  if (/\r?\n$/.test(text)) out.push(["without the trailing newline", text.replace(/\r?\n$/, ""), "whitespace"]);
  else out.push(["with a trailing newline", `${text}\n`, "whitespace"]);
  if (text !== text.trim()) out.push(["with the surrounding whitespace trimmed", text.trim(), "whitespace"]);
  if (text.includes("\n") && !text.includes("\r\n")) out.push(["with CRLF line endings", text.replaceAll("\n", "\r\n"), "whitespace"]);
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: only the whitespace variants apply */
  }
  if (parsed !== undefined) {
    out.push(["compact JSON (JSON.stringify without spaces)", JSON.stringify(parsed), "reserialized"]);
    out.push(["JSON indented with 2 spaces", JSON.stringify(parsed, null, 2), "reserialized"]);
    out.push(["JSON indented with 4 spaces", JSON.stringify(parsed, null, 4), "reserialized"]);
    out.push(['Python\'s json.dumps default (", " and ": " separators, non-ASCII as \\u escapes)', pythonDumps(parsed), "reserialized"]);
  }
  const seen = new Set([text]);
  return out.filter(([, v]) => !seen.has(v) && seen.add(v));
}

/**
 * Analyses one delivery. `input`: { secretsText, headerText, bodyText, bodyEncoding ("text" |
 * "base64"), toleranceSeconds, asOf ("now" | "timestamp"), nowMs }.
 */
export function analyzeDelivery(lib, scheme, input) {
  const steps = [];
  const causes = [];
  const report = { steps, causes };
  const nowMs = input.nowMs ?? Date.now();

  // 1. Secrets.
  const secrets = input.secretsText.split(/\r?\n/).map((s) => s.trim()).filter(Boolean).slice(0, MAX_SECRETS);
  const secretStep = { title: "Secret", items: [] };
  steps.push(secretStep);
  let secretsOk = secrets.length > 0;
  if (!secrets.length) {
    secretStep.state = "bad";
    secretStep.summary = "no secret given";
  }
  secrets.forEach((s, i) => {
    // The library validates secrets when signing too: ask it, with a throwaway message (a scheme
    // whose keys may be verify-only says how to ask instead).
    const check = scheme.checkSecret ? scheme.checkSecret(lib, s) : attempt(() => scheme.sign(lib, s, { id: "msg_check", timestamp: 0, body: "" }));
    const notes = scheme.describeSecret(s);
    if (!check.ok) secretsOk = false;
    secretStep.items.push({
      state: check.ok ? (notes.length ? "warn" : "ok") : "bad",
      text: `secret #${i + 1}${s.length > 10 ? ` (…${s.slice(-4)})` : ""}: ${check.ok ? "readable" : check.error.code}${notes.length ? ` — ${notes.join(", ")}` : ""}`,
      detail: check.ok ? undefined : check.error.message,
      code: check.ok ? undefined : check.error.code,
    });
  });
  if (secrets.length) {
    secretStep.state = secretsOk ? (secretStep.items.some((x) => x.state === "warn") ? "warn" : "ok") : "bad";
    secretStep.summary = `${secrets.length} secret${secrets.length > 1 ? "s" : ""}${secretsOk ? "" : ", not all readable"}`;
  }

  // 2. Headers.
  const parsed = parseHeaderText(input.headerText);
  const headers = toHeaders(parsed.entries);
  const headerStep = { title: "Headers", items: [], notes: parsed.notes };
  steps.push(headerStep);
  for (const [name] of refusedEntries(parsed.entries)) headerStep.notes.push(`"${name}" is not a valid header name or value: left out`);
  const values = Object.fromEntries(NAMES.map((n) => [n, headers.get(n)]));
  for (const n of NAMES) {
    const v = values[n];
    const alias = ALIASES[n].find((a) => headers.get(a) !== null);
    headerStep.items.push({
      state: v !== null && v.trim() ? "ok" : "bad",
      text: v !== null && v.trim() ? `${n}: ${v.length > 72 ? `${v.slice(0, 72)}…` : v}` : `${n} missing${alias ? ` — but ${alias} is there` : ""}`,
    });
    if (v !== null && /^["'].*["']$/.test(v.trim())) headerStep.items.push({ state: "warn", text: `${n} is wrapped in quotes (copied from a log?)` });
  }
  const found = headerStep.items.filter((x) => x.state === "ok").length;
  headerStep.state = found === 3 ? (headerStep.items.some((x) => x.state === "warn") ? "warn" : "ok") : "bad";
  const formats = { empty: "nothing pasted", raw: "a header block", json: "JSON", object: "an object literal", curl: "a curl command" };
  headerStep.summary = `read as ${formats[parsed.format]}: ${parsed.entries.length} header${parsed.entries.length === 1 ? "" : "s"}, ${found} of 3 webhook headers`;
  if (parsed.body !== undefined) report.bodyFromHeaders = parsed.body;

  // 3. The body as bytes.
  let body = input.bodyText;
  if (input.bodyEncoding === "base64") {
    body = bytesOfBase64(input.bodyText);
    if (body === undefined) {
      report.status = "incomplete";
      report.headline = "The body is not valid base64";
      steps.push({ title: "Body", state: "bad", summary: "not valid base64 (switch “Body as” to text?)", items: [] });
      return report;
    }
  }
  const bodyBytes = typeof body === "string" ? new TextEncoder().encode(body).length : body.length;

  if (!secrets.length || !secretsOk) {
    report.status = "incomplete";
    const bad = secretStep.items.find((x) => x.state === "bad");
    report.headline = secrets.length ? (bad?.code === "invalid_key" ? "A key cannot be read" : "A secret cannot be read") : "Paste the endpoint's signing secret";
    report.code = secrets.length ? (bad?.code ?? "invalid_secret") : undefined;
    if (secrets.length) {
      causes.push({ title: "The secret is not usable", text: `${bad.detail}. ${scheme.secretFix}` });
    }
    return report;
  }

  // 4. The verdict, with the real clock.
  const ts = values["webhook-timestamp"]?.trim();
  const tsNum = ts && /^\d+$/.test(ts) ? Number(ts) : undefined;
  const ownNowMs = tsNum !== undefined && tsNum * 1000 <= Number.MAX_SAFE_INTEGER ? tsNum * 1000 : undefined;
  const checkNow = input.asOf === "timestamp" && ownNowMs !== undefined ? ownNowMs : nowMs;
  const options = { toleranceSeconds: input.toleranceSeconds, now: checkNow };
  const verdict = attempt(() => scheme.verifySignature(lib, secrets, headers, body, options));
  report.verdict = verdict;
  const code = verdict.ok ? undefined : verdict.error.code;

  // Timestamp step.
  const tsStep = { title: "Timestamp", items: [] };
  steps.push(tsStep);
  if (ts === undefined || ts === "") {
    tsStep.state = "skip";
    tsStep.summary = "no webhook-timestamp";
  } else {
    const age = tsNum !== undefined ? (nowMs / 1000 - tsNum) : undefined;
    const looksMillis = ts.length === 13;
    const when = tsNum !== undefined && tsNum < 1e11 ? new Date(tsNum * 1000).toISOString().replace(".000Z", "Z") : undefined;
    if (age !== undefined && when) {
      tsStep.items.push({ state: "info", text: `${ts} = ${when} — ${age >= 0 ? `${duration(age)} ago` : `${duration(-age)} ahead of this computer's clock`}` });
    } else if (looksMillis) {
      tsStep.items.push({ state: "warn", text: `${ts} has 13 digits: milliseconds (= ${new Date(tsNum).toISOString()}), not Unix seconds` });
    }
    if (code === "invalid_timestamp" || code === "timestamp_too_old" || code === "timestamp_too_new") {
      tsStep.state = "bad";
      tsStep.summary = code;
      tsStep.items.push({ state: "bad", text: verdict.error.message });
    } else if (code === "missing_header" || code === "payload_too_large") {
      tsStep.state = "skip";
      tsStep.summary = "not checked";
    } else {
      tsStep.state = "ok";
      tsStep.summary = input.asOf === "timestamp" ? "checked as of the delivery's own time" : `within ±${input.toleranceSeconds} s of now`;
    }
  }

  // Signature step: on its own (at the delivery's own time), then entry by entry.
  const sigStep = { title: "Signature", items: [] };
  steps.push(sigStep);
  const sigHeader = values["webhook-signature"] ?? "";
  const ownOptions = ownNowMs !== undefined ? { toleranceSeconds: input.toleranceSeconds, now: ownNowMs } : undefined;
  const own = ownOptions ? attempt(() => scheme.verifySignature(lib, secrets, headers, body, ownOptions)) : undefined;
  report.signatureOwn = own;
  if (code === "missing_header" || code === "payload_too_large" || !own) {
    sigStep.state = "skip";
    sigStep.summary = code === "payload_too_large" ? "not checked: body too large" : code === "missing_header" ? "not checked: a header is missing" : "not checked: the timestamp cannot be read";
  } else {
    const entries = sigHeader.split(/\s+/).filter(Boolean).slice(0, MAX_ENTRIES);
    for (const entry of entries) {
      const e = entry.replace(/,$/, "");
      const shown = e.length > 24 ? `${e.slice(0, 14)}…${e.slice(-6)}` : e;
      // A scheme may check entries of several versions (v1a keys next to v1 secrets).
      const prefixes = scheme.entryPrefixes ?? [scheme.entryPrefix];
      const prefix = prefixes.find((p) => e.startsWith(p));
      if (!prefix) {
        sigStep.items.push({ state: "skip", text: `${shown} — a ${e.split(",")[0] || "malformed"} entry: the ${prefixes.map((p) => p.slice(0, -1)).join("/")} scheme skips it` });
        continue;
      }
      const one = new Headers(headers);
      one.set("webhook-signature", e);
      const matched = secrets.flatMap((s, i) => (attempt(() => scheme.verifySignature(lib, s, one, body, ownOptions)).ok ? [i + 1] : []));
      const tag = bytesOfBase64(e.slice(prefix.length));
      const tagBytes = scheme.tagBytes?.[prefix] ?? 32;
      if (matched.length) sigStep.items.push({ state: "ok", text: `${shown} — matches secret #${matched.join(", #")}` });
      else if (!tag || tag.length !== tagBytes) sigStep.items.push({ state: "bad", text: `${shown} — malformed: ${tag ? `${tag.length} bytes, not ${tagBytes} (cut off when copied?)` : "not base64"}` });
      else sigStep.items.push({ state: "bad", text: `${shown} — does not match ${secrets.length > 1 ? `any of the ${secrets.length} secrets` : "the secret"}` });
    }
    if (!entries.length) sigStep.items.push({ state: "bad", text: "the header holds no entries" });
    sigStep.state = own.ok ? "ok" : "bad";
    sigStep.summary = own.ok ? (input.asOf === "timestamp" || verdict.ok ? "valid" : "valid — at the delivery's own time") : own.error.code;
    if (!own.ok && own.error.code !== "invalid_signature") sigStep.items.push({ state: "bad", text: own.error.message });
  }

  // Event step.
  const eventStep = { title: "Event", items: [] };
  steps.push(eventStep);
  if (verdict.ok) {
    const ev = attempt(() => scheme.verifyWebhook(lib, secrets, headers, body, options));
    if (ev.ok) {
      report.event = ev.value;
      eventStep.state = "ok";
      eventStep.summary = `${ev.value.type}${ev.value.id ? ` (${ev.value.id})` : ""}`;
    } else {
      report.eventError = ev.error;
      eventStep.state = "bad";
      eventStep.summary = ev.error.code;
      eventStep.items.push({ state: "bad", text: ev.error.message });
    }
  } else {
    eventStep.state = "skip";
    eventStep.summary = "not reached: the delivery did not verify";
  }

  // Headline and causes.
  if (verdict.ok && report.event) {
    report.status = "ok";
    report.headline = "Verified";
  } else if (verdict.ok) {
    report.status = "signature-only";
    report.code = report.eventError.code;
    report.headline = "Signature valid — but the body is not a directory event";
    causes.push({
      title: "The signature is good; the content is the problem",
      text: `verifyWebhook also parses the body as a directory event and failed with ${report.eventError.code}: ${report.eventError.message}. A sender's test ping or a non-event body verifies with verifySignature, which does not parse.`,
    });
  } else {
    report.status = "bad";
    report.code = code;
    report.message = verdict.error.message;
    report.headline = "Not verified";
    explain(lib, scheme, { report, causes, code, secrets, headers, values, body, input, ts, tsNum, own, ownOptions, nowMs, bodyBytes, headerStep, parsed });
  }
  return report;
}

/** Likely causes of a failure, from the code, the library's answers to variants, and the input. */
function explain(lib, scheme, c) {
  const { causes, code, secrets, headers, values, body, input, ts, tsNum, own, ownOptions, nowMs } = c;
  if (code === "missing_header") {
    const missing = NAMES.filter((n) => !values[n]?.trim());
    for (const n of missing) {
      const alias = ALIASES[n].find((a) => headers.get(a) !== null);
      if (alias) causes.push({ title: `${n} arrived as ${alias}`, text: `The sender names the header ${alias}. scimkit reads the Standard Webhooks names; copy the value over: headers["${n}"] = headers["${alias}"].` });
    }
    if (!causes.length) {
      causes.push({
        title: `${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} not in what you pasted`,
        text: c.parsed.entries.length
          ? "Paste every header of the request. Proxies and load balancers sometimes drop headers they do not know, and some frameworks only log a few."
          : 'No header could be read. Paste "name: value" lines, a JSON object, or the curl command.',
      });
    }
    return;
  }
  if (code === "payload_too_large") {
    causes.push({ title: "The body is larger than the limit", text: `${c.bodyBytes.toLocaleString("en")} bytes; verifyWebhook refuses bodies over maxBodyBytes (1 MiB unless you set it) before hashing them.` });
    return;
  }
  if (code === "invalid_timestamp") {
    const t = ts ?? "";
    let text = "webhook-timestamp must be Unix seconds as plain digits.";
    if (/^\d+\.\d+$/.test(t)) text = "The timestamp has a decimal part: the sender wrote Date.now() / 1000 without Math.floor.";
    else if (!/^\d+$/.test(t) && !Number.isNaN(Date.parse(t))) text = "The timestamp is a date string; Standard Webhooks sends Unix seconds (e.g. 1764410000).";
    else if (/^0\d/.test(t)) text = "The timestamp has leading zeros, which the strict parser refuses.";
    else if (/^["']/.test(t)) text = "The timestamp is wrapped in quotes: copied from a JSON log with the quotes?";
    causes.push({ title: "The timestamp cannot be read", text });
    return;
  }
  if (code === "timestamp_too_old" || code === "timestamp_too_new") {
    const age = nowMs / 1000 - tsNum;
    const sigNote = own?.ok ? "The signature itself is valid (checked at the delivery's own time): only the time is off." : "";
    if (code === "timestamp_too_new" && ts.length === 13) {
      causes.push({ title: "The timestamp is in milliseconds", text: `${ts} has 13 digits: the sender wrote Date.now() where Standard Webhooks wants Unix seconds, Math.floor(Date.now() / 1000). ${sigNote}` });
      return;
    }
    const off = duration(age);
    if (Math.abs(age) < 3600) {
      causes.push({
        title: `A clock is ${off} ${age > 0 ? "behind" : "ahead"}, or the delivery waited`,
        text: `The timestamp is ${off} ${age > 0 ? "old" : "in the future"}, beyond the ±${input.toleranceSeconds} s tolerance. If deliveries arrive at once, the sender's clock or this computer's is off by that much: compare both with an NTP server. If it sat in a queue or was retried late, it is stale on purpose — the tolerance stops replays. ${sigNote}`,
      });
    } else {
      causes.push({
        title: `An old delivery (${off} ${age > 0 ? "ago" : "ahead"})`,
        text: `Copied from a log or replayed: the tolerance refuses it, as it should. To inspect it anyway, check it "as of the delivery's own time". ${sigNote}`,
      });
    }
    return;
  }
  if (code !== "invalid_signature") {
    causes.push({ title: code, text: c.report.message });
    return;
  }

  // invalid_signature: ask the library about variants of the body, the secret and the headers.
  const at = ownOptions ?? { toleranceSeconds: input.toleranceSeconds, now: nowMs };
  const works = (s, hs, b) => attempt(() => scheme.verifySignature(lib, s, hs, b, at)).ok;
  if (typeof body === "string") {
    for (const [label, variant, kind] of bodyVariants(body)) {
      if (works(secrets, headers, variant)) {
        causes.push(
          kind === "reserialized"
            ? { title: "The body was re-serialized", confirmed: true, text: `The signature matches this body written as ${label}. What you pasted is the same JSON, but not the same bytes: something parsed the body and wrote it out again (a JSON body parser, a logger, an editor). Verify the raw bytes as received — express.raw(), await request.text().` }
            : { title: "Whitespace around the body changed", confirmed: true, text: `The signature matches this body ${label}. An editor, a log line or a copy added or removed it; the signature covers every byte.` },
        );
        break;
      }
    }
  }
  for (const [i, s] of secrets.entries()) {
    const mistake = scheme.keyMistakes(s).find(([, k]) => works(k, headers, body));
    if (mistake) {
      causes.push({ title: mistake[0], confirmed: true, text: mistake[2].replace("#N", `#${i + 1}`) });
      break;
    }
  }
  const unquoted = new Headers(headers);
  let quoted = false;
  for (const n of ["webhook-id", "webhook-timestamp"]) {
    const v = values[n]?.trim();
    if (v && /^["'].*["']$/.test(v)) {
      unquoted.set(n, v.slice(1, -1));
      quoted = true;
    }
  }
  if (quoted && works(secrets, unquoted, body)) {
    causes.push({ title: "Header values carry quotes", confirmed: true, text: "The signature matches once the quotes around webhook-id / webhook-timestamp are removed: they came with the copy from a log, not from the request." });
  }
  if (causes.some((x) => x.confirmed)) return;

  for (const cause of scheme.secretDoubts(secrets)) causes.push(cause);
  let looksReserialized = false;
  if (typeof body === "string") {
    try {
      const p = JSON.parse(body);
      looksReserialized = JSON.stringify(p) !== body && JSON.stringify(p, null, 2) === body;
    } catch {
      /* not JSON */
    }
  }
  if (looksReserialized) {
    causes.push({ title: "The body looks re-serialized", text: "It is indented exactly as JSON.stringify(value, null, 2) writes it; senders sign compact bytes. If this came from a log of the parsed body, get the raw body instead." });
  }
  causes.push({
    title: secrets.length > 1 ? `None of the ${secrets.length} secrets signed it` : "The secret or the bytes differ",
    text: `No variant the page tried matches. Each endpoint (and environment) has its own secret: check this is the one for the URL that received the delivery${secrets.length > 1 ? ", and during rotation that the sender is not already on a newer one" : ""}. Otherwise the body changed in a way the page did not guess (re-encoding, a proxy rewriting it).`,
  });
}
