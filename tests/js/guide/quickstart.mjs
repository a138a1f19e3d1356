// The reference guide's directory quickstart (Node SDK), unchanged. guide.test.mjs runs it with
// `@scalekit-sdk/node` installed from the packed scimkit tarball and the SCALEKIT_* variables
// pointing at a local directory service.
import { ScalekitClient } from '@scalekit-sdk/node';

const scalekit = new ScalekitClient(
  process.env.SCALEKIT_ENVIRONMENT_URL,
  process.env.SCALEKIT_CLIENT_ID,
  process.env.SCALEKIT_CLIENT_SECRET,
);

// List organizations and pick the first one
const { organizations } = await scalekit.organization.listOrganization({ pageSize: 10 });
const organizationId = organizations[0].id;
console.log(`Organization: ${organizations[0].display_name}, ID: ${organizationId}`);

// Get the organization's primary directory
const { directory } = await scalekit.directory.getPrimaryDirectoryByOrganizationId(organizationId);
console.log(`Directory: ${directory.name}, ID: ${directory.id}`);

// List the directory's users
const { users } = await scalekit.directory.listDirectoryUsers(organizationId, directory.id);
users.forEach((user) => console.log(`User: ${user.email}, Name: ${user.name}`));

// List the directory's groups
const { groups } = await scalekit.directory.listDirectoryGroups(organizationId, directory.id);
groups.forEach((group) => console.log(`Group: ${group.name}, ID: ${group.id}`));
