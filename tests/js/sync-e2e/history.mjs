// A seeded history of directory changes made through the local directory service's control API:
// groups and users created, then a random mix of updates, membership changes, deactivations,
// reactivations, deletions and re-creations. A small model of the directory picks valid targets.
import { pickOne, pickSome } from "./lib.mjs";

const TITLES = ["Engineer", "Designer", "Analyst", "Manager", "Director", "Recruiter", "Accountant"];
const DEPARTMENTS = ["R&D", "Sales", "Finance", "People", "Legal", "Support"];
const GIVEN = ["Ada", "Björn", "Chioma", "Dmitri", "Eun-ji", "Farah", "Gustavo", "Hana", "Ífe", "Jonas"];
const FAMILY = ["Okafor", "Lindqvist", "Nakamura", "Petrović", "Silva", "Zhang", "Müller", "O'Brien"];

/** The model: per directory, live groups (id → member set) and live users (id → state). */
function model(dirs) {
  return new Map(dirs.map((d) => [d.directoryId, { ...d, groups: new Map(), users: new Map() }]));
}

/**
 * Creates `plan[i].groups` groups and `plan[i].users` users in directory i, then makes `changes`
 * random changes. Returns counts per operation. `svc` is the service object (in-process).
 */
export function makeHistory(svc, dirs, plan, { rand, changes }) {
  const m = model(dirs);
  const counts = {};
  const count = (k) => (counts[k] = (counts[k] ?? 0) + 1);
  const userFields = () => ({
    given_name: pickOne(rand, GIVEN),
    family_name: pickOne(rand, FAMILY),
    title: pickOne(rand, TITLES),
    department: pickOne(rand, DEPARTMENTS),
  });
  const createUser = (dir) => {
    const groups = pickSome(rand, [...dir.groups.keys()], Math.floor(rand() * 4));
    const r = svc.createUser(dir.directoryId, { ...userFields(), groups });
    dir.users.set(r.id, { active: true, groups: new Set(groups) });
    for (const g of groups) dir.groups.get(g).add(r.id);
    count("createUser");
  };
  const createGroup = (dir, members = []) => {
    const r = svc.createGroup(dir.directoryId, { display_name: `Team ${dir.groups.size + 1}-${Math.floor(rand() * 1e6)}`, external_id: rand() < 0.5 ? `ext-${Math.floor(rand() * 1e9)}` : null }, { members });
    dir.groups.set(r.id, new Set(members));
    for (const u of members) dir.users.get(u).groups.add(r.id);
    count("createGroup");
  };

  plan.forEach((p, i) => {
    const dir = m.get(dirs[i].directoryId);
    for (let g = 0; g < p.groups; g++) createGroup(dir);
    for (let u = 0; u < p.users; u++) createUser(dir);
  });

  const all = [...m.values()];
  const ops = [
    ["updateUser", 30, (dir) => {
      const id = pickOne(rand, [...dir.users.keys()]);
      const f = userFields();
      const user = Object.fromEntries(Object.entries(f).filter(() => rand() < 0.6));
      if (rand() < 0.3) user.emails = [`${id.slice(-8)}.${Math.floor(rand() * 1e6)}@changed.example`, `alt.${Math.floor(rand() * 1e6)}@changed.example`];
      if (rand() < 0.2) user.employee_id = String(Math.floor(rand() * 1e7));
      if (Object.keys(user).length === 0) user.title = `${pickOne(rand, TITLES)} ${Math.floor(rand() * 100)}`;
      svc.updateUser(id, user);
    }],
    ["setGroups", 8, (dir) => {
      const id = pickOne(rand, [...dir.users.keys()]);
      const groups = pickSome(rand, [...dir.groups.keys()], Math.floor(rand() * 4));
      svc.updateUser(id, { groups });
      const u = dir.users.get(id);
      for (const g of u.groups) dir.groups.get(g).delete(id);
      u.groups = new Set(groups);
      for (const g of groups) dir.groups.get(g).add(id);
    }],
    ["addMembers", 5, (dir) => {
      const g = pickOne(rand, [...dir.groups.keys()]);
      const ids = pickSome(rand, [...dir.users.keys()], 3 + Math.floor(rand() * 10));
      svc.addMembers(g, ids);
      for (const id of ids) {
        dir.groups.get(g).add(id);
        dir.users.get(id).groups.add(g);
      }
    }],
    ["removeMembers", 5, (dir) => {
      const g = pickOne(rand, [...dir.groups.keys()]);
      const ids = pickSome(rand, [...dir.groups.get(g)], 1 + Math.floor(rand() * 6));
      if (ids.length === 0) return false;
      svc.removeMembers(g, ids);
      for (const id of ids) {
        dir.groups.get(g).delete(id);
        dir.users.get(id).groups.delete(g);
      }
    }],
    ["deactivate", 8, (dir) => {
      const id = pickOne(rand, [...dir.users].filter(([, u]) => u.active).map(([id]) => id));
      if (!id) return false;
      svc.updateUser(id, { active: false });
      dir.users.get(id).active = false;
    }],
    ["reactivate", 3, (dir) => {
      const id = pickOne(rand, [...dir.users].filter(([, u]) => !u.active).map(([id]) => id));
      if (!id) return false;
      svc.updateUser(id, { active: true, title: pickOne(rand, TITLES) });
      dir.users.get(id).active = true;
    }],
    ["deleteUser", 6, (dir) => {
      const id = pickOne(rand, [...dir.users.keys()]);
      svc.deleteUser(id);
      for (const g of dir.users.get(id).groups) dir.groups.get(g).delete(id);
      dir.users.delete(id);
    }],
    ["createUser", 4, (dir) => createUser(dir)],
    ["updateGroup", 2, (dir) => {
      const g = pickOne(rand, [...dir.groups.keys()]);
      svc.updateGroup(g, { display_name: `Renamed ${Math.floor(rand() * 1e6)}` });
    }],
    ["deleteGroup", 0.6, (dir) => {
      if (dir.groups.size <= 3) return false;
      const g = pickOne(rand, [...dir.groups.keys()]);
      svc.deleteGroup(g);
      for (const id of dir.groups.get(g)) dir.users.get(id).groups.delete(g);
      dir.groups.delete(g);
    }],
    ["createGroupWithMembers", 0.6, (dir) => createGroup(dir, pickSome(rand, [...dir.users.keys()], 2 + Math.floor(rand() * 8)))],
  ];
  const total = ops.reduce((n, [, w]) => n + w, 0);
  for (let made = 0, tries = 0; made < changes && tries < changes * 10; tries++) {
    let x = rand() * total;
    const [name, , run] = ops.find(([, w]) => (x -= w) < 0) ?? ops[0];
    const dir = pickOne(rand, all.filter((d) => d.users.size > 5));
    if (run(dir) === false) continue;
    if (name !== "createUser" && name !== "createGroupWithMembers") count(name);
    made++;
  }
  return { counts, model: m };
}

/** Live active users of the model (for picking targets later). */
export const activeUsers = (m, directoryId) => [...m.get(directoryId).users].filter(([, u]) => u.active).map(([id]) => id);
