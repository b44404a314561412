import { createServer, type Server, type Socket } from "node:net";
import { Aedes } from "aedes";

/** A bare Aedes broker (no auth) on an ephemeral loopback port, for tests of MQTT clients. */
export interface PlainBroker {
  url: string;
  port: number;
  /** Destroys every client socket without a clean disconnect (their wills fire). */
  dropAllClients(): void;
  close(): Promise<void>;
}

export async function startPlainBroker(port = 0): Promise<PlainBroker> {
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actual = (server.address() as { port: number }).port;
  return {
    url: `mqtt://127.0.0.1:${actual}`,
    port: actual,
    dropAllClients() {
      for (const s of sockets) s.destroy();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
