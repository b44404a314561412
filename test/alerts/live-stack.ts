import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbeddedBroker } from "../../src/app/embedded-broker.js";
import { HallwatchServer, type RunningAddresses } from "../../src/app/server.js";
import { parseConfig } from "../../src/config/config.js";
import type { BirthDevice } from "../../src/contract/index.js";
import type { Role } from "../../src/core/faults/types.js";
import { silentLogger } from "../../src/logging.js";
import { bearerToken } from "../helpers/auth.js";
import { freePort } from "../helpers/free-port.js";
import { RawAgent } from "../helpers/raw-agent.js";

const ADMIN_PASSWORD = "live-stack-admin-Pw7!";

/**
 * A whole Hallwatch (embedded broker over TCP, aggregator, alerts, readiness, notifications, HTTP API) driven only
 * from outside: halls, agents and users are made through the API, agents are raw MQTT clients, people sign in.
 * The clock of alerts and readiness runs with real time from an instant the test picks (`setClock`).
 */
export class LiveStack {
  readonly dataDir = mkdtempSync(join(tmpdir(), "hallwatch-live-"));
  server!: HallwatchServer;
  at!: RunningAddresses;
  adminToken = "";
  private offsetMs = 0;
  private readonly agents: RawAgent[] = [];
  readonly now = () => Date.now() + this.offsetMs;

  constructor(rules: unknown = {}) {
    writeFileSync(join(this.dataDir, "rules.json"), JSON.stringify(rules));
  }

  /** From now on the stack's clock reads `instantMs`, and runs on from there. */
  setClock(instantMs: number): void {
    this.offsetMs = instantMs - Date.now();
  }

  async start(): Promise<void> {
    const config = parseConfig({
      dataDir: this.dataDir,
      logLevel: "silent",
      http: { port: 0 },
      mqtt: { host: "127.0.0.1", port: await freePort() },
      demo: { enabled: false },
      auth: { adminPassword: ADMIN_PASSWORD },
      alerts: { calendarRecheckSec: 1 },
      // Notices go out at once here (storm grouping holds them 30 s by default; test/notify/storm.test.ts covers it).
      notify: { groupWindowMs: 0 },
      rulesFile: join(this.dataDir, "rules.json"),
    });
    this.server = new HallwatchServer(config, silentLogger(), {
      createBroker: createEmbeddedBroker,
      now: this.now,
    });
    this.at = await this.server.start();
    this.adminToken = await bearerToken(this.at.httpUrl, "admin", ADMIN_PASSWORD);
  }

  async call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    token = this.adminToken,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.at.httpUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }

  async ok<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const { status, body: answer } = await this.call<T>(method, path, body, token);
    if (status !== 200) throw new Error(`${method} ${path}: ${status} ${JSON.stringify(answer)}`);
    return answer;
  }

  async hall(id: string, timeZone = "Asia/Shanghai"): Promise<void> {
    await this.ok("POST", "/api/halls", { id, name: `Hall ${id}`, timeZone });
  }

  /** Provisions an agent through the admin API and connects it as a raw MQTT client (status online + birth). */
  async agent(hallId: string, agentId: string, devices: BirthDevice[]): Promise<RawAgent> {
    const { secret } = await this.ok<{ secret: string }>("POST", "/api/admin/agents", { agentId, hallId });
    const agent = new RawAgent(this.at.mqttUrl, hallId, agentId, 1, devices, {
      username: agentId,
      password: secret,
    });
    await agent.connect();
    this.agents.push(agent);
    await agent.online();
    await agent.birth();
    return agent;
  }

  /** Creates a user with `roles` in `halls` and signs in as them: their API token. */
  async user(username: string, roles: Role[], halls: string[]): Promise<string> {
    const password = "Vq8#tundra-Lamp-42-orbit";
    await this.ok("POST", "/api/users", { username, displayName: username, password, roles, halls });
    return bearerToken(this.at.httpUrl, username, password);
  }

  async close(): Promise<void> {
    for (const agent of this.agents) await agent.stop().catch(() => undefined);
    await this.server?.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export const queueValues = (printerState: "ok" | "jam" = "ok") => ({
  appOk: true,
  printerState,
  paperPct: 80,
  waitingTotal: 3,
  longestWaitSec: 120,
  countersOpen: 4,
});

export const chargerValues = (enclosureTempC: number) => ({
  ports: [
    { port: 1, state: "charging", currentA: 2, voltageV: 5 },
    { port: 2, state: "idle", currentA: 0, voltageV: 5 },
  ],
  enclosureTempC,
  totalPowerW: 10,
});
