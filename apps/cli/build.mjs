// Bundles the CLI into one file, dist/oz.mjs, that runs on Node ≥ 22 with nothing else installed: commander,
// the contract's zod schemas and every other dependency are inside.
//
// Start-up is parse-bound (bench/README.md, "cli-startup"): what only `agent run-cloud` needs (zod, the
// contract's schemas, yaml: src/runs/lazy-modules.ts) is bundled separately, brotli-compressed into a string
// of the main bundle, and imported from a data: URL when first used; every other command parses a quarter of
// the code.
import { build } from "esbuild";
import { chmod, mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants } from "node:zlib";

const source = (path) => fileURLToPath(new URL(path, import.meta.url));
const outfile = source("./dist/oz.mjs");
const common = { bundle: true, platform: "node", format: "esm", target: "node22", minify: true, legalComments: "none" };

// Platform-neutral: yaml's Node build is CommonJS (require() is not available in a data: URL module).
const lazy = await build({
  ...common,
  platform: "neutral",
  mainFields: ["module", "main"],
  entryPoints: [source("./src/runs/lazy-modules.ts")],
  write: false,
});
// Quality 9, not the default 11: 8% larger, and 0.3 s instead of 4.5 s to build.
const packed = brotliCompressSync(lazy.outputFiles[0].contents, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 9 },
}).toString("base64");

/** Replaces src/runs/load-lazy-modules.ts with a loader of the packed bundle. */
const packedLazyModules = {
  name: "packed-lazy-modules",
  setup(b) {
    b.onResolve({ filter: /\/load-lazy-modules\.ts$/ }, () => ({ path: "load-lazy-modules", namespace: "packed" }));
    b.onLoad({ filter: /.*/, namespace: "packed" }, () => ({
      loader: "js",
      contents: `import { brotliDecompressSync } from "node:zlib";
const packed = ${JSON.stringify(packed)};
let loaded;
export const loadLazyModules = () =>
  (loaded ??= import("data:text/javascript;base64," + brotliDecompressSync(Buffer.from(packed, "base64")).toString("base64")));`,
    }));
  },
};

const result = await build({
  ...common,
  entryPoints: [source("./src/main.ts")],
  // CommonJS dependencies (commander, picocolors) call require(); give the ES module bundle one.
  banner: {
    js: "import { createRequire as __ozRequire } from 'node:module'; const require = __ozRequire(import.meta.url);",
  },
  plugins: [packedLazyModules],
  logLevel: "warning",
  write: false,
});
// Replaced in one rename: an `oz` starting meanwhile (a test, a packing step) never reads half a file.
const partial = `${outfile}.${process.pid}.tmp`;
await mkdir(dirname(outfile), { recursive: true }); // a fresh checkout has no dist/
await writeFile(partial, result.outputFiles[0].contents);
await chmod(partial, 0o755);
await rename(partial, outfile);
