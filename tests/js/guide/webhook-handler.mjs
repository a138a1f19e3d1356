// The reference guide's webhook endpoint, unchanged: an Express handler that verifies the delivery
// against the *raw* body, then switches on event.type. In an Express app it is mounted as
//
//   app.post('/webhooks/scalekit', express.raw({ type: 'application/json' }), handleScalekitWebhook);
//
// Note: the raw body is required on purpose. A variant that passes a JSON-parsed body
// (`app.use(express.json())` and then `verifyWebhookPayload(secret, headers, req.body)`) fails
// with WebhookVerificationError code `parsed_body`: the signature covers the exact bytes that were
// sent, and re-serializing a parsed object does not reproduce them (key order, spacing, escapes).
import { ScalekitClient } from '@scalekit-sdk/node';

const scalekit = new ScalekitClient(
  process.env.SCALEKIT_ENVIRONMENT_URL,
  process.env.SCALEKIT_CLIENT_ID,
  process.env.SCALEKIT_CLIENT_SECRET,
);

export async function handleScalekitWebhook(req, res) {
  const secret = process.env.SCALEKIT_WEBHOOK_SECRET;
  const headers = req.headers;
  const rawBody = req.body.toString();

  let isValid;
  try {
    isValid = scalekit.verifyWebhookPayload(secret, headers, rawBody);
  } catch (error) {
    console.error(`Webhook rejected (${error.code}): ${error.message}`);
    return res.status(400).json({ error: 'Invalid signature' });
  }
  console.log(`verifyWebhookPayload returned ${isValid}`);

  const event = JSON.parse(rawBody);
  switch (event.type) {
    case 'organization.directory.user_created':
      console.log(`User created: ${event.data.email}`);
      break;
    case 'organization.directory.user_updated':
      console.log(`User updated: ${event.data.email}`);
      break;
    case 'organization.directory.user_deleted':
      console.log(`User deleted: ${event.data.email}`);
      break;
    case 'organization.directory.group_created':
      console.log(`Group created: ${event.data.display_name}`);
      break;
    case 'organization.directory.group_updated':
      console.log(`Group updated: ${event.data.display_name}`);
      break;
    case 'organization.directory.group_deleted':
      console.log(`Group deleted: ${event.data.display_name}`);
      break;
    default:
      console.log(`Unhandled event: ${event.type}`);
  }

  return res.status(201).json({ received: true });
}
