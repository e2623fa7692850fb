// The graphql-http package's server audits (GraphQL over HTTP spec) against a running OneWindow.
// usage: node audit.mjs URL TOKEN — prints one JSON line per audit; exit 1 unless every one is "ok".
import { serverAudits } from "graphql-http";

const [url, token] = process.argv.slice(2);
if (!url || !token) {
  console.error("usage: node audit.mjs http://127.0.0.1:8000/graphql TOKEN");
  process.exit(2);
}

// Every audit request carries the bearer token, as a real client's would.
const fetchWithToken = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

let failed = 0;
for (const audit of serverAudits({ url, fetchFn: fetchWithToken })) {
  const result = await audit.fn();
  const line = { id: audit.id, name: audit.name, status: result.status };
  if (result.status !== "ok") {
    failed += 1;
    line.reason = result.reason;
    if (result.response) line.response = { status: result.response.status, contentType: result.response.headers.get("content-type") };
  }
  console.log(JSON.stringify(line));
}
process.exit(failed ? 1 : 0);
