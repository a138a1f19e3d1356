// A Cloudflare Worker that keeps a D1 copy of every organization's directory with scimkit:
// - fetch:     POST /webhooks/directory — verify, apply exactly once (201 applied; 200 duplicate,
//              stale or ignored; 400 bad signature, nothing stored; 422 an event that cannot be
//              applied; 500 the store failed, so the sender retries). POST /sync (admin token):
//              what the Cron Trigger does, now.
// - scheduled: catchUp() from the events API, then one full-sync job per directory on the queue.
// - queue:     one bounded, leased step of a directory's full sync per message; while the run is
//              not done, the continuation goes back on the queue.
// The Directory API credentials and the webhook secret come from env (wrangler.toml, secrets).
import { DirectoryClient, DirectorySync, NormalizationError, WebhookVerificationError } from "scimkit";
import { d1Store } from "scimkit/d1";

/** `DIRECTORY_WEBHOOK_SECRET`: one `whsec_…` secret, or several separated by spaces or commas (rotation). */
function webhookSecrets(value) {
  const list = String(value ?? "").split(/[\s,]+/).filter(Boolean);
  return list.length > 1 ? list : list[0];
}

const int = (value, fallback) => (value === undefined || value === "" ? fallback : Number.parseInt(value, 10));

/** Constant-time comparison of the `authorization` header with `Bearer <ADMIN_TOKEN>`. */
async function isAdmin(request, env) {
  if (!env.ADMIN_TOKEN) return false;
  const enc = new TextEncoder();
  const [a, b] = await Promise.all(
    [request.headers.get("authorization") ?? "", `Bearer ${env.ADMIN_TOKEN}`].map((s) => crypto.subtle.digest("SHA-256", enc.encode(s))),
  );
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

/**
 * The Worker's handlers. `options.store(env)` makes the store (default `d1Store(env.DB)`),
 * `options.onChange(change, env)` is called with each change after its commit (default: none) —
 * your provisioning logic goes there, e.g. revoke a user's sessions on `user_deactivated`.
 * (`options.hooks` are for the tests' fault injection.)
 */
export function createWorker(options = {}) {
  const storeOf = options.store ?? ((env) => d1Store(env.DB));
  const onChange = options.onChange;

  const syncOf = (env) =>
    new DirectorySync({
      client: new DirectoryClient({
        environmentUrl: env.DIRECTORY_URL,
        clientId: env.DIRECTORY_CLIENT_ID,
        clientSecret: env.DIRECTORY_CLIENT_SECRET,
      }),
      store: storeOf(env),
      webhookSecret: env.DIRECTORY_WEBHOOK_SECRET ? webhookSecrets(env.DIRECTORY_WEBHOOK_SECRET) : undefined,
      onMissing: env.ON_MISSING === "delete" ? "delete" : "deactivate",
      onChange: onChange && ((change) => onChange(change, env)),
    });

  /** Catch-up, then a full-sync job per directory: what the Cron Trigger runs. */
  async function schedule(env) {
    const sync = syncOf(env);
    const catchUp = await sync.catchUp();
    const client = new DirectoryClient({
      environmentUrl: env.DIRECTORY_URL,
      clientId: env.DIRECTORY_CLIENT_ID,
      clientSecret: env.DIRECTORY_CLIENT_SECRET,
    });
    const jobs = [];
    for await (const org of client.organizations()) {
      for (const dir of (await client.listDirectories(org.id)).directories) {
        // A new owner per cron tick: if a run of this directory is in progress and its lease is
        // alive, this job finds it busy and ends; if its consumer died, the lease expires and a
        // later tick's job takes the run over from its checkpoint.
        jobs.push({ body: { organizationId: org.id, directoryId: dir.id, owner: crypto.randomUUID() } });
      }
    }
    for (let i = 0; i < jobs.length; i += 100) await env.SYNC_QUEUE.sendBatch(jobs.slice(i, i + 100));
    return { catchUp, jobs: jobs.length };
  }

  /** One step of one job; the continuation is enqueued before the message is acknowledged. */
  async function step(job, env, hooks) {
    const sync = syncOf(env);
    let out;
    try {
      out = await sync.fullSyncStep({
        organizationId: job.organizationId,
        directoryId: job.directoryId,
        generation: job.generation,
        maxPages: int(env.FULL_SYNC_PAGES_PER_STEP, 40),
        leaseOwner: job.owner,
        leaseTtlSeconds: int(env.FULL_SYNC_LEASE_SECONDS, 60),
      });
    } catch (err) {
      // Another delivery of this job took the run over: it goes on from there.
      if (err?.code === "lease_lost") return { status: "lease_lost" };
      throw err;
    }
    // (Test hooks: tests/js/d1/test-worker.mjs injects deaths between these lines.)
    if ((await hooks?.afterStep?.(job, out, env)) === "drop") return out;
    if (out.status === "more") {
      await env.SYNC_QUEUE.send({ ...job, generation: out.generation });
      await hooks?.afterContinuation?.(job, out, env);
    }
    // done, skipped (a late duplicate), busy (another run holds the lease): nothing to enqueue.
    return out;
  }

  return {
    async fetch(request, env) {
      const url = new URL(request.url);
      if (request.method === "POST" && url.pathname === "/webhooks/directory") {
        const body = new Uint8Array(await request.arrayBuffer()); // the signature is over these exact bytes
        try {
          const { status } = await syncOf(env).handleWebhook(request.headers, body);
          return new Response(null, { status: status === "applied" ? 201 : 200 });
        } catch (err) {
          // Forged, tampered or too old: nothing was read or stored.
          if (err instanceof WebhookVerificationError) return new Response(err.code, { status: 400 });
          // Signed by the sender but not an event we can apply: retrying would not help.
          if (err instanceof NormalizationError || err?.code === "invalid_event") return new Response(err.code, { status: 422 });
          // The store failed: 500, so the sender retries.
          console.error(`[webhook] ${request.headers.get("webhook-id")} not applied: ${err?.code ?? "error"}: ${err?.message ?? err}`);
          return new Response(null, { status: 500 });
        }
      }
      if (request.method === "POST" && url.pathname === "/sync") {
        if (!(await isAdmin(request, env))) return new Response(null, { status: 401 });
        return Response.json(await schedule(env));
      }
      return new Response("not found", { status: 404 });
    },

    async scheduled(_controller, env) {
      await schedule(env);
    },

    async queue(batch, env) {
      for (const message of batch.messages) {
        try {
          await step(message.body, env, options.hooks);
          message.ack();
        } catch (err) {
          // The step's commits so far are kept; the retry resumes from the checkpoint.
          console.error(`[queue] ${message.body?.directoryId}: ${err?.code ?? "error"}: ${err?.message ?? err}`);
          message.retry();
        }
      }
    },
  };
}

export default createWorker();
