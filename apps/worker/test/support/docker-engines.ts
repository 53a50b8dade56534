import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type Docker from "dockerode";
import { loadWorkerConfig } from "@oz/config";
import { dockerClientFrom } from "@oz/sandbox";
import { freePort } from "@oz/testing";

const run = promisify(execFile);
const sh = (script: string) => run("sh", ["-c", script], { maxBuffer: 64 * 1024 * 1024 });

/**
 * An extra Docker engine on this machine, as a stand-in for another Docker host: its own data root, exec root,
 * pid file, socket (or TLS port), containerd (it starts its own) and a bridge of its own made beforehand (`--bridge`
 * with a pre-created Linux bridge; never `--bridge=none`, which deletes the host's docker0). `--iptables=false`
 * keeps it away from the host engine's rules. Never touches the host engine's configuration.
 */
export interface ExtraEngine {
  /** The worker environment naming this engine (DOCKER_HOST, and the TLS variables for a TLS engine). */
  env: Record<string, string>;
  /** A client made as a worker makes it (loadWorkerConfig → dockerClientFrom). */
  docker: Docker;
  bridge: string;
  /** Stops the engine (SIGTERM: it stops its containers and exits), as when its host goes down. */
  stop(): Promise<void>;
  /** Starts it again on the same data root, bridge and address (the host is back). */
  restart(): Promise<void>;
  /** Stops it if running and removes its bridge and directories. */
  remove(): Promise<void>;
}

export async function startExtraEngine(
  index: number,
  options: { tls?: boolean; images: readonly string[] },
): Promise<ExtraEngine> {
  const dir = await mkdtemp(join(tmpdir(), "oz-engine-"));
  const bridge = `ozeng${index}-${randomBytes(2).toString("hex")}`;
  const subnet = `10.${240 + index}.${randomBytes(1)[0]! % 250}`;
  await sh(`ip link add ${bridge} type bridge && ip addr add ${subnet}.1/24 dev ${bridge} && ip link set ${bridge} up`);
  let env: Record<string, string>;
  const listen: string[] = [];
  if (options.tls) {
    const port = await freePort();
    await makeTlsCertificates(dir);
    listen.push(
      `--host=tcp://127.0.0.1:${port}`,
      "--tlsverify",
      `--tlscacert=${dir}/ca.pem`,
      `--tlscert=${dir}/server-cert.pem`,
      `--tlskey=${dir}/server-key.pem`,
    );
    env = { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: `${dir}/client` };
  } else {
    listen.push(`--host=unix://${dir}/docker.sock`);
    env = { DOCKER_HOST: `unix://${dir}/docker.sock` };
  }
  const args = [
    `--data-root=${dir}/data`,
    `--exec-root=${dir}/exec`,
    `--pidfile=${dir}/docker.pid`,
    `--bridge=${bridge}`,
    "--iptables=false",
    "--ip-masq=false",
    "--ip6tables=false",
    ...listen,
  ];
  const docker = dockerClientFrom(loadWorkerConfig(env).dockerEndpoint);
  let daemon: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const stop = async () => {
    if (daemon && daemon.exitCode === null && daemon.signalCode === null) daemon.kill("SIGTERM");
    await exited;
  };
  const launch = async () => {
    const child = spawn("dockerd", args, { stdio: ["ignore", "ignore", "pipe"] });
    daemon = child;
    let log = "";
    child.stderr!.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
    exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    await waitForEngine(
      docker,
      () => child.exitCode !== null,
      () => log,
    );
  };
  const remove = async () => {
    await stop();
    // dockerd unmounts its layers on a clean exit; anything left mounted under the directory goes with it.
    await sh(`grep -o " ${dir}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`).catch(() => {});
    await sh(`ip link del ${bridge}`).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await launch();
    for (const image of options.images) {
      await sh(
        `docker save ${image} | ${Object.entries(env)
          .map(([k, v]) => `${k}=${v}`)
          .join(" ")} docker load`,
      );
    }
  } catch (err) {
    await remove();
    throw err;
  }
  return { env, docker, bridge, stop, restart: launch, remove };
}

async function waitForEngine(docker: Docker, exited: () => boolean, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited()) throw new Error(`dockerd exited at start:\n${log().slice(-3000)}`);
    if (
      await docker.ping().then(
        () => true,
        () => false,
      )
    )
      return;
    if (Date.now() > deadline) throw new Error(`dockerd did not answer within 60 s:\n${log().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate (DOCKER_CERT_PATH layout under client/). */
async function makeTlsCertificates(dir: string): Promise<void> {
  await writeFile(join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  await writeFile(join(dir, "client.ext"), "extendedKeyUsage=clientAuth\n");
  const key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  await sh(`set -e; cd ${dir}; mkdir client
    openssl req -x509 ${key} -keyout ca-key.pem -out ca.pem -days 1 -subj /CN=oz-test-ca 2>/dev/null
    openssl req ${key} -keyout server-key.pem -out server.csr -subj /CN=127.0.0.1 2>/dev/null
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 1 -extfile server.ext -out server-cert.pem 2>/dev/null
    openssl req ${key} -keyout client/key.pem -out client.csr -subj /CN=oz-worker 2>/dev/null
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 1 -extfile client.ext -out client/cert.pem 2>/dev/null
    cp ca.pem client/ca.pem`);
}

/**
 * An image with `sh` and this machine's iptables (the binary, its libraries and xtables modules, copied from the
 * host onto busybox), for the firewall helper on an engine that cannot pull: the platform's own image plays this
 * part in production.
 */
export async function buildIptablesHelperImage(docker: Docker, tag: string, base: string): Promise<void> {
  const context = await mkdtemp(join(tmpdir(), "oz-iptables-image-"));
  try {
    await sh(`set -e; cd ${context}
      bin=$(readlink -f "$(command -v iptables)")
      mkdir -p root/usr/sbin root/usr/lib
      for f in "$bin" $(ldd "$bin" | grep -o '/[^ ]*'); do mkdir -p "root$(dirname "$f")"; cp -L "$f" "root$f"; done
      modules=$(dirname "$(find /usr/lib /lib -name libxt_standard.so | head -n1)")
      mkdir -p "root$(dirname "$modules")" && cp -r "$modules" "root$modules"
      for name in iptables iptables-restore ip6tables; do ln -s "$bin" "root/usr/sbin/$name"; done
      printf 'FROM ${base}\\nCOPY root/ /\\n' > Dockerfile
      tar -cf context.tar Dockerfile root`);
    const stream = await docker.buildImage(join(context, "context.tar"), { t: tag });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err, output) => {
        const failed = (output as { error?: string }[] | undefined)?.find((line) => line.error);
        if (err || failed) reject(err ?? new Error(failed!.error));
        else resolve();
      }),
    );
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}
