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
export {
  SandboxFirewall,
  SandboxFirewallError,
  localFirewallRunner,
  type FirewallRunner,
  type SandboxFirewallOptions,
} from "./sandbox-firewall.ts";
export { engineFirewallRunner, FIREWALL_HELPER_LABEL } from "./firewall-helper.ts";
export { dockerClientFrom, describeDockerEndpoint } from "./docker-client.ts";
export { knownHostsVerifier } from "./known-hosts.ts";
export { probeDiskLimit } from "./disk-limit.ts";
