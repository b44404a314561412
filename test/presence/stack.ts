import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbeddedBroker } from "../../src/app/embedded-broker.js";
import { HallwatchServer, type RunningAddresses } from "../../src/app/server.js";
import { parseConfig } from "../../src/config/config.js";
import type { BirthDevice } from "../../src/contract/index.js";
import { silentLogger } from "../../src/logging.js";
import { CredentialStore } from "../../src/store/credentials.js";
import { openDatabase } from "../../src/store/database.js";
import { HallStore } from "../../src/store/halls.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { bearerToken } from "../helpers/auth.js";
import { freePort } from "../helpers/free-port.js";
import { RawAgent } from "../helpers/raw-agent.js";

/**
 * A whole Hallwatch (embedded broker with its real auth, aggregator, alerts, API) on loopback, and raw agents
 * provisioned on it that speak the wire protocol exactly as a test says. No simulator: nothing else reports.
 */
export class PresenceStack {
  readonly dataDir = mkdtempSync(join(tmpdir(), "hallwatch-presence-"));
  server!: HallwatchServer;
  at!: RunningAddresses;
  token = "";
  private readonly agents: RawAgent[] = [];

  constructor(
    private readonly overrides: Record<string, unknown> = {},
    rules?: unknown,
  ) {
    if (rules !== undefined) {
      writeFileSync(join(this.dataDir, "rules.json"), JSON.stringify(rules));
      this.overrides = { ...overrides, rulesFile: join(this.dataDir, "rules.json") };
    }
  }

  async start(): Promise<void> {
    const config = parseConfig({
      dataDir: this.dataDir,
      logLevel: "silent",
      http: { port: 0 },
      mqtt: { host: "127.0.0.1", port: await freePort() },
      demo: { enabled: false },
      auth: { adminPassword: "presence-test-admin" },
      alerts: { calendarRecheckSec: 1 },
      ...this.overrides,
    });
    this.server = new HallwatchServer(config, silentLogger(), { createBroker: createEmbeddedBroker });
    this.at = await this.server.start();
    this.token = await bearerToken(this.at.httpUrl, "admin", "presence-test-admin");
  }

  /** Provisions an agent in a hall (creating the hall) and returns it unconnected. */
  async provision(hallId: string, agentId: string, devices: BirthDevice[], session = 1): Promise<RawAgent> {
    const db = openDatabase(join(this.dataDir, "hallwatch.db"));
    try {
      await HallStore.onSqlite(db).upsert({ id: hallId, name: `Hall ${hallId}` });
      const { secret } = await new CredentialStore(new SqliteEngine(db)).provisionAgent(
        hallId,
        agentId,
        `test ${agentId}`,
      );
      const agent = new RawAgent(this.at.mqttUrl, hallId, agentId, session, devices, {
        username: agentId,
        password: secret,
      });
      this.agents.push(agent);
      return agent;
    } finally {
      db.close();
    }
  }

  async request(method: string, path: string, body?: unknown, token = this.token): Promise<Response> {
    return fetch(`${this.at.httpUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async get<T = any>(path: string): Promise<T> {
    return (await (await this.request("GET", path)).json()) as T;
  }

  async alerts(hallId: string): Promise<any[]> {
    return (await this.get<{ items: any[] }>(`/api/alerts?hallId=${hallId}&limit=500`)).items;
  }

  async close(): Promise<void> {
    for (const a of this.agents) await a.stop().catch(() => undefined);
    await this.server?.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
