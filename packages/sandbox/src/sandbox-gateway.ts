import type Docker from "dockerode";
import { toSandboxError } from "./docker-errors.ts";

/**
 * The IPv4 gateway of a Docker network: the host's own address as that network's containers see it (the Linux
 * bridge's address). A sandbox reaches a service on the host there when the service listens on it or on 0.0.0.0.
 */
export async function networkGateway(docker: Docker, name: string): Promise<string | undefined> {
  let info: { IPAM?: { Config?: { Gateway?: string }[] } };
  try {
    info = (await docker.getNetwork(name).inspect()) as typeof info;
  } catch (err) {
    throw toSandboxError(err, "daemon_unavailable", `Docker could not inspect the network ${name}`);
  }
  return info.IPAM?.Config?.map((config) => config.Gateway).find((gateway) => gateway && !gateway.includes(":"));
}
