// Drop-in for the reference SDK's client, so the reference guide's snippets run unchanged.
import { DirectoryClient } from "./directory.js";
import { verifySignature } from "./webhook.js";

/** Adds the reference SDK's camelCase page fields (`nextPageToken`, …) as non-enumerable aliases. */
function withSdkAliases(page) {
  for (const [alias, wire] of [["nextPageToken", "next_page_token"], ["prevPageToken", "prev_page_token"], ["totalSize", "total_size"]]) {
    if (wire in page) Object.defineProperty(page, alias, { get: () => page[wire] ?? "", enumerable: false });
  }
  return page;
}

/** The `DirectoryClient` behind a `ScalekitClient` (for DirectorySync; not exported by the package). */
export let directoryClientOf;

export class ScalekitClient {
  #client;
  #directoryClient;

  static {
    directoryClientOf = (sdk) => sdk.#directoryClient();
  }

  constructor(environmentUrl, clientId, clientSecret) {
    this.environmentUrl = environmentUrl;
    // Kept private so logging the client never prints the secret; the API client is made on
    // first use (in the browser that is after `await init()`).
    const credentials = { environmentUrl, clientId, clientSecret };
    const client = () => (this.#client ??= new DirectoryClient(credentials));
    this.#directoryClient = client;
    this.organization = {
      listOrganization: async (options) => withSdkAliases(await client().listOrganizations(options)),
    };
    this.directory = {
      listDirectories: (organizationId) => client().listDirectories(organizationId),
      getDirectory: async (organizationId, directoryId) => ({ directory: await client().getDirectory(organizationId, directoryId) }),
      // The guide reads `.directory`; the reference SDK returns the directory itself: both work.
      getPrimaryDirectoryByOrganizationId: async (organizationId) => {
        const directory = await client().getPrimaryDirectory(organizationId);
        return Object.defineProperty({ ...directory }, "directory", { value: directory, enumerable: false });
      },
      listDirectoryUsers: async (organizationId, directoryId, options) =>
        withSdkAliases(await client().listDirectoryUsers(organizationId, directoryId, options)),
      listDirectoryGroups: async (organizationId, directoryId, options) =>
        withSdkAliases(await client().listDirectoryGroups(organizationId, directoryId, options)),
    };
  }

  /** Returns `true` for a valid delivery, else throws `WebhookVerificationError`. */
  verifyWebhookPayload(secret, headers, payload) {
    verifySignature(secret, headers, payload);
    return true;
  }
}
