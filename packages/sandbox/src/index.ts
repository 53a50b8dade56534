export * from "./port.ts";
export { DockerSandboxProvider, SANDBOX_MARKER_LABEL, type DockerSandboxProviderOptions } from "./docker-provider.ts";
export { SANDBOX_UID, SANDBOX_GID } from "./workdir.ts";
export { shellQuote } from "./shell-quote.ts";
