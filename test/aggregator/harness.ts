import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { Aggregator, type AggregatorOptions } from "../../src/aggregator/aggregator.js";
import { buildApi } from "../../src/api/app.js";
import { createMetrics } from "../../src/api/metrics.js";
import { DEFAULT_SILENCE_POLICY } from "../../src/core/presence/silence.js";
import { silentLogger } from "../../src/logging.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { HallDirectory } from "../../src/store/hall-directory.js";
import { HallStore } from "../../src/store/halls.js";
import type { SqlEngine } from "../../src/store/sql/engine.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { testAuth } from "../helpers/auth.js";

/** A real aggregator + API over a real SQLite file, pointed at a given broker. */
export class AggregatorHarness {
  db!: Db;
  aggregator!: Aggregator;
  api!: FastifyInstance;
  /** The halls as the server holds them; opened by start() (provision() writes through the store before that). */
  halls!: HallDirectory;
  private store: HallStore | null = null;
  private engine: SqliteEngine | null = null;
  adminToken = "";
  readonly dataDir = mkdtempSync(join(tmpdir(), "hallwatch-agg-"));

  constructor(
    private readonly brokerUrl: string,
    /** Read at start(): a test may set it after openDb() (e.g. a failing engine over `sql`). */
    public overrides: Partial<AggregatorOptions> = {},
  ) {}

  openDb(): Db {
    this.db = openDatabase(join(this.dataDir, "hallwatch.db"));
    this.store = null;
    this.engine = null;
    return this.db;
  }

  /** The SQL port over the harness's connection, shared by every store on it so their transactions never overlap. */
  get sql(): SqlEngine {
    this.engine ??= new SqliteEngine(this.db);
    return this.engine;
  }

  /** Registers agents directly in the registry (the broker in these tests does no auth). */
  private get hallStore(): HallStore {
    this.store ??= new HallStore(this.sql);
    return this.store;
  }

  async provision(hallId: string, agentIds: string[]): Promise<void> {
    if (!this.db) this.openDb();
    await this.hallStore.upsert({ id: hallId, name: `Hall ${hallId}` });
    await this.halls?.refresh();
    const stmt = this.db.prepare(
      "INSERT OR IGNORE INTO agents (id, hall_id, secret_hash, created_ms) VALUES (?, ?, 'unused', ?)",
    );
    for (const id of agentIds) stmt.run(id, hallId, Date.now());
  }

  async start(): Promise<void> {
    if (!this.db) this.openDb();
    this.halls = await HallDirectory.open(this.hallStore);
    this.aggregator = new Aggregator({
      brokerUrl: this.brokerUrl,
      username: "_aggregator",
      password: "unused",
      sql: this.sql,
      logger: silentLogger(),
      silencePolicy: DEFAULT_SILENCE_POLICY,
      flushIntervalMs: 100,
      silenceCheckIntervalMs: 100,
      ...this.overrides,
    });
    await this.aggregator.start();
    const auth = await testAuth(this.db);
    this.adminToken = auth.adminToken;
    this.api = await buildApi({
      auth: auth.deps,
      aggregator: this.aggregator,
      halls: this.halls,
      metrics: createMetrics(this.aggregator, null),
      logger: silentLogger(),
      version: "test",
    });
  }

  get headers(): Record<string, string> {
    return { authorization: `Bearer ${this.adminToken}` };
  }

  async get<T = any>(url: string): Promise<T> {
    const res = await this.api.inject({ method: "GET", url, headers: this.headers });
    return res.json() as T;
  }

  async device(hallId: string, deviceId: string): Promise<any> {
    const res = await this.api.inject({
      method: "GET",
      url: `/api/devices/${hallId}/${deviceId}`,
      headers: this.headers,
    });
    return res.statusCode === 200 ? res.json() : null;
  }

  /** Stops the aggregator and API but keeps the database file (for restart tests). */
  async stopAggregator(): Promise<void> {
    await this.api?.close();
    await this.aggregator?.stop();
    this.db.close();
  }

  async close(): Promise<void> {
    await this.stopAggregator().catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
