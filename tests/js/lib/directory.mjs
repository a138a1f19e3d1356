// Starts the local directory service (tools/directory-service) for the suite's Directory API cases
// and describes it as the plain JSON `info` the runners hand to the suite (ctx.directory):
//   { url, port, clientId, clientSecret,
//     big:   { orgId, dirId, users: 10000, userIdsSha256 },   // the 10,000-user walk
//     small: { orgId, dirId, users: 300,   userIdsSha256 },   // quick walks, resume, errors
//     emptyOrgId }                                            // an organization without directories
import { createHash } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./harness.mjs";

export const BIG_USERS = 10_000;
export const SMALL_USERS = 300;

function digest(ids) {
  return createHash("sha256").update([...ids].sort().join("\n")).digest("hex");
}

/** Starts the service on 127.0.0.1 (port 0). Returns { svc, info, close }. */
export async function startSuiteDirectory({ seed = "scimkit-js-suite" } = {}) {
  const { startDirectoryService } = await import(pathToFileURL(join(repoRoot, "tools", "directory-service", "server.mjs")).href);
  const svc = await startDirectoryService({ seed, orgs: 3, emptyOrgs: 1, usersPerDirectory: [BIG_USERS, SMALL_USERS], groupsPerDirectory: 5 });
  const [bigOrg, smallOrg, emptyOrg] = svc.seed.organizations;
  const describe = (org, users) => {
    const dirId = org.directories[0].id;
    const ids = [];
    for (let i = 0; i < users; i++) ids.push(svc.seed.user(dirId, i).id);
    if (new Set(ids).size !== users) throw new Error(`seeded user ids of ${dirId} are not unique`);
    return { orgId: org.id, dirId, users, userIdsSha256: digest(ids) };
  };
  if (emptyOrg.directories.length !== 0) throw new Error("expected the last organization to have no directory");
  const info = {
    url: svc.url,
    port: svc.port,
    clientId: svc.clientId,
    clientSecret: svc.clientSecret,
    big: describe(bigOrg, BIG_USERS),
    small: describe(smallOrg, SMALL_USERS),
    emptyOrgId: emptyOrg.id,
  };
  return { svc, info, close: () => svc.close() };
}
