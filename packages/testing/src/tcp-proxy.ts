import * as net from "node:net";
import { createServer, type Server, type Socket } from "node:net";
import { freePort } from "./free-port.ts";

export interface TcpProxy {
  port: number;
  /** Refuse new connections and break the open ones. */
  cut(): Promise<void>;
  /** Listen again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP proxy to a server (Postgres, Redis) that a test can cut and restore, to make it "briefly unavailable";
 * `closed: true` starts it cut (its port refuses connections until `restore`).
 */
export async function startTcpProxy(
  target: { host: string; port: number },
  options: { closed?: boolean } = {},
): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const port = await freePort();
  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on("error", drop).on("close", drop);
        upstream.on("error", drop).on("close", drop);
      });
      server.listen(port, "127.0.0.1", () => resolve());
    });
  if (!options.closed) await open();
  return {
    port,
    async cut() {
      // close() only calls back once every connection has ended, so break them first.
      const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await closed;
    },
    restore: open,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}
