import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";

export interface RawRequest {
  method: string;
  url: URL;
  headers: IncomingMessage["headers"];
  body: Buffer;
}
export type Handler = (req: RawRequest, res: ServerResponse) => void;

export const replyJson = (res: ServerResponse, status: number, json: unknown) =>
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));

/** A loopback receiver (plain http, or https with the given certificate) that hands each whole request over. */
export async function serve(handler: Handler, tls?: { key: string; cert: string }) {
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () =>
      handler(
        {
          method: req.method ?? "GET",
          url: new URL(req.url ?? "/", "http://receiver"),
          headers: req.headers,
          body: Buffer.concat(chunks),
        },
        res,
      ),
    );
  };
  const server = tls ? createHttpsServer(tls, listener) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
