import type Docker from "dockerode";
import { dockerStatusOf, toSandboxError } from "./docker-errors.ts";

/** The sandbox network's name is also its Linux bridge's name, so the firewall can match the interface. */
export const DEFAULT_SANDBOX_NETWORK = "oz-sandboxes";

/** Marks networks the worker made for sandboxes. */
export const SANDBOX_NETWORK_LABEL = "oz.sandbox-network";

/** Linux interface names have at most 15 characters. */
export function isValidBridgeName(name: string): boolean {
  return /^[a-z0-9][a-z0-9_-]{0,14}$/.test(name);
}

/**
 * Makes the bridge network every networked sandbox of this host joins, if it is missing: a bridge named like the
 * network, inter-container traffic off (`enable_icc=false`: one sandbox never reaches another), no IPv6. Several
 * workers may race to create it; whoever loses finds it made. The firewall (sandbox-firewall.ts) does the rest.
 */
export async function ensureSandboxNetwork(docker: Docker, name: string): Promise<void> {
  const existing = await inspectNetwork(docker, name);
  if (existing) {
    if (existing.Options?.["com.docker.network.bridge.enable_icc"] !== "false") {
      throw new Error(
        `Docker network ${name} exists but lets containers reach each other (enable_icc is not false); remove it (docker network rm ${name}) and the worker recreates it`,
      );
    }
    return;
  }
  try {
    await docker.createNetwork({
      Name: name,
      Driver: "bridge",
      CheckDuplicate: true,
      EnableIPv6: false,
      Internal: false,
      Labels: { [SANDBOX_NETWORK_LABEL]: "1" },
      Options: {
        "com.docker.network.bridge.name": name,
        "com.docker.network.bridge.enable_icc": "false",
        "com.docker.network.bridge.enable_ip_masquerade": "true",
      },
    });
  } catch (err) {
    if (dockerStatusOf(err) === 409) return;
    throw toSandboxError(err, "daemon_unavailable", `Docker could not create the sandbox network ${name}`);
  }
}

async function inspectNetwork(docker: Docker, name: string): Promise<{ Options?: Record<string, string> } | null> {
  try {
    return (await docker.getNetwork(name).inspect()) as { Options?: Record<string, string> };
  } catch (err) {
    if (dockerStatusOf(err) === 404) return null;
    throw toSandboxError(err, "daemon_unavailable", `Docker could not inspect the sandbox network ${name}`);
  }
}
