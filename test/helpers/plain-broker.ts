import { createServer, type Server, type Socket } from "node:net";
import { Aedes } from "aedes";

/** A bare Aedes broker (no auth) on an ephemeral loopback port, for tests of MQTT clients. */
export interface PlainBroker {
  url: string;
  port: number;
  /** The broker itself, for tests that watch its events (e.g. "ack": a subscriber's PUBACK has arrived). */
  aedes: Aedes;
  /** Destroys every client socket without a clean disconnect (their wills fire). */
  dropAllClients(): void;
  close(): Promise<void>;
}

export interface PlainBrokerOptions {
  /**
   * Holds every other client's CONNECT until this client has subscribed again: after a broker restart, a test's
   * observer (clean session, so nothing is kept for it) then hears what the others publish as they reconnect.
   */
  admitAfterSubscribed?: string;
}

export async function startPlainBroker(port = 0, options: PlainBrokerOptions = {}): Promise<PlainBroker> {
  const first = options.admitAfterSubscribed;
  let admit: () => void = () => {};
  const admitted = first ? new Promise<void>((resolve) => (admit = resolve)) : Promise.resolve();
  const broker = await Aedes.createBroker(
    first
      ? {
          // client.id is set after this hook: the CONNECT packet has it.
          preConnect: (_client, packet, callback) => {
            if (packet.clientId === first) callback(null, true);
            else void admitted.then(() => callback(null, true));
          },
        }
      : {},
  );
  if (first) broker.on("subscribe", (_subscriptions, client) => client?.id === first && admit());
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
    aedes: broker,
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
