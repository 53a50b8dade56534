// `pnpm openapi`: regenerates openapi.yaml from the routes (apps/api/test/openapi.test.ts fails when it is stale).
import { writeFile } from "node:fs/promises";
import { OPENAPI_FILE, renderOpenApiYaml } from "./openapi-document.ts";

await writeFile(OPENAPI_FILE, await renderOpenApiYaml());
console.log(`wrote ${OPENAPI_FILE}`);
