import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorkerConfig } from "./index.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "oz-docker-endpoint-"));
  for (const name of ["ca.pem", "cert.pem", "key.pem", "known_hosts", "id_ed25519"]) {
    await writeFile(join(dir, name), `${name} contents`);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const endpoint = (env: Record<string, string>) => loadWorkerConfig(env).dockerEndpoint;

describe("DOCKER_HOST", () => {
  it("is the local socket when unset or empty, and any unix socket path", () => {
    expect(endpoint({})).toEqual({ protocol: "unix", socketPath: "/var/run/docker.sock" });
    expect(endpoint({ DOCKER_HOST: " " })).toEqual({ protocol: "unix", socketPath: "/var/run/docker.sock" });
    expect(endpoint({ DOCKER_HOST: "unix:///run/engine-2/docker.sock" })).toEqual({
      protocol: "unix",
      socketPath: "/run/engine-2/docker.sock",
    });
  });

  it("speaks plain TCP unless TLS is asked for, on the docker CLI's default ports", () => {
    expect(endpoint({ DOCKER_HOST: "tcp://10.0.0.5" })).toEqual({
      protocol: "tcp",
      host: "10.0.0.5",
      port: 2375,
      tls: null,
    });
    expect(endpoint({ DOCKER_HOST: "tcp://[fd00::5]:2390" })).toMatchObject({ host: "fd00::5", port: 2390 });
  });

  it("reads the client certificates from DOCKER_CERT_PATH and verifies the engine with DOCKER_TLS_VERIFY", () => {
    const verified = endpoint({ DOCKER_HOST: "tcp://engine.internal", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: dir });
    expect(verified).toEqual({
      protocol: "tcp",
      host: "engine.internal",
      port: 2376,
      tls: {
        verify: true,
        ca: Buffer.from("ca.pem contents"),
        cert: Buffer.from("cert.pem contents"),
        key: Buffer.from("key.pem contents"),
      },
    });
    const unverified = endpoint({ DOCKER_HOST: "tcp://engine.internal:2376", DOCKER_TLS: "1", DOCKER_CERT_PATH: dir });
    expect(unverified).toMatchObject({ tls: { verify: false } });
  });

  it("refuses TLS verification without the CA, naming the variable to fix", async () => {
    const empty = await mkdtemp(join(tmpdir(), "oz-no-certs-"));
    try {
      expect(() =>
        endpoint({ DOCKER_HOST: "tcp://engine.internal", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: empty }),
      ).toThrow(/DOCKER_CERT_PATH: DOCKER_TLS_VERIFY is set but .*ca\.pem is missing/);
    } finally {
      await rm(empty, { recursive: true });
    }
  });

  it("reaches an engine over ssh with the host's key from known_hosts and a key file or an agent", () => {
    const env = {
      DOCKER_HOST: "ssh://deploy@build-7.internal:2222",
      OZ_DOCKER_SSH_KNOWN_HOSTS: join(dir, "known_hosts"),
      OZ_DOCKER_SSH_KEY_FILE: join(dir, "id_ed25519"),
    };
    expect(endpoint(env)).toEqual({
      protocol: "ssh",
      host: "build-7.internal",
      port: 2222,
      username: "deploy",
      knownHosts: "known_hosts contents",
      privateKey: Buffer.from("id_ed25519 contents"),
    });
    expect(
      endpoint({
        DOCKER_HOST: "ssh://build-7.internal",
        OZ_DOCKER_SSH_KNOWN_HOSTS: join(dir, "known_hosts"),
        SSH_AUTH_SOCK: "/run/agent.sock",
      }),
    ).toMatchObject({ port: 22, username: "root", agent: "/run/agent.sock" });
    expect(() => endpoint({ DOCKER_HOST: "ssh://h", OZ_DOCKER_SSH_KNOWN_HOSTS: join(dir, "known_hosts") })).toThrow(
      /OZ_DOCKER_SSH_KEY_FILE: DOCKER_HOST is ssh:\/\//,
    );
    expect(() =>
      endpoint({ DOCKER_HOST: "ssh://h", OZ_DOCKER_SSH_KNOWN_HOSTS: join(dir, "missing"), SSH_AUTH_SOCK: "/a" }),
    ).toThrow(/OZ_DOCKER_SSH_KNOWN_HOSTS: cannot read the engine host's key/);
  });

  it("names DOCKER_HOST when it cannot be used", () => {
    expect(() => endpoint({ DOCKER_HOST: "docker.internal:2375" })).toThrow(/DOCKER_HOST: .* is not supported/);
    expect(() => endpoint({ DOCKER_HOST: "not a url" })).toThrow(/DOCKER_HOST: must be unix:\/\/\/path/);
    expect(() => endpoint({ DOCKER_HOST: "unix://relative.sock" })).toThrow(/DOCKER_HOST: a unix socket must be/);
    expect(() => endpoint({ DOCKER_HOST: "npipe:////./pipe/docker_engine" })).toThrow(/npipe:\/\/ is not supported/);
  });

  it("installs the sandbox firewall through the engine when the engine is remote, unless told otherwise", () => {
    expect(loadWorkerConfig({}).OZ_SANDBOX_FIREWALL_VIA).toBe("local");
    expect(loadWorkerConfig({ DOCKER_HOST: "tcp://10.0.0.5" }).OZ_SANDBOX_FIREWALL_VIA).toBe("engine");
    expect(loadWorkerConfig({ DOCKER_HOST: "tcp://10.0.0.5", OZ_SANDBOX_FIREWALL_VIA: "local" })).toMatchObject({
      OZ_SANDBOX_FIREWALL_VIA: "local",
    });
    expect(() => loadWorkerConfig({ OZ_SANDBOX_FIREWALL_VIA: "remote" })).toThrow(/OZ_SANDBOX_FIREWALL_VIA/);
  });
});
