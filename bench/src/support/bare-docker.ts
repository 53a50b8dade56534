import type { Duplex } from "node:stream";
import Docker from "dockerode";
import { onCleanup } from "./cleanup.ts";

/**
 * The baselines: what the bare Docker Engine API costs, through the same client library (dockerode) the
 * sandbox provider uses, with nothing of ours around it. Every container made here carries this label,
 * so a benchmark that dies midway leaves nothing behind.
 */
export const docker = new Docker();
const BENCH_LABEL = "oz.bench";
const OURS = String(process.pid);

let cleanupRegistered = false;
function registerCleanup() {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  onCleanup(async () => {
    cleanupRegistered = false;
    const left = await docker.listContainers({ all: true, filters: { label: [`${BENCH_LABEL}=${OURS}`] } });
    await Promise.all(
      left.map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
  });
}

/** Creates a container running `sh -c <command>` in `image`, with Docker's defaults for everything else. */
export async function createBare(image: string, command: string): Promise<Docker.Container> {
  registerCleanup();
  return docker.createContainer({ Image: image, Cmd: ["sh", "-c", command], Labels: { [BENCH_LABEL]: OURS } });
}

/** Create, start, wait for the exit, remove: one bare container's whole life. Returns its exit code. */
export async function runBare(image: string, command: string): Promise<number> {
  const container = await createBare(image, command);
  await container.start();
  const { StatusCode } = (await container.wait()) as { StatusCode: number };
  await container.remove({ force: true });
  return StatusCode;
}

/** What a container printed on stdout (its log, without Docker's stream framing). */
export async function stdoutOf(container: Docker.Container): Promise<string> {
  const log = (await container.logs({ stdout: true, stderr: false, follow: false })) as unknown as Buffer;
  return demuxFrames(log, 1);
}

/**
 * A bare exec: create, start attached, read the output to its end, inspect for the exit code — what any
 * caller needing a command's output and exit code must do at least.
 */
export async function execBare(
  container: Docker.Container,
  command: string,
): Promise<{ exitCode: number; stdout: string }> {
  const exec = await container.exec({ Cmd: ["sh", "-c", command], AttachStdout: true, AttachStderr: true });
  const stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.once("end", resolve);
    stream.once("close", resolve);
    stream.once("error", reject);
  });
  let info = await exec.inspect();
  while (info.Running) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    info = await exec.inspect();
  }
  return { exitCode: info.ExitCode ?? -1, stdout: demuxFrames(Buffer.concat(chunks), 1) };
}

/** Docker's non-TTY framing: an 8-byte header (stream type, 3 zero bytes, length) before each payload. */
export function demuxFrames(data: Buffer, streamType: 1 | 2): string {
  let text = "";
  for (let at = 0; at + 8 <= data.length;) {
    const length = data.readUInt32BE(at + 4);
    if (data[at] === streamType) text += data.subarray(at + 8, at + 8 + length).toString("utf8");
    at += 8 + length;
  }
  return text;
}
