// Every GraphQL document of the console is valid against the served schema (schema.graphql,
// which a Python test keeps equal to the server's). Run by `npm run check` and by CI
// (tests/unit/test_console_check.py); an optional argument names another folder of documents.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSchema, parse, validate } from "graphql";

const here = dirname(fileURLToPath(import.meta.url));
const schema = buildSchema(readFileSync(join(here, "..", "..", "schema.graphql"), "utf8"));
const folder = process.argv[2] ?? join(here, "..", "src", "documents");
let failures = 0;
const files = readdirSync(folder).filter((name) => name.endsWith(".graphql"));
for (const name of files) {
  const errors = validate(schema, parse(readFileSync(join(folder, name), "utf8")));
  for (const error of errors) {
    failures += 1;
    console.error(`${name}: ${error.message}`);
  }
}
if (failures || !files.length) process.exit(1);
console.log(`${files.length} documents valid against schema.graphql`);
