/**
 * Loads lazy-modules.ts. From source this is a plain dynamic import; the bundle (build.mjs) replaces this
 * module with one that carries them compressed, since parsing ~600 KB of zod and YAML code on every start
 * would cost each `oz` invocation about 25 ms of CPU (bench/README.md, "cli-startup").
 */
export const loadLazyModules = (): Promise<typeof import("./lazy-modules.ts")> => import("./lazy-modules.ts");
