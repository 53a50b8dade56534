// Bundles the CLI into one file, dist/oz.mjs, that runs on Node ≥ 22 with nothing else installed: commander,
// the contract's zod schemas and every other dependency are inside. Modules reached only through `import()`
// (zod, yaml) stay lazy in the bundle, so `oz --version` and `oz whoami` never evaluate them.
import { build } from "esbuild";
import { chmod, rename, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const outfile = fileURLToPath(new URL("./dist/oz.mjs", import.meta.url));
const result = await build({
  entryPoints: [fileURLToPath(new URL("./src/main.ts", import.meta.url))],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  minify: true,
  legalComments: "none",
  // CommonJS dependencies (commander, picocolors) call require(); give the ES module bundle one.
  banner: {
    js: "import { createRequire as __ozRequire } from 'node:module'; const require = __ozRequire(import.meta.url);",
  },
  logLevel: "warning",
  write: false,
});
// Replaced in one rename: an `oz` starting meanwhile (a test, a packing step) never reads half a file.
const partial = `${outfile}.${process.pid}.tmp`;
await writeFile(partial, result.outputFiles[0].contents);
await chmod(partial, 0o755);
await rename(partial, outfile);
