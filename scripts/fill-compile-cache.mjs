// Fills Node's compile cache (NODE_COMPILE_CACHE) for a program: `node <the program's own flags; Node keeps a
// cache per set of V8 flags> fill-compile-cache.mjs ENTRY`. Loads the entry and every module it imports, as
// starting it would, and runs none of them: the module below also imports a name that node:module does not
// export, and ES modules are checked for that once the whole graph is loaded, before any of it runs. Node
// writes the cache at exit. scripts/start-program.sh runs this before each start (see there for why).
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const entry = process.argv[2];
if (!entry) {
  console.error("usage: node fill-compile-cache.mjs ENTRY");
  process.exit(2);
}
const MISSING = "__loadWithoutRunning";
const loadOnly = `import ${JSON.stringify(pathToFileURL(resolve(entry)).href)}; import { ${MISSING} } from "node:module";`;
try {
  await import(`data:text/javascript,${encodeURIComponent(loadOnly)}`);
  throw new Error("fill-compile-cache: the program was loaded but not stopped");
} catch (err) {
  // Anything else (a module that is missing or does not parse) is the program's own error: report it.
  if (!(err instanceof SyntaxError && err.message.includes(MISSING))) throw err;
}
