// Runs the server audits of the graphql-http package against a live
// endpoint and fails when any MUST or SHOULD audit does not pass.
import { serverAudits } from "graphql-http";

const url = process.argv[2];
if (!url) {
  console.error("usage: node graphql-http-audit.mjs URL");
  process.exit(2);
}

let failures = 0;
let passed = 0;
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  const level = audit.name.split(" ")[0];
  if (result.status === "ok") {
    passed += 1;
    continue;
  }
  const required = level === "MUST" || level === "SHOULD";
  if (required) {
    failures += 1;
  }
  console.log(
    `${required ? "FAIL" : "note"} ${audit.id} ${audit.name}: ${result.reason}`,
  );
}
console.log(`graphql-http audits: ${passed} passed, ${failures} MUST/SHOULD failed`);
process.exit(failures ? 1 : 0);
