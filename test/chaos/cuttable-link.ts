import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP link between agents and a real broker that can freeze (bytes are swallowed both ways, as by a broker
 * that stopped answering) and go down (every connection dropped, new ones refused) and come back.
 */
export class CuttableLink {
  private server: Server | null = null;
  private readonly pairs = new Set<[Socket, Socket]>();
  private frozen = false;
  private down = false;
  port = 0;

  constructor(private readonly upstreamPort: number) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((client) => {
      if (this.down) {
        client.destroy();
        return;
      }
      const upstream = connect(this.upstreamPort, "127.0.0.1");
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      client.on("data", (chunk) => {
        if (!this.frozen) upstream.write(chunk);
      });
      upstream.on("data", (chunk) => {
        if (!this.frozen) client.write(chunk);
      });
      const close = () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on("close", close);
      upstream.on("close", close);
      client.on("error", close);
      upstream.on("error", close);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.port = (server.address() as { port: number }).port;
  }

  /** Bytes stop flowing both ways; whatever is sent meanwhile is lost. */
  freeze(): void {
    this.frozen = true;
  }

  /** Drops every connection and refuses new ones until up(). */
  cut(): void {
    this.down = true;
    this.frozen = false;
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  up(): void {
    this.down = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
