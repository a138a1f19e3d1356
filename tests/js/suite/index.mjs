// Every suite file, in run order. To add cases: create a file exporting
// `export default [{ name, run: async (scimkit, ctx) => {...}, nodeOnly? }]` and list it here.
import bounds from "./bounds.mjs";
import directoryApi from "./directory-api.mjs";
import errors from "./errors.mjs";
import hostileArguments from "./hostile-arguments.mjs";
import nodeCrossimpl from "./node-crossimpl.mjs";
import normalizeFixtures from "./normalize-fixtures.mjs";
import patchObjectRoute from "./patch-object-route.mjs";
import randomizedWebcrypto from "./randomized-webcrypto.mjs";
import scalekitClient from "./scalekit-client.mjs";
import sync from "./sync.mjs";
import webhookInputs from "./webhook-inputs.mjs";
import webhookV1a from "./webhook-v1a.mjs";
import webhookVectors from "./webhook-vectors.mjs";

export const files = [
  { file: "errors.mjs", cases: errors },
  { file: "hostile-arguments.mjs", cases: hostileArguments },
  { file: "webhook-vectors.mjs", cases: webhookVectors },
  { file: "webhook-inputs.mjs", cases: webhookInputs },
  { file: "webhook-v1a.mjs", cases: webhookV1a },
  { file: "scalekit-client.mjs", cases: scalekitClient },
  { file: "randomized-webcrypto.mjs", cases: randomizedWebcrypto },
  { file: "normalize-fixtures.mjs", cases: normalizeFixtures },
  { file: "patch-object-route.mjs", cases: patchObjectRoute },
  { file: "node-crossimpl.mjs", cases: nodeCrossimpl },
  { file: "directory-api.mjs", cases: directoryApi },
  { file: "bounds.mjs", cases: bounds },
  { file: "sync.mjs", cases: sync },
];
export default files;
