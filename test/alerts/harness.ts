import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HallSimulator } from "../../agents/simulator/hall-simulator.js";
import { demoHallLayout } from "../../agents/simulator/layout.js";
import { ensureDemoAgentSecrets } from "../../src/app/demo-credentials.js";
import { createEmbeddedBroker } from "../../src/app/embedded-broker.js";
import { HallwatchServer, type RunningAddresses } from "../../src/app/server.js";
import { parseConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/logging.js";
import { CredentialStore } from "../../src/store/credentials.js";
import { openDatabase } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { bearerToken } from "../helpers/auth.js";
import { freePort } from "../helpers/free-port.js";

export const HALL = "alert-hall";

/** The demo hall plus a sensor hub agent hosting 10 extinguishers. */
export function testLayout() {
  const layout = demoHallLayout(HALL, { sensorReportIntervalSec: 900 });
  layout.agents.push({
    agentId: `${HALL}-sensor-hub`,
    devices: Array.from({ length: 10 }, (_, i) => ({
      id: `hub-ext-${i + 1}`,
      kind: "extinguisher" as const,
      model: "MFZ/ABC4",
      zone: "waiting",
      reportIntervalSec: 900,
    })),
  });
  return layout;
}

/**
 * A whole Hallwatch (embedded broker, aggregator, alerts, API) on loopback, and a simulated hall whose agents
 * live outside the server: restarting the server keeps the agents and their injected faults, as in real life.
 */
export class AlertStack {
  readonly dataDir = mkdtempSync(join(tmpdir(), "hallwatch-alerts-"));
  server!: HallwatchServer;
  at!: RunningAddresses;
  simulator!: HallSimulator;
  private mqttPort = 0;
  token = "";

  constructor(rules: unknown = {}) {
    writeFileSync(join(this.dataDir, "rules.json"), JSON.stringify(rules));
  }

  async start(): Promise<void> {
    this.mqttPort ||= await freePort();
    const config = parseConfig({
      dataDir: this.dataDir,
      logLevel: "silent",
      http: { port: 0 },
      mqtt: { host: "127.0.0.1", port: this.mqttPort },
      demo: { enabled: false },
      auth: { adminPassword: "alerts-test-admin" },
      alerts: { calendarRecheckSec: 1 },
      // Notices go out at once here (storm grouping holds them 30 s by default; test/notify/storm.test.ts covers it).
      notify: { groupWindowMs: 0 },
      rulesFile: join(this.dataDir, "rules.json"),
    });
    this.server = new HallwatchServer(config, silentLogger(), { createBroker: createEmbeddedBroker });
    this.at = await this.server.start();
    this.token = await bearerToken(this.at.httpUrl, "admin", "alerts-test-admin");
    if (!this.simulator) await this.startSimulator();
  }

  private async startSimulator(): Promise<void> {
    const db = openDatabase(join(this.dataDir, "hallwatch.db"));
    const layout = testLayout();
    try {
      // Through the API, as an admin would: the server's hall directory (an in-memory view) knows it at once.
      const created = await fetch(`${this.at.httpUrl}/api/halls`, {
        method: "POST",
        headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
        body: JSON.stringify({ id: HALL, name: "Alert hall" }),
      });
      if (created.status !== 200) throw new Error(`creating the hall: ${created.status}`);
      const secrets = await ensureDemoAgentSecrets(
        this.dataDir,
        HALL,
        layout.agents.map((a) => a.agentId),
        new CredentialStore(new SqliteEngine(db)),
      );
      this.simulator = new HallSimulator({
        brokerUrl: this.at.mqttUrl,
        halls: [layout],
        password: (id) => secrets.get(id) ?? "",
        stateDir: join(this.dataDir, "agents"),
        logger: silentLogger(),
        sampleIntervalMs: 200,
        reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
      });
      this.simulator.start();
    } finally {
      db.close();
    }
  }

  async get<T = any>(path: string): Promise<T> {
    const response = await fetch(`${this.at.httpUrl}${path}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    return (await response.json()) as T;
  }

  async post(path: string, body: unknown): Promise<Response> {
    return fetch(`${this.at.httpUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.token}` },
      body: JSON.stringify(body),
    });
  }

  async put(path: string, body: unknown): Promise<Response> {
    return fetch(`${this.at.httpUrl}${path}`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.token}` },
      body: JSON.stringify(body),
    });
  }

  async alerts(query = ""): Promise<any[]> {
    return (await this.get<{ items: any[] }>(`/api/alerts?hallId=${HALL}&limit=500${query}`)).items;
  }

  /** Stops the server only (the agents keep running and reconnect when it is back). */
  async stopServer(): Promise<void> {
    await this.server?.stop();
  }

  async close(): Promise<void> {
    await this.simulator?.stop();
    await this.stopServer();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Collects the live alert stream (server-sent events) of a running stack. */
export async function openStream(url: string, token: string): Promise<{ events: any[]; close: () => void }> {
  const controller = new AbortController();
  const response = await fetch(url, {
    signal: controller.signal,
    headers: { authorization: `Bearer ${token}` },
  });
  const events: any[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let cut = buffer.indexOf("\n\n");
        while (cut >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = frame.split("\n").find((l) => l.startsWith("data: "));
          if (data) events.push(JSON.parse(data.slice(6)));
          cut = buffer.indexOf("\n\n");
        }
      }
    } catch {
      // aborted
    }
  })();
  return { events, close: () => controller.abort() };
}
