// ESM driver: loads the installed package with import() (so the `import` export conditions apply).
import { drive } from "./common.mjs";

const scimkit = await import("scimkit");
await drive(scimkit, "import");
