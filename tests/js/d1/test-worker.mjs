// The example Worker (examples/worker-d1/src/worker.js, copied next to this file by the runner)
// with faults, for tests/js/worker-d1.test.mjs. Faults come from a seeded PRNG (env.FAULT_SEED),
// at rate env.FAULT_RATE, at these points:
// - a commit throws before its batch (nothing written) or after it (written, the step dies);
// - a step dies after committing, before enqueuing its continuation (the message is retried);
// - a step dies after enqueuing its continuation, before the ack (two deliveries go on);
// - a continuation is sent twice (a duplicate delivery);
// - a consumer vanishes holding the lease: its message is acknowledged, no continuation sent
//   (only the test's "cron ticks" revive the run, once the lease has expired).
// Every change reported is logged in the table test_change_log, with the generation, so the
// test can show that none was applied twice. /__test routes are for the test only.
import { d1Store } from "scimkit/d1";
import { createWorker } from "./worker.js";

let rand = null;
let seq = 0;
function chance(env, factor = 1) {
  const rate = Number(env.FAULT_RATE ?? 0) * factor;
  if (rate <= 0) return false;
  if (rand === null) {
    // mulberry32 over the seed: a failing run can be replayed with the same FAULT_SEED.
    let a = Number(env.FAULT_SEED ?? 1) >>> 0;
    rand = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  return rand() < rate;
}

const counts = {};
let storeMs = 0;
let moreSteps = 0;
function fault(env, point, factor = 1) {
  if (!chance(env, factor)) return false;
  counts[point] = (counts[point] ?? 0) + 1;
  return true;
}

const LOG_TABLE =
  "CREATE TABLE IF NOT EXISTS test_change_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, id TEXT NOT NULL, group_id TEXT, directory_id TEXT)";

function faultyStore(env) {
  const store = d1Store(env.DB);
  return new Proxy(store, {
    get(target, key) {
      if (key === "commit") {
        return async (changeset) => {
          if (fault(env, "commit_before", 0.15)) throw new Error("injected fault: died before the commit");
          const t0 = Date.now();
          await target.commit(changeset);
          storeMs += Date.now() - t0;
          if (fault(env, "commit_after", 0.15)) throw new Error("injected fault: died after the commit");
        };
      }
      const value = target[key];
      if (typeof value !== "function") return value;
      return async (...args) => {
        const t0 = Date.now();
        try {
          return await value.apply(target, args);
        } finally {
          storeMs += Date.now() - t0;
        }
      };
    },
  });
}

/** Changes reported and not yet logged: written in one statement at the end of each invocation (a change per D1 round trip would be most of the run's time). */
let pending = [];
async function flushLog(env) {
  if (pending.length === 0) return;
  const rows = pending;
  pending = [];
  await env.DB.batch([
    env.DB.prepare(LOG_TABLE),
    env.DB.prepare(
      "INSERT INTO test_change_log (kind, id, group_id, directory_id) SELECT json_extract(j.value, '$.kind'), json_extract(j.value, '$.id'), json_extract(j.value, '$.group_id'), json_extract(j.value, '$.directory_id') FROM json_each(?) AS j",
    ).bind(JSON.stringify(rows)),
  ]);
}

const worker = createWorker({
  store: faultyStore,
  onChange: (change) => {
    pending.push({ kind: change.kind, id: change.id, group_id: change.group_id ?? null, directory_id: change.directory_id ?? null });
  },
  hooks: {
    async afterStep(job, out, env) {
      if (out.status !== "more") return "go";
      // At random, and surely once (the 3rd step that leaves more to do), so every run shows it.
      if (++moreSteps === 3 || fault(env, "vanish_holding_lease", 0.3)) {
        if (moreSteps === 3) counts.vanish_holding_lease = (counts.vanish_holding_lease ?? 0) + 1;
        return "drop";
      }
      if (fault(env, "died_before_continuation")) throw new Error("injected fault: died before enqueuing the continuation");
      return "go";
    },
    async afterContinuation(job, out, env) {
      if (fault(env, "duplicate_delivery")) await env.SYNC_QUEUE.send({ ...job, generation: out.generation });
      if (fault(env, "died_after_continuation")) throw new Error("injected fault: died after enqueuing the continuation");
    },
  },
});

export default {
  ...worker,
  async queue(batch, env, ctx) {
    const t0 = Date.now();
    storeMs = 0;
    try {
      await worker.queue(batch, env, ctx);
    } finally {
      await flushLog(env);
    }
    if (env.LOG_STEPS) console.log(`[step] ${batch.messages.length} message(s) in ${Date.now() - t0} ms, store ${storeMs} ms`);
  },
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/__test/faults") return Response.json(counts);
    if (url.pathname === "/__test/ping") {
      const times = [];
      for (let i = 0; i < 5; i++) {
        const t0 = Date.now();
        await (await fetch(`${env.DIRECTORY_URL}/_admin/info`)).text();
        times.push(Date.now() - t0);
      }
      return Response.json(times);
    }
    return worker.fetch(request, env, ctx);
  },
};
