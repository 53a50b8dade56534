import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:net";
import { networkInterfaces } from "node:os";
import { promisify } from "node:util";
import Docker from "dockerode";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  installTestFirewall,
  runIn,
  TEST_IMAGE,
  TEST_SANDBOX_NETWORK,
  useTestSandboxes,
  waitForNetworkHolders,
} from "./test-sandboxes.ts";

const run = promisify(execFile);
const wiredDirectly = useTestSandboxes({}, { network: TEST_SANDBOX_NETWORK });
// The same isolation must hold for sandboxes that join a network namespace made ahead (network-holders.ts).
const joiningHolders = useTestSandboxes({}, { network: TEST_SANDBOX_NETWORK, networkHolders: 2 });
let sandboxes = wiredDirectly;

/** A TCP listener on the host that counts who connected. */
async function hostListener(host: string): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket) => {
    count++;
    socket.end("hello from the host\n");
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as { port: number }).port, connections: () => count };
}

/** Exit code of a TCP connection attempt from inside a sandbox (0: it connected and read something). */
async function connectFrom(sandbox: Awaited<ReturnType<typeof wiredDirectly.create>>, host: string, port: number) {
  const result = await runIn(sandbox, `nc -w 3 ${host} ${port} </dev/null`);
  return { connected: result.exitCode === 0 && result.stdout.length > 0, output: result.stdout + result.stderr };
}

let gateway: string;
let hostAddress: string;

beforeAll(async () => {
  await installTestFirewall();
  await sandboxes.provider.ensureNetwork();
  const info = await new Docker().getNetwork(TEST_SANDBOX_NETWORK).inspect();
  gateway = (info as { IPAM: { Config: { Gateway: string }[] } }).IPAM.Config[0]!.Gateway;
  // The host's own address on its outside network (not a Docker bridge).
  hostAddress = Object.entries(networkInterfaces())
    .filter(([name]) => !/^(docker|oz-|veth|br-|lo)/.test(name))
    .flatMap(([, addresses]) => addresses ?? [])
    .find((a) => a.family === "IPv4" && !a.internal)!.address;
});

describe.each([
  { wiring: "wired into the network as it starts", provider: wiredDirectly },
  { wiring: "joining a network holder", provider: joiningHolders },
])("the sandbox network, $wiring", ({ provider }) => {
  beforeAll(() => {
    sandboxes = provider;
    provider.provider.prepareNetworkFor(TEST_IMAGE);
  });
  // Each test's sandboxes find their holders ready (the pool refills while no sandbox is starting).
  beforeEach(async () => {
    if (provider === joiningHolders) await waitForNetworkHolders(provider.workerId, 2);
  });

  it("keeps one sandbox from connecting to a service another sandbox listens on", async () => {
    const [listening, other] = await Promise.all([sandboxes.create(), sandboxes.create()]);
    if (sandboxes === joiningHolders) {
      expect(await joinedHolderOf(listening.id)).toBeDefined();
      expect(await joinedHolderOf(other.id)).toBeDefined();
    }
    await runIn(listening, "mkdir -p /tmp/www && echo secret-page > /tmp/www/index.html && httpd -p 8080 -h /tmp/www");
    const address = (await runIn(listening, "hostname -i")).stdout.trim();
    // The service is up: the listening sandbox reads it at its own address.
    const get = `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${address} 8080`;
    expect((await runIn(listening, get)).stdout).toContain("secret-page");

    const attempt = await runIn(other, get);
    expect(attempt.exitCode).not.toBe(0);
    expect(attempt.stdout).not.toContain("secret-page");
  });

  it("keeps sandboxes from the host: neither the gateway nor the host's other addresses answer", async () => {
    const listener = await hostListener("0.0.0.0");
    try {
      const sandbox = await sandboxes.create();
      expect(await connectFrom(sandbox, gateway, listener.port)).toMatchObject({ connected: false });
      expect(await connectFrom(sandbox, hostAddress, listener.port)).toMatchObject({ connected: false });
      expect(listener.connections()).toBe(0);
      // The allow-listed address of the same listener answers: the rules, not a broken network, said no.
      expect(await connectFrom(sandbox, "172.17.0.1", listener.port)).toMatchObject({ connected: true });
      expect(listener.connections()).toBe(1);
    } finally {
      listener.server.close();
    }
  });

  it("gives a sandbox no IPv6 address", async () => {
    const sandbox = await sandboxes.create();
    const result = await runIn(sandbox, "cat /proc/sys/net/ipv6/conf/all/disable_ipv6; ip -6 addr");
    expect(result.stdout.trim()).toBe("1");
  });

  it("gives a sandbox of a `network: none` environment no route at all", async () => {
    const sandbox = await sandboxes.create({ network: "none" });
    const listener = await hostListener("0.0.0.0");
    try {
      const routes = await runIn(sandbox, "ip route; ip -4 addr | grep inet");
      expect(routes.stdout).not.toContain("default");
      expect(routes.stdout.trim()).toBe("inet 127.0.0.1/8 scope host lo");
      expect(await connectFrom(sandbox, "172.17.0.1", listener.port)).toMatchObject({ connected: false });
      expect(listener.connections()).toBe(0);
    } finally {
      listener.server.close();
    }
  });
});

async function joinedHolderOf(sandboxId: string): Promise<string | undefined> {
  const info = await new Docker().getContainer(sandboxId).inspect();
  return /^container:/.test(info.HostConfig.NetworkMode ?? "") ? info.HostConfig.NetworkMode : undefined;
}

describe("public egress", () => {
  // A stand-in for the internet: a network namespace behind a veth pair, addressed in TEST-NET-2 (198.51.100.0/24,
  // outside every private range), reachable only on this machine.
  const namespace = `oz-egress-${process.pid}`;
  const hostEnd = `ozeg${process.pid % 100000}a`;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    await run("ip", ["netns", "add", namespace]);
    await run("ip", ["link", "add", hostEnd, "type", "veth", "peer", "name", "ozpeer", "netns", namespace]);
    await run("ip", ["addr", "add", "198.51.100.1/30", "dev", hostEnd]);
    await run("ip", ["link", "set", hostEnd, "up"]);
    const inside = (...args: string[]) => run("ip", ["netns", "exec", namespace, "ip", ...args]);
    await inside("addr", "add", "198.51.100.2/30", "dev", "ozpeer");
    await inside("link", "set", "ozpeer", "up");
    await inside("link", "set", "lo", "up");
    await inside("route", "add", "default", "via", "198.51.100.1");
    server = spawn("ip", [
      "netns",
      "exec",
      namespace,
      process.execPath,
      "-e",
      "require('net').createServer((s) => s.end('public hello\\n')).listen(8443, '198.51.100.2', () => console.log('up'))",
    ]);
    await new Promise<void>((resolve) => server!.stdout!.once("data", () => resolve()));
  });

  afterAll(async () => {
    server?.kill();
    await run("ip", ["link", "del", hostEnd]).catch(() => undefined);
    await run("ip", ["netns", "del", namespace]).catch(() => undefined);
  });

  it("lets a sandbox with network reach an address outside the private ranges", async () => {
    const sandbox = await sandboxes.create();
    expect(await connectFrom(sandbox, "198.51.100.2", 8443)).toMatchObject({ connected: true });
  });
});
