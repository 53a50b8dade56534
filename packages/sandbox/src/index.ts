export * from "./port.ts";
export { DockerSandboxProvider, SANDBOX_MARKER_LABEL, type DockerSandboxProviderOptions } from "./docker-provider.ts";
export { SANDBOX_UID, SANDBOX_GID } from "./workdir.ts";
export { shellQuote } from "./shell-quote.ts";
export {
  DEFAULT_SANDBOX_NETWORK,
  ensureSandboxNetwork,
  isValidBridgeName,
  SANDBOX_NETWORK_LABEL,
} from "./sandbox-network.ts";
export { SandboxFirewall, SandboxFirewallError, type SandboxFirewallOptions } from "./sandbox-firewall.ts";
export { probeDiskLimit } from "./disk-limit.ts";
