// A bank's subscriber with the reference client, graphql-ws:
//   node subscribe.mjs ws://127.0.0.1:8000/graphql <token> '<subscription>' <count> [variables-json]
// Prints each event's data as a JSON line, then exits 0 after <count> events (1 on error or timeout).
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, token, query, count, variables] = process.argv.slice(2);
const wanted = Number(count);
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${token}` },
});

const timer = setTimeout(() => {
  console.error(`timed out after ${wanted} were wanted`);
  process.exit(1);
}, 20000);

let received = 0;
client.subscribe(
  { query, variables: variables ? JSON.parse(variables) : {} },
  {
    next: (result) => {
      if (result.errors) {
        console.error(JSON.stringify(result.errors));
        process.exit(1);
      }
      console.log(JSON.stringify(result.data));
      received += 1;
      if (received === wanted) {
        clearTimeout(timer);
        client.dispose();
        process.exit(0);
      }
    },
    error: (error) => {
      console.error(error instanceof Error ? error.message : JSON.stringify(error));
      process.exit(1);
    },
    complete: () => {},
  },
);
console.error("subscribed");
