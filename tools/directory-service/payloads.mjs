// The `data` of directory webhook events, built from the service's records. One place for the
// seed sequence's replays (webhooks.mjs) and for the events the control API records (mutations.mjs),
// so both send the same shapes.

/**
 * user_created / user_updated data.
 * @param {object} store  createStore() result
 * @param {object} dir    directory
 * @param {object} r      user record (store.userRecord)
 * @param {object} o
 * @param {Array|null} o.groups  `[{id, name}]`, or null (real deliveries sometimes carry null)
 * @param {boolean} [o.withDirectoryId]  add `directory_id` after `organization_id`
 * @param {object} [o.extra]  fields that override the record's (the seed sequence's variations)
 */
export function userEventData(store, dir, r, { groups, withDirectoryId = false, extra = {} }) {
  return {
    id: r.id,
    organization_id: dir.org.id,
    ...(withDirectoryId ? { directory_id: dir.id } : {}),
    active: r.active,
    email: r.email,
    preferred_username: r.email,
    name: `${r.given} ${r.family}`,
    given_name: r.given,
    family_name: r.family,
    dp_id: r.dpId,
    employee_id: r.employeeNumber,
    department: r.department,
    title: r.title,
    locale: 'en-US',
    groups,
    roles: [{ role_name: 'member' }],
    custom_attributes: {},
    raw_attributes: store.scimUser(dir, r),
    ...extra,
  };
}

/** `[{id, name}]` of a user's (live) groups */
export const userGroupRefs = (store, dir, r) => r.groups.map((g) => ({ id: store.groupId(dir, g), name: store.groupRecord(dir, g).name }));

/** user_deleted data: only what identifies the user */
export const userDeletedData = (dir, r) => ({ id: r.id, organization_id: dir.org.id, dp_id: r.dpId, email: r.email });

/**
 * group_created / group_updated / group_deleted data.
 * @param {Array} [members]  SCIM `members` to put into raw_attributes (as a group PATCH/PUT carries them)
 */
export function groupEventData(store, dir, gr, members) {
  const raw = store.scimGroup(dir, gr);
  if (members) raw.members = members;
  return {
    id: gr.id,
    organization_id: dir.org.id,
    directory_id: dir.id,
    display_name: gr.name,
    external_id: gr.externalId,
    dp_id: gr.dpId,
    raw_attributes: raw,
  };
}
