// `npm run setup`: builds scimkit's package (../../pkg, Rust → WebAssembly) when it is not built
// yet, then installs this example's dependencies (scimkit from that folder, express, better-sqlite3, pg).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: "inherit" });
if (!existsSync(`${root}pkg/package.json`) || process.argv.includes("--rebuild")) {
  console.log("[setup] building scimkit (node scripts/build.mjs; needs the Rust toolchain, see scripts/setup.sh)");
  sh(process.execPath, ["scripts/build.mjs"], root);
}
sh(process.platform === "win32" ? "npm.cmd" : "npm", ["install", "--no-audit", "--no-fund"], fileURLToPath(new URL(".", import.meta.url)));
