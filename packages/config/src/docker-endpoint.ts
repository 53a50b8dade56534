import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

/** Client certificates of a TLS engine (`DOCKER_CERT_PATH`: ca.pem, cert.pem, key.pem, as the docker CLI reads them). */
export interface DockerTls {
  /** Check the engine's certificate against `ca` (DOCKER_TLS_VERIFY); false only with DOCKER_TLS alone. */
  verify: boolean;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** The Docker engine a worker drives, from DOCKER_HOST and its companions (the docker CLI's semantics). */
export type DockerEndpoint =
  | { protocol: "unix"; socketPath: string }
  | { protocol: "tcp"; host: string; port: number; tls: DockerTls | null }
  | {
      protocol: "ssh";
      host: string;
      port: number;
      username: string;
      /** The known_hosts text the engine host's key must appear in (no trust on first use). */
      knownHosts: string;
      /** An ssh-agent socket (SSH_AUTH_SOCK) and/or a private key file's contents (OZ_DOCKER_SSH_KEY_FILE). */
      agent?: string;
      privateKey?: Buffer;
    };

export const DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";

const DockerEnv = z.object({
  DOCKER_HOST: z.string().optional(),
  DOCKER_TLS_VERIFY: z.string().optional(),
  DOCKER_TLS: z.string().optional(),
  DOCKER_CERT_PATH: z.string().optional(),
  SSH_AUTH_SOCK: z.string().optional(),
  OZ_DOCKER_SSH_KEY_FILE: z.string().optional(),
  OZ_DOCKER_SSH_KNOWN_HOSTS: z.string().optional(),
});

/** A problem with one variable, reported by the caller as `  NAME: message`. */
export class DockerEndpointError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

const set = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

/**
 * Reads DOCKER_HOST as the docker CLI does: unset = the local socket; `unix:///path`; `tcp://host[:port]` (TLS when
 * DOCKER_TLS_VERIFY or DOCKER_TLS is set, with ca.pem / cert.pem / key.pem from DOCKER_CERT_PATH, default ~/.docker;
 * port 2376 with TLS, 2375 without); `ssh://[user@]host[:port]`, where the host's key must be in known_hosts.
 */
export function dockerEndpointFrom(env: Record<string, string | undefined>): DockerEndpoint {
  const vars = DockerEnv.parse(env);
  const hostValue = set(vars.DOCKER_HOST);
  if (!hostValue) return { protocol: "unix", socketPath: DEFAULT_DOCKER_SOCKET };
  let url: URL;
  try {
    url = new URL(hostValue);
  } catch {
    throw new DockerEndpointError(
      "DOCKER_HOST",
      `must be unix:///path/to/docker.sock, tcp://host:port or ssh://user@host; got ${JSON.stringify(hostValue)}`,
    );
  }
  switch (url.protocol) {
    case "unix:": {
      const socketPath = decodeURIComponent(url.pathname);
      if (url.host || !socketPath.startsWith("/") || socketPath === "/") {
        throw new DockerEndpointError(
          "DOCKER_HOST",
          "a unix socket must be an absolute path: unix:///var/run/docker.sock",
        );
      }
      return { protocol: "unix", socketPath };
    }
    case "tcp:":
    case "http:":
    case "https:": {
      if (!url.hostname) throw new DockerEndpointError("DOCKER_HOST", "names no host (tcp://host:port)");
      if (url.pathname !== "/" && url.pathname !== "") {
        throw new DockerEndpointError("DOCKER_HOST", "must not have a path (tcp://host:port)");
      }
      const tls = tlsFrom(vars, url.protocol === "https:");
      const port = url.port ? Number(url.port) : tls ? 2376 : 2375;
      return { protocol: "tcp", host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port, tls };
    }
    case "ssh:": {
      if (!url.hostname) throw new DockerEndpointError("DOCKER_HOST", "names no host (ssh://user@host)");
      const knownHostsFile = set(vars.OZ_DOCKER_SSH_KNOWN_HOSTS) ?? join(homedir(), ".ssh", "known_hosts");
      const knownHosts = readConfigFile("OZ_DOCKER_SSH_KNOWN_HOSTS", knownHostsFile, "the engine host's key");
      const keyFile = set(vars.OZ_DOCKER_SSH_KEY_FILE);
      const agent = set(vars.SSH_AUTH_SOCK);
      if (!keyFile && !agent) {
        throw new DockerEndpointError(
          "OZ_DOCKER_SSH_KEY_FILE",
          "DOCKER_HOST is ssh://, so set OZ_DOCKER_SSH_KEY_FILE (a private key) or SSH_AUTH_SOCK (an ssh-agent)",
        );
      }
      return {
        protocol: "ssh",
        host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
        port: url.port ? Number(url.port) : 22,
        username: decodeURIComponent(url.username) || "root",
        knownHosts: knownHosts.toString("utf8"),
        ...(agent && { agent }),
        ...(keyFile && { privateKey: readConfigFile("OZ_DOCKER_SSH_KEY_FILE", keyFile, "the private key") }),
      };
    }
    default:
      throw new DockerEndpointError(
        "DOCKER_HOST",
        `${url.protocol.replace(/:$/, "")}:// is not supported; use unix://, tcp:// or ssh://`,
      );
  }
}

function tlsFrom(vars: z.infer<typeof DockerEnv>, https: boolean): DockerTls | null {
  const verify = set(vars.DOCKER_TLS_VERIFY) !== undefined;
  if (!verify && !set(vars.DOCKER_TLS) && !https) return null;
  const certPath = set(vars.DOCKER_CERT_PATH) ?? join(homedir(), ".docker");
  const file = (name: string) => join(certPath, name);
  const present = ["ca.pem", "cert.pem", "key.pem"].filter((name) => existsSync(file(name)));
  if (verify && !present.includes("ca.pem")) {
    throw new DockerEndpointError(
      "DOCKER_CERT_PATH",
      `DOCKER_TLS_VERIFY is set but ${file("ca.pem")} is missing (the CA that signed the engine's certificate)`,
    );
  }
  if (present.includes("cert.pem") !== present.includes("key.pem")) {
    throw new DockerEndpointError("DOCKER_CERT_PATH", `needs both cert.pem and key.pem in ${certPath}, or neither`);
  }
  const read = (name: string) =>
    present.includes(name) ? { [name.replace(".pem", "")]: readFileSync(file(name)) } : {};
  return { verify, ...read("ca.pem"), ...read("cert.pem"), ...read("key.pem") };
}

function readConfigFile(variable: string, path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new DockerEndpointError(variable, `cannot read ${what} at ${path}: ${(err as Error).message}`);
  }
}
