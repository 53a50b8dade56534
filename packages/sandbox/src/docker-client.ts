import { Agent } from "node:https";
import Docker from "dockerode";
import type { DockerEndpoint } from "@oz/config";
import { knownHostsVerifier } from "./known-hosts.ts";

/**
 * The one place a Docker client is made from configuration (DOCKER_HOST and its companions, packages/config's
 * docker-endpoint.ts): a unix socket, TCP with or without TLS, or ssh (docker-modem runs `docker system dial-stdio`
 * on the engine's host; the host's key is checked against known_hosts).
 */
export function dockerClientFrom(endpoint: DockerEndpoint): Docker {
  switch (endpoint.protocol) {
    case "unix":
      return new Docker({ socketPath: endpoint.socketPath });
    case "tcp": {
      const { host, port, tls } = endpoint;
      if (!tls) return new Docker({ protocol: "http", host, port });
      return new Docker({
        protocol: "https",
        host,
        port,
        ...(tls.ca && { ca: tls.ca }),
        ...(tls.cert && { cert: tls.cert }),
        ...(tls.key && { key: tls.key }),
        // DOCKER_TLS without DOCKER_TLS_VERIFY: encrypted, but the engine's certificate is not checked (docker CLI).
        ...(!tls.verify && { agent: new Agent({ rejectUnauthorized: false }) }),
      });
    }
    case "ssh":
      return new Docker({
        protocol: "ssh",
        host: endpoint.host,
        port: endpoint.port,
        username: endpoint.username,
        sshOptions: {
          hostVerifier: knownHostsVerifier(endpoint.knownHosts, endpoint.host, endpoint.port),
          ...(endpoint.agent && { agent: endpoint.agent }),
          ...(endpoint.privateKey && { privateKey: endpoint.privateKey }),
        },
      });
  }
}

/** A human name for the engine in logs and messages (never a credential). */
export function describeDockerEndpoint(endpoint: DockerEndpoint): string {
  switch (endpoint.protocol) {
    case "unix":
      return `unix://${endpoint.socketPath}`;
    case "tcp":
      return `tcp://${endpoint.host}:${endpoint.port}${endpoint.tls ? " (TLS)" : ""}`;
    case "ssh":
      return `ssh://${endpoint.username}@${endpoint.host}:${endpoint.port}`;
  }
}
