import type Docker from "dockerode";
import { dockerReasonOf } from "./docker-errors.ts";
import { createOutputDemuxer } from "./docker-stream.ts";
import type { FirewallRunner } from "./sandbox-firewall.ts";

/** Marks helper containers, so a leftover one is recognisable as ours. */
export const FIREWALL_HELPER_LABEL = "oz.firewall-helper";

/**
 * Runs the sandbox firewall's scripts on a remote engine's host (OZ_SANDBOX_FIREWALL_VIA=engine): each script in a
 * short-lived container with NET_ADMIN in the host's network namespace, which is where the engine's sandbox bridge
 * and its iptables live. The image needs `sh` and iptables (OZ_SANDBOX_FIREWALL_HELPER_IMAGE) and must be on the
 * engine already; nothing is pulled.
 */
export function engineFirewallRunner(docker: Docker, image: string, engine: string): FirewallRunner {
  return {
    where: `on the Docker engine's host (${engine}, helper image ${image})`,
    async run(script) {
      let container: Docker.Container;
      try {
        container = await docker.createContainer({
          Image: image,
          Entrypoint: ["sh", "-c"],
          Cmd: [script],
          Labels: { [FIREWALL_HELPER_LABEL]: "1" },
          // NET_ADMIN (and NET_RAW, which iptables needs) in the host's network namespace: all it needs, where a privileged
          // container would get every capability (and some engines refuse privileged containers altogether).
          HostConfig: { NetworkMode: "host", CapAdd: ["NET_ADMIN", "NET_RAW"], AutoRemove: false },
        });
      } catch (err) {
        throw Object.assign(new Error(`cannot start the firewall helper: ${dockerReasonOf(err)}`), { cause: err });
      }
      try {
        const attached = await container.attach({ stream: true, stdout: true, stderr: true });
        let stderr = "";
        const demux = createOutputDemuxer((stream, text) => {
          if (stream === "stderr") stderr += text;
        });
        attached.on("data", (chunk: Buffer) => demux.push(chunk));
        await container.start();
        const { StatusCode } = (await container.wait()) as { StatusCode: number };
        demux.end();
        if (StatusCode !== 0) {
          throw Object.assign(new Error(`the firewall helper exited with ${StatusCode}`), { stderr });
        }
      } finally {
        await container.remove({ force: true }).catch(() => {});
      }
    },
  };
}
