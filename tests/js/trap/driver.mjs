// Node driver for the trap cases: loads the installed trap-test package both ways, runs the cases
// through one of them (argv[2]: "import" or "require") and checks that the other, sharing the one
// instance, moves to the fresh instance with it. Prints a SCIMKIT_SUMMARY line. An uncaught
// exception or unhandled rejection (e.g. from a callback of a discarded instance) ends the process
// before that line, which the runner reports as a failure.
import { createRequire } from "node:module";
import { assert } from "../suite/assert.mjs";
import { runTrapCases } from "./cases.mjs";

const how = process.argv[2];
if (how !== "import" && how !== "require") throw new Error("usage: node driver.mjs import|require");
const require = createRequire(import.meta.url);
const esm = await import("scimkit");
const cjs = require("scimkit");
const [main, other] = how === "import" ? [esm, cjs] : [cjs, esm];

const shared = {
  name: `${how === "import" ? "ESM" : "CJS"} trap, ${how === "import" ? "CJS" : "ESM"} import: one instance, reset once for both`,
  run: async () => {
    const err = assert.throws(() => main.trapForTest("panic"), { code: "wasm_trap" });
    assert.ok(err instanceof other.ScimkitError, "the error is an instance of the other import's class");
    const headers = main.signWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", { id: "msg_x", timestamp: 1_700_000_000, body: "{}" });
    const r = other.verifySignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", headers, "{}", { now: 1_700_000_000_000 });
    assert.deepEqual(r, { id: "msg_x", timestamp: 1_700_000_000 }, "the other import verifies on the fresh instance");
    const err2 = assert.throws(() => other.trapForTest("panic"), { code: "wasm_trap" });
    assert.ok(err2 instanceof main.ScimkitError);
    assert.equal(main.normalizeUser({ userName: "a@example.com" }).email, "a@example.com");
  },
};

const directory = process.env.SCIMKIT_DIRECTORY ? JSON.parse(process.env.SCIMKIT_DIRECTORY) : undefined;
const { adminClient } = await import("../suite/directory-helpers.mjs");
const summary = await runTrapCases(main, {
  directory: directory && { ...directory, admin: adminClient(directory.url) },
  extraCases: [shared],
});
for (const r of summary.results) console.log(`${r.ok ? "ok" : "not ok"} - ${r.name} # ${r.ms} ms${r.ok ? "" : `\n  # ${r.error.split("\n").join("\n  # ")}`}`);
console.log(`SCIMKIT_SUMMARY ${JSON.stringify({ ...summary, runtime: `node ${process.version} ${how}` })}`);
process.exitCode = summary.failed === 0 ? 0 : 1;
