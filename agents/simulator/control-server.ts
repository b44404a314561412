import { createServer, type IncomingMessage, type Server } from "node:http";
import { z } from "zod";
import { SIM_FAULTS } from "../drivers/sim/index.js";
import { SimulatorError, type SimulatorErrorCode } from "./errors.js";
import type { HallSimulator } from "./hall-simulator.js";

const STATUS_BY_CODE: Record<SimulatorErrorCode, number> = {
  unknown_hall: 404,
  unknown_device: 404,
  unknown_agent: 404,
  unknown_fault: 400,
};

const faultRequestSchema = z.strictObject({
  hallId: z.string().min(1),
  deviceId: z.string().min(1),
  fault: z.string().min(1),
  action: z.enum(["inject", "clear"]),
});
export type FaultRequest = z.infer<typeof faultRequestSchema>;

async function readJson(request: IncomingMessage, maxBytes = 16 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

/**
 * Fault injection over HTTP, loopback only. GET /faults: {devices: [{hallId, agentId, deviceId, kind, faults,
 * activeFaults}], faultNames: {kind: [fault]}}. POST /faults {hallId, deviceId, fault, action: "inject"|"clear"}:
 * 200 {ok: true, ...}, or {error, code} with 400 (bad body, unknown fault) or 404 (unknown hall or device).
 */
export class SimulatorControlServer {
  private server: Server | null = null;

  constructor(
    private readonly simulator: HallSimulator,
    private readonly port: number,
  ) {}

  async start(): Promise<string> {
    const server = createServer((request, response) => {
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      };
      const path = (request.url ?? "/").split("?")[0];
      if (path !== "/faults") return send(404, { error: "no such endpoint; use /faults" });
      if (request.method === "GET")
        return send(200, { devices: this.simulator.devices(), faultNames: SIM_FAULTS });
      if (request.method !== "POST") return send(405, { error: "use GET or POST" });
      readJson(request)
        .then((body) => {
          const parsed = faultRequestSchema.safeParse(body);
          if (!parsed.success) {
            return send(400, {
              error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
            });
          }
          const { hallId, deviceId, fault, action } = parsed.data;
          if (action === "inject") this.simulator.inject(hallId, deviceId, fault);
          else this.simulator.clear(hallId, deviceId, fault);
          send(200, { ok: true, ...parsed.data });
        })
        .catch((err: Error) =>
          err instanceof SimulatorError
            ? send(STATUS_BY_CODE[err.code], { error: err.message, code: err.code })
            : send(400, { error: err.message, code: "bad_request" }),
        );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}
