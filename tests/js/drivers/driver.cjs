// CJS driver: loads the installed package with require() (so the `require` export conditions apply).
const scimkit = require("scimkit");

import("./common.mjs").then(({ drive }) => drive(scimkit, "require", require.resolve("scimkit"))).catch((e) => {
  console.log(`Bail out! ${e && e.stack ? e.stack : e}`);
  process.exitCode = 1;
});
