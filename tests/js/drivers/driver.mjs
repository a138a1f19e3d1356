// ESM driver: loads the installed package with import() (so the `import` export conditions apply).
import { drive } from "./common.mjs";

const scimkit = await import("scimkit");
// Which file the `import` conditions picked (reported so the runners can assert it).
const entry = typeof import.meta.resolve === "function" ? await import.meta.resolve("scimkit") : "unknown";
await drive(scimkit, "import", String(entry));
