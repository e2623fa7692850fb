// A bank's integration with OneWindow, typed end to end from schema.graphql.
//
// It follows the contracts that chose this bank as lender (contractFiled, resumed from the last
// cursor it kept, so nothing is missed or seen twice across restarts and SUBSCRIBER_TOO_SLOW),
// and approves a mortgage for each filed contract with a loan. Run `npm run check` after a
// schema change: the generated types (src/gql/) and this file must still agree.
import { readFile, writeFile } from "node:fs/promises";
import { print } from "graphql";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { graphql } from "./gql";

const HTTP_URL = process.env.ONEWINDOW_URL ?? "http://127.0.0.1:8000/graphql";
const TOKEN = process.env.ONEWINDOW_TOKEN ?? ""; // onewindow token --role BANK --party <credit code> --amr ca
const CURSOR_FILE = process.env.CURSOR_FILE ?? "last-cursor.txt";
// Before every event: a bank starting fresh replays the whole log it may see.
const OPENING_CURSOR = "0000000000000000";

const ContractFiled = graphql(`
  subscription ContractFiled($after: String) {
    contractFiled(after: $after) {
      cursor
      contract { id number price paymentMethod buyers { party { name } share } property { unitCode buildingArea } }
    }
  }
`);

const ApproveMortgage = graphql(`
  mutation ApproveMortgage($input: ApproveMortgageInput!) {
    approveMortgage(input: $input) {
      mortgage { id status principal termMonths }
      userErrors { code field message }
    }
  }
`);

const Viewer = graphql(`
  query Viewer { viewer { role subject } }
`);

interface GraphQLErrorBody { message: string; extensions?: { code?: string; lastCursor?: string } }

/** One typed operation over HTTP: the result type and the variables come from the document.
 *  It sends only the document's hash (a persisted query, as ONEWINDOW_PERSISTED_ONLY requires),
 *  and the text when the server does not know the hash yet. */
async function execute<Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: Variables): Promise<Result> {
  const sha256Hash = (document as { __meta__?: { hash?: string } }).__meta__?.hash;
  const post = async (body: object) => {
    const response = await fetch(HTTP_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/graphql-response+json", Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ variables, ...body }),
    });
    return { status: response.status, body: (await response.json()) as { data?: Result; errors?: GraphQLErrorBody[] } };
  };
  let answer = await post(sha256Hash ? { extensions: { persistedQuery: { version: 1, sha256Hash } } } : { query: print(document) });
  if (answer.body.errors?.[0]?.extensions?.code === "PERSISTED_QUERY_NOT_FOUND") answer = await post({ query: print(document) });
  const { data, errors } = answer.body;
  if (errors?.length || data === undefined) throw new Error(`${errors?.[0]?.extensions?.code ?? answer.status}: ${errors?.[0]?.message}`);
  return data;
}

async function lastCursor(): Promise<string> {
  try {
    return (await readFile(CURSOR_FILE, "utf8")).trim() || OPENING_CURSOR;
  } catch {
    return OPENING_CURSOR;
  }
}

/** Each contract filed with a loan from this bank gets its mortgage approved: 70 % for 20 years. */
async function onFiled(contract: { id: string; number?: string | null; price: string; paymentMethod: string }): Promise<void> {
  if (contract.paymentMethod === "FULL_PAYMENT") return;
  const principal = ((Number(contract.price) * 0.7) | 0).toFixed(2); // whole yuan; Decimal travels as a string
  const { approveMortgage } = await execute(ApproveMortgage, { input: { contractId: contract.id, principal, termMonths: 240 } });
  for (const error of approveMortgage.userErrors) console.error(`contract ${contract.number}: ${error.code} ${error.message}`);
  if (approveMortgage.mortgage) console.log(`contract ${contract.number}: mortgage ${approveMortgage.mortgage.status}`);
}

/** Subscribe from `after`; resolves with the cursor to resume from when the stream ends or fails. */
async function follow(client: Client, after: string): Promise<string> {
  let cursor = after;
  const events = client.iterate({ query: print(ContractFiled), variables: { after } });
  try {
    for await (const result of events) {
      const errors = result.errors as GraphQLErrorBody[] | undefined;
      if (errors?.length) throw Object.assign(new Error(errors[0]!.message), { errors });
      const event = (result.data as { contractFiled: { cursor: string; contract: Parameters<typeof onFiled>[0] | null } }).contractFiled;
      if (event.contract) await onFiled(event.contract);
      cursor = event.cursor;
      await writeFile(CURSOR_FILE, cursor); // kept only once the event is handled
    }
  } catch (error) {
    const errors = (error as { errors?: GraphQLErrorBody[] }).errors ?? (Array.isArray(error) ? (error as GraphQLErrorBody[]) : []);
    // SUBSCRIBER_TOO_SLOW says where to resume; anything else resumes from the last handled event.
    const told = errors.find((e) => e.extensions?.code === "SUBSCRIBER_TOO_SLOW")?.extensions?.lastCursor;
    if (told) cursor = told;
    console.error(`subscription ended (${errors[0]?.extensions?.code ?? String(error)}); resuming after ${cursor}`);
  }
  return cursor;
}

async function main(): Promise<void> {
  const { viewer } = await execute(Viewer, {});
  console.log(`signed in as ${viewer.role} ${viewer.subject}`);
  // No automatic retry inside graphql-ws: it would resubscribe with the first cursor and
  // replay what was already handled. Each round subscribes afresh from the last cursor.
  const client = createClient({
    url: HTTP_URL.replace(/^http/, "ws"), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true,
    connectionParams: { Authorization: `Bearer ${TOKEN}` },
  });
  let cursor = await lastCursor();
  for (;;) {
    cursor = await follow(client, cursor);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

await main();
