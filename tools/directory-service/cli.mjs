#!/usr/bin/env node
// CLI for the scimkit local directory service. `node tools/directory-service/cli.mjs --help`
import { parseArgs } from 'node:util';
import { startDirectoryService } from './server.mjs';

const HELP = `scimkit local directory service (127.0.0.1 only)

usage: node tools/directory-service/cli.mjs [options]

  --port N                 port (default 0 = OS picks)
  --seed S                 PRNG seed (default 1); same options -> identical data
  --orgs N                 organizations (default 2)
  --dirs N                 directories per organization (default 1)
  --empty-orgs N           the last N organizations get no directory (default 0)
  --users N[,N…]           users per directory (default 25); a list cycles over directories
  --groups N               groups per directory (default 5)
  --memberships N          groups per user (default 2)
  --token-ttl SECONDS      access token lifetime (default 86399)
  --client-id ID           default: derived from the seed
  --client-secret SECRET   default: derived from the seed
  --webhook-secret WHSEC   default: derived from the seed
  --faults JSON            initial faults, e.g. '{"rateLimitEvery":5,"retryAfterSeconds":0}'
                           (also late events: '{"lateEventEvery":10,"lateEventMs":3000}')
  --delivery-faults JSON   webhook delivery faults, e.g. '{"drop":0.1,"repeat":0.05,"reorder":0.1,"tamper":0.02}'
  --webhook-url URL        send every change made through the control API to URL (signed)
  --event-retention N      events kept for the events API (default 100000, newest kept)
  --deliver URL            after start, play the seed's webhook sequence to URL (signed)
  --json                   print the startup info as one JSON line
  -h, --help
`;

let args;
try {
  args = parseArgs({
    options: {
      port: { type: 'string' }, seed: { type: 'string' }, orgs: { type: 'string' }, dirs: { type: 'string' },
      'empty-orgs': { type: 'string' }, users: { type: 'string' }, groups: { type: 'string' }, memberships: { type: 'string' },
      'token-ttl': { type: 'string' }, 'client-id': { type: 'string' }, 'client-secret': { type: 'string' },
      'webhook-secret': { type: 'string' }, faults: { type: 'string' }, deliver: { type: 'string' },
      'delivery-faults': { type: 'string' }, 'webhook-url': { type: 'string' }, 'event-retention': { type: 'string' },
      json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
} catch (e) {
  console.error(`${e.message}\n\n${HELP}`);
  process.exit(2);
}
if (args.help) { console.log(HELP); process.exit(0); }

const num = (v) => (v === undefined ? undefined : Number(v));
let svc;
try {
  svc = await startDirectoryService({
    port: num(args.port) ?? 0,
    seed: args.seed === undefined ? 1 : (/^\d+$/.test(args.seed) ? Number(args.seed) : args.seed),
    orgs: num(args.orgs),
    directoriesPerOrg: num(args.dirs),
    emptyOrgs: num(args['empty-orgs']),
    usersPerDirectory: args.users === undefined ? undefined : args.users.split(',').map(Number),
    groupsPerDirectory: num(args.groups),
    membershipsPerUser: num(args.memberships),
    tokenTtlSeconds: num(args['token-ttl']),
    clientId: args['client-id'],
    clientSecret: args['client-secret'],
    webhookSecret: args['webhook-secret'],
    faults: args.faults ? JSON.parse(args.faults) : undefined,
    deliveryFaults: args['delivery-faults'] ? JSON.parse(args['delivery-faults']) : undefined,
    webhookUrl: args['webhook-url'],
    eventRetention: num(args['event-retention']),
  });
} catch (e) {
  console.error(`directory-service: ${e.message}`);
  process.exit(2);
}

const orgs = svc.seed.organizations;
if (args.json) {
  console.log(JSON.stringify({ url: svc.url, client_id: svc.clientId, client_secret: svc.clientSecret, webhook_secret: svc.webhookSecret, environment_id: svc.environmentId, organizations: orgs }));
} else {
  console.log(`scimkit directory service listening on ${svc.url}`);
  console.log(`  token endpoint  ${svc.url}/oauth/token`);
  console.log(`  client_id       ${svc.clientId}`);
  console.log(`  client_secret   ${svc.clientSecret}`);
  console.log(`  webhook secret  ${svc.webhookSecret}`);
  console.log(`  environment     ${svc.environmentId}`);
  const shown = orgs.slice(0, 10);
  for (const o of shown) {
    console.log(`  ${o.id}  ${o.display_name}`);
    for (const d of o.directories.slice(0, 5)) console.log(`    ${d.id}  ${d.name}  users=${d.total_users} groups=${d.total_groups}${d.enabled ? '' : ' (disabled)'}`);
  }
  if (orgs.length > shown.length) console.log(`  … ${orgs.length - shown.length} more organizations (GET ${svc.url}/_admin/info)`);
  console.log(`  admin: GET ${svc.url}/_admin/stats | POST ${svc.url}/_admin/faults | POST ${svc.url}/_admin/deliver`);
  console.log(`  changes: POST ${svc.url}/_admin/mutate | events: POST ${svc.url}/api/v1/events/paginated`);
  if (args['webhook-url']) console.log(`  webhooks: every change is sent to ${args['webhook-url']}`);
}

if (args.deliver) {
  svc.deliverWebhooks({ url: args.deliver }).then(
    (r) => console.log(`webhooks: sent=${r.sent} delivered=${r.delivered} retried=${r.retried} duplicates=${r.duplicates} failures=${r.failures}`),
    (e) => console.error(`webhooks: ${e.message}`),
  );
}

let stopping = false;
const stop = async () => {
  if (stopping) process.exit(1);
  stopping = true;
  await svc.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
