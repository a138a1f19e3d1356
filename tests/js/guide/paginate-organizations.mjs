// The SDK docs' pagination loop, unchanged: follow nextPageToken until it is empty.
import { ScalekitClient } from '@scalekit-sdk/node';

const scalekit = new ScalekitClient(
  process.env.SCALEKIT_ENVIRONMENT_URL,
  process.env.SCALEKIT_CLIENT_ID,
  process.env.SCALEKIT_CLIENT_SECRET,
);

const all = [];
let pageToken;
do {
  const r = await scalekit.organization.listOrganization({ pageSize: 50, pageToken });
  all.push(...r.organizations);
  pageToken = r.nextPageToken;
} while (pageToken);

console.log(`Total organizations: ${all.length}`);
all.forEach((org) => console.log(`Organization: ${org.display_name}, ID: ${org.id}`));
