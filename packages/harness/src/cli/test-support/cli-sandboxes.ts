import { execFileSync } from "node:child_process";
import type { DockerSandboxProvider, Sandbox, SandboxSpec } from "@oz/sandbox";
import { testSandboxSpec, useTestSandboxes } from "@oz/sandbox/testing";

/** On the bridge network (the CLI must reach the fake provider on the host), with room for a Node CLI. */
const CLI_SANDBOX = {
  network: "bridge",
  resources: { cpus: 2, memoryMb: 2048, pidsLimit: 512 },
} satisfies Partial<SandboxSpec>;

/** CLI sandboxes for a test file, removed after each test. */
export function useCliSandboxes() {
  const sandboxes = useTestSandboxes(CLI_SANDBOX);
  return { create: (image: string) => sandboxes.create({ image }) };
}

export function createCliSandbox(provider: DockerSandboxProvider, workerId: string, image: string): Promise<Sandbox> {
  return provider.create(testSandboxSpec(workerId, { ...CLI_SANDBOX, image }));
}

/**
 * Where a sandbox reaches the host: the gateway of Docker's default bridge network (172.17.0.1 usually). When
 * the network does not name it, Docker gave it the subnet's first address.
 */
export function dockerBridgeGateway(): string {
  const ipam = JSON.parse(
    execFileSync("docker", ["network", "inspect", "bridge", "--format", "{{json .IPAM.Config}}"], { encoding: "utf8" }),
  ) as { Subnet?: string; Gateway?: string }[];
  const ipv4 = ipam.find((config) => config.Subnet?.includes("."));
  if (ipv4?.Gateway) return ipv4.Gateway;
  const network = ipv4?.Subnet?.split("/")[0]?.split(".").map(Number);
  if (!network || network.length !== 4) throw new Error("Docker's bridge network has no IPv4 subnet");
  return [network[0], network[1], network[2], network[3]! + 1].join(".");
}
