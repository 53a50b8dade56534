import pkg from "../package.json" with { type: "json" };

/** The package's version (bundled into the built file, so `oz --version` reads no file). */
export const CLI_VERSION: string = pkg.version;
