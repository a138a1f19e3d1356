// The memory of one Worker's V8 isolate under Miniflare, read over the Chrome DevTools Protocol
// from workerd's own inspector (Miniflare's `inspectorPort` option, no `unsafeInspectorProxy`: then
// `mf.getInspectorURL()` is workerd's inspector, whose `/json` lists a target `core:user:<name>`
// per user Worker). WebSocket client: the `ws` package (8.x, a dependency of miniflare); Node 20
// has no global WebSocket without a flag.
//
// - `usage()`: `Runtime.getHeapUsage` as it is — usedSize (live and not yet collected), totalSize
//   (the heap V8 has committed), embedderHeapUsedSize (workerd's C++ objects on V8's cppgc heap),
//   backingStorageSize (ArrayBuffer stores outside the heap; not the wasm memory). No GC.
// - `afterGc()`: a full GC, then the same, plus the WebAssembly memories' sizes. The GC is the one
//   `Runtime.queryObjects` runs before it walks the heap (V8's HeapProfiler::QueryObjects calls
//   CollectAllAvailableGarbage): `HeapProfiler.collectGarbage` is no use here, as V8 runs it as a
//   task that workerd only runs the next time the isolate does something (it answers then).
//   Steps: `Runtime.evaluate` of `WebAssembly.Memory.prototype` → `Runtime.queryObjects` of it (GC,
//   then every live Memory) → `Runtime.callFunctionOn` that array, summing `buffer.byteLength` →
//   `Runtime.releaseObjectGroup` → `Runtime.getHeapUsage`. queryObjects also clears the
//   functions' inline caches (feedback vectors), so the code after it starts a little colder.
// Each call holds the isolate's lock while it runs: call `afterGc()` between invocations only.
import WebSocket from "ws";

export async function inspectWorker(mf, name = "") {
  const url = await mf.getInspectorURL();
  const targets = await (await fetch(`http://${url.host}/json`)).json();
  const target = targets.find((t) => t.id === `core:user:${name}`);
  if (!target) throw new Error(`no inspector target core:user:${name} (targets: ${targets.map((t) => t.id).join(", ")})`);
  const ws = new WebSocket(`ws://${url.host}/${target.id}`, { maxPayload: 256 << 20 });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let next = 0;
  let contextId;
  const pending = new Map();
  let contextReady;
  const context = new Promise((resolve) => (contextReady = resolve));
  ws.on("message", (data) => {
    const msg = JSON.parse(data);
    if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p?.resolve(msg.result);
    } else if (msg.method === "Runtime.executionContextCreated") {
      contextId = msg.params.context.id;
      contextReady();
    }
  });
  ws.on("close", () => {
    for (const p of pending.values()) p.reject(new Error(`${p.method}: inspector connection closed`));
    pending.clear();
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve, reject, method });
      ws.send(JSON.stringify({ id, method, params }));
    });
  // Runtime.enable reports the isolate's execution context (a module Worker has one).
  await send("Runtime.enable");
  await Promise.race([context, new Promise((_, reject) => setTimeout(() => reject(new Error("no execution context reported")), 10_000))]);

  const usage = async () => {
    const u = await send("Runtime.getHeapUsage");
    return { used: u.usedSize, total: u.totalSize, embedder: u.embedderHeapUsedSize ?? 0, buffers: u.backingStorageSize ?? 0 };
  };
  const afterGc = async () => {
    const group = "bench-memory";
    try {
      const proto = await send("Runtime.evaluate", { expression: "WebAssembly.Memory.prototype", contextId, objectGroup: group, silent: true });
      const { objects } = await send("Runtime.queryObjects", { prototypeObjectId: proto.result.objectId, objectGroup: group });
      const sizes = await send("Runtime.callFunctionOn", {
        objectId: objects.objectId,
        functionDeclaration: "function () { return this.map((m) => m.buffer.byteLength); }",
        returnByValue: true,
        objectGroup: group,
      });
      const wasm = sizes.result.value;
      return { ...(await usage()), wasm: wasm.reduce((a, b) => a + b, 0), memories: wasm.length };
    } finally {
      await send("Runtime.releaseObjectGroup", { objectGroup: group });
    }
  };
  return { usage, afterGc, close: () => ws.close() };
}
