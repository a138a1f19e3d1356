// Writes inputs straight into the core's input buffer in wasm memory (see src/wasm/input.rs).
import * as wasm from "./glue.js";
import { memoryView } from "./state.js";

const encoder = new TextEncoder();

/**
 * Writes each part (a string, a Uint8Array, or undefined for "absent") one after another and
 * returns their byte lengths (-1 for absent), in the order the core's `…Input` functions expect.
 */
export function writeInputs(parts) {
  let size = 0;
  for (const p of parts) if (p !== undefined) size += typeof p === "string" ? p.length * 3 : p.length;
  const mem = memoryView(wasm.inputBuffer(size), size);
  const lens = new Array(parts.length);
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p === undefined) {
      lens[i] = -1;
      continue;
    }
    let n;
    if (typeof p === "string") {
      n = encoder.encodeInto(p, mem.subarray(at)).written;
    } else {
      mem.set(p, at);
      n = p.length;
    }
    lens[i] = n;
    at += n;
  }
  return lens;
}
