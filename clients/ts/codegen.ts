// GraphQL Code Generator: the documents in src/ typed from OneWindow's committed schema.graphql.
// `npm run check` regenerates src/gql/ and type-checks, so a schema change that breaks a front
// end fails (tests/e2e/test_typescript_client.py runs it). persisted-documents.json is what
// `onewindow persist` registers for ONEWINDOW_PERSISTED_ONLY=true.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: process.env.ONEWINDOW_SCHEMA ?? "../../schema.graphql", // the tests point it at a changed schema
  documents: ["src/**/*.ts", "!src/gql/**/*"],
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: "sha256" } },
      config: { scalars: { Decimal: "string", DateTime: "string", Date: "string" }, enumsAsTypes: true, useTypeImports: true },
    },
  },
  ignoreNoDocuments: false,
};
export default config;
