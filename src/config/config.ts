import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { z } from "zod";
import { DEVICE_KINDS, type DeviceKind } from "../contract/index.js";
import { serviceLifeOverridesSchema } from "../core/inspections/assets.js";

const port = z.coerce.number().int().min(0).max(65_535);

/** What a node does (docs/scale-out.md, "Roles"): own halls and process their messages, serve the API, run jobs. */
export const NODE_ROLES = ["ingest", "api", "jobs"] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

const defaultNodeId = () =>
  hostname()
    .replace(/[^A-Za-z0-9._-]/g, "-")
    .slice(0, 64) || "node";

const clusterSchema = z
  .strictObject({
    /**
     * "single": this node alone, every hall (on PostgreSQL one node per database, OneNodeLock). "shared": halls
     * split by leases between the nodes on one PostgreSQL and one external broker (docs/scale-out.md).
     */
    mode: z.enum(["single", "shared"], { error: () => 'must be "single" or "shared"' }).default("single"),
    /** Where the other nodes reach this node's API (forwarded alert actions); default http://<host>:<port>. */
    address: z
      .string()
      .regex(/^https?:\/\/[^/\s]+\/?$/, "an http:// or https:// origin, e.g. http://10.0.0.2:8080")
      .nullable()
      .default(null),
    /** This node's name in leases, /api/cluster and metrics: stable across restarts, unique in the cluster. */
    nodeId: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, "1 to 64 letters, digits, dots, dashes or underscores")
      .default(defaultNodeId),
    roles: z
      .array(
        z.enum(NODE_ROLES, {
          error: (issue) => `"${String(issue.input)}" is not a role (${NODE_ROLES.join(", ")})`,
        }),
      )
      .min(1, `at least one of ${NODE_ROLES.join(", ")}`)
      .refine((roles) => new Set(roles).size === roles.length, "a role is named twice")
      .default([...NODE_ROLES]),
    /** How often a node renews its leases and says it is alive. */
    heartbeatMs: z.number().int().min(200).max(60_000).default(5_000),
    /** How long a hall stays with a node that stopped renewing: the takeover time after a crash. */
    leaseMs: z.number().int().min(600).max(600_000).default(15_000),
  })
  .refine((c) => c.leaseMs >= 3 * c.heartbeatMs, {
    path: ["leaseMs"],
    message:
      "must be at least three heartbeats (heartbeatMs × 3), or one late heartbeat gives every hall away",
  })
  .prefault({});
const kindSeconds = z.partialRecord(z.enum(DEVICE_KINDS), z.number().int().min(1));

export const configSchema = z
  .strictObject({
    dataDir: z.string().min(1).default("./data"),
    /**
     * The PostgreSQL database (HALLWATCH_DATABASE_URL, docs/scale-out.md) that holds everything instead of the
     * SQLite file in dataDir; one node at a time in this version (OneNodeLock).
     */
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .nullable()
      .default(null),
    /** Several nodes sharing the halls (docs/scale-out.md); one node alone runs every role. */
    cluster: clusterSchema,
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    http: z
      .strictObject({
        /** Loopback by default until the console has logins (deny unless allowed). */
        host: z.string().min(1).default("127.0.0.1"),
        port: port.default(8080),
        /**
         * Whose X-Forwarded-For to believe for the client address (sign-in throttling, audit): false (default)
         * believes no one; the proxy's address or CIDR list ("127.0.0.1", "10.0.0.0/8,127.0.0.1"), or true
         * (anyone: only when nothing but the proxy can reach the port).
         */
        trustProxy: z.union([z.boolean(), z.string().min(1)]).default(false),
        /** A request must be received whole within this (slow-body clients are cut off); 0 is refused. */
        requestTimeoutMs: z.number().int().min(500).max(600_000).default(30_000),
        /** A request's headers must arrive within this. */
        headersTimeoutMs: z.number().int().min(500).max(600_000).default(10_000),
      })
      .refine((h) => h.headersTimeoutMs <= h.requestTimeoutMs, {
        message: "headersTimeoutMs must not exceed requestTimeoutMs",
        path: ["headersTimeoutMs"],
      })
      .prefault({}),
    mqtt: z
      .strictObject({
        /** When set, an external broker is used and the embedded one is not started. */
        brokerUrl: z.string().url().nullable().default(null),
        /** The aggregator's service identity on the broker (starts with `_`). */
        username: z.string().startsWith("_").default("_aggregator"),
        /** For an external broker; the embedded one generates and keeps its own in the data directory. */
        password: z.string().min(1).nullable().default(null),
        host: z.string().min(1).default("0.0.0.0"),
        port: port.default(1883),
        wsPort: port.nullable().default(null),
        maxPayloadBytes: z
          .number()
          .int()
          .min(256)
          .max(1024 * 1024)
          .default(64 * 1024),
        publishRatePerSec: z.number().min(1).default(200),
        publishBurst: z.number().min(1).default(400),
      })
      .prefault({}),
    demo: z
      .strictObject({
        enabled: z.boolean().default(true),
        hallId: z.string().default("demo-hall"),
        seed: z.number().int().default(42),
        /** Loopback HTTP port of the simulator's fault-injection control (0 = ephemeral). */
        controlPort: port.default(8788),
      })
      .prefault({}),
    presence: z
      .strictObject({
        missedReports: z.number().int().min(1).default(3),
        minTimeoutSecByKind: kindSeconds.default({}),
        timeoutSecByKind: kindSeconds.default({}),
      })
      .prefault({}),
    /** Scheduled reports (docs/notifications.md): PDFs printed by this Chromium, else /usr/bin/chromium if present. */
    reports: z
      .strictObject({
        chromiumPath: z.string().min(1).nullable().default(null),
        pollIntervalSec: z.number().int().min(5).max(3600).default(60),
      })
      .prefault({}),
    deadLetters: z.strictObject({ maxRows: z.number().int().min(100).default(100_000) }).prefault({}),
    /** Numeric telemetry sampled once a minute per device and field for the console's charts (docs/console.md). */
    series: z.strictObject({ retentionDays: z.number().int().min(1).max(400).default(7) }).prefault({}),
    /** An agent's message time further than `thresholdSec` from its receive time is clock skew (docs/agents.md). */
    clockSkew: z
      .strictObject({
        thresholdSec: z.number().int().min(1).default(30),
        /** Skew lasting this long raises a warning alert for maintenance. */
        alertAfterSec: z.number().int().min(1).default(300),
      })
      .prefault({}),
    auth: z
      .strictObject({
        /** Password of the first admin at first start; without it a one-time password is printed once. */
        adminPassword: z.string().min(10, "at least 10 characters").nullable().default(null),
        /** Mark the session cookie Secure (needs HTTPS, e.g. behind a TLS proxy). */
        secureCookies: z.boolean().default(false),
        sessionIdleMin: z.number().int().min(1).default(480),
        sessionMaxHours: z.number().int().min(1).default(24),
        /** API tokens created without an expiry expire after this many days. */
        tokenDefaultDays: z.number().int().min(1).max(3650).default(90),
        /** No API token lives longer (also caps older tokens at start). */
        tokenMaxDays: z.number().int().min(1).max(3650).default(365),
      })
      .refine((a) => a.tokenDefaultDays <= a.tokenMaxDays, {
        message: "tokenDefaultDays must not exceed tokenMaxDays",
        path: ["tokenDefaultDays"],
      })
      .prefault({}),
    alerts: z
      .strictObject({
        /** How often halls are re-checked for opening and closing. */
        calendarRecheckSec: z.number().int().min(1).max(3600).default(60),
        /** Kinds that must be up whether the hall is open or not. */
        aroundTheClockKinds: z.array(z.enum(DEVICE_KINDS)).default(["extinguisher", "hydrant", "gateway"]),
      })
      .prefault({}),
    inspections: z
      .strictObject({
        /** Records, photos and closed corrective actions are kept this long (at least 366 days: fire codes ask for a year). */
        retentionDays: z
          .number()
          .int()
          .min(366, "inspection records are kept at least 366 days")
          .default(400),
        /** Service and scrap dates are reminded this many days ahead. */
        reminderDays: z.number().int().min(1).max(365).default(30),
        /** Service life per asset type (years), overriding GB 50444's defaults. */
        serviceLife: serviceLifeOverridesSchema.default({}),
      })
      .prefault({}),
    /** InfluxDB history (off unless `url` is set); see docs/influx.md. */
    influx: z
      .strictObject({
        /** e.g. http://127.0.0.1:8086 — an InfluxDB 1.x server, or 2.x/3.x through their 1.x-compatible API. */
        url: z.string().url().nullable().default(null),
        database: z.string().min(1).default("hallwatch"),
        username: z.string().min(1).nullable().default(null),
        password: z.string().min(1).nullable().default(null),
        /** Create the database, retention policies and continuous queries at start (needs admin rights on 1.x). */
        manageSchema: z.boolean().default(true),
        rawRetention: z
          .string()
          .regex(/^(\d+[hdw]|INF)$/, "e.g. 30d, 52w or INF")
          .default("30d"),
        longRetention: z
          .string()
          .regex(/^(\d+[hdw]|INF)$/, "e.g. 400d, 104w or INF")
          .default("400d"),
        batchPoints: z.number().int().min(1).max(100_000).default(5_000),
        flushIntervalMs: z.number().int().min(10).max(60_000).default(1_000),
        maxBatchesInFlight: z.number().int().min(1).max(64).default(4),
        /** On-disk buffer for points InfluxDB has not taken yet; past this, new points are dropped and counted. */
        bufferMaxBytes: z
          .number()
          .int()
          .min(1_000_000)
          .default(512 * 1024 * 1024),
      })
      .prefault({}),
    /** The signed one-tap links of personal notices (docs/notifications.md). */
    actionLinks: z
      .strictObject({
        /** A link works this long after its notice was queued. */
        ttlHours: z
          .number()
          .min(0.1)
          .max(24 * 14)
          .default(24),
        /** Whether acting from a link needs a session of the same user (a user's own policy overrides it). */
        needSignIn: z.boolean().default(false),
      })
      .prefault({}),
    notify: z
      .strictObject({
        /** Storm grouping: notices for one target and change within this window go out as one (0: off). */
        groupWindowMs: z.number().int().min(0).max(600_000).default(30_000),
      })
      .prefault({}),
    /** The console's address as people reach it, for links in notifications (e.g. https://hallwatch.example.org). */
    publicUrl: z.string().url().nullable().default(null),
    /**
     * The key that encrypts channel secrets at rest (AES-256-GCM), base64 of 32 bytes; HALLWATCH_SECRET_KEY.
     * Without it, the key file below is used (created at first start, mode 0600).
     */
    secretKey: z.string().min(1).nullable().default(null),
    /** Where the key is kept when `secretKey` is unset; default `<dataDir>/secret.key`. */
    secretKeyFile: z.string().min(1).nullable().default(null),
    /** Remote actions from the console (docs/api.md "Remote actions"). */
    actions: z
      .strictObject({
        /** How long the API waits for the agent's reply before answering 504 agent_timeout. */
        replyTimeoutMs: z.number().int().min(500).max(120_000).default(10_000),
        /** A command is valid this long after it is sent; an agent that gets it later refuses it ("expired"). */
        commandTtlSec: z.number().int().min(5).max(300).default(60),
      })
      .prefault({}),
    /** Who runs this server, for web push services (VAPID `sub`): "mailto:…" or an https URL; default from publicUrl. */
    vapidSubject: z
      .string()
      .regex(/^(mailto:.+@.+|https:\/\/.+)$/, "mailto:address or https URL")
      .nullable()
      .default(null),
    /** JSON file of fault-rule overrides (thresholds, durations, severities, audiences, escalation); see docs/faults.md. */
    rulesFile: z.string().min(1).nullable().default(null),
  })
  .refine((c) => c.cluster.mode === "shared" || c.cluster.roles.length === NODE_ROLES.length, {
    path: ["cluster", "roles"],
    message:
      "a node with only some roles needs nodes with the others sharing the halls (HALLWATCH_CLUSTER=shared); a single node runs every role",
  })
  .refine((c) => c.cluster.mode !== "shared" || c.databaseUrl !== null, {
    path: ["cluster", "mode"],
    message: "shared halls need the shared PostgreSQL (HALLWATCH_DATABASE_URL)",
  })
  .refine((c) => c.cluster.mode !== "shared" || c.mqtt.brokerUrl !== null, {
    path: ["cluster", "mode"],
    message:
      "shared halls need one external broker for every node (HALLWATCH_MQTT_URL): an embedded broker would hear only its own node's agents",
  });

export type HallwatchConfig = z.infer<typeof configSchema>;
export type { DeviceKind };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Environment variables and the config paths they set; documented in README. */
export const ENVIRONMENT = {
  HALLWATCH_CONFIG: "path of a JSON config file (optional); environment variables below override it",
  HALLWATCH_DATA_DIR: "dataDir",
  HALLWATCH_DATABASE_URL: "databaseUrl",
  HALLWATCH_NODE_ID: "cluster.nodeId",
  HALLWATCH_ROLES: "cluster.roles",
  HALLWATCH_CLUSTER: "cluster.mode",
  HALLWATCH_NODE_ADDRESS: "cluster.address",
  HALLWATCH_LOG_LEVEL: "logLevel",
  HALLWATCH_HTTP_HOST: "http.host",
  HALLWATCH_HTTP_PORT: "http.port",
  HALLWATCH_TRUST_PROXY: "http.trustProxy",
  HALLWATCH_MQTT_URL: "mqtt.brokerUrl",
  HALLWATCH_MQTT_USERNAME: "mqtt.username",
  HALLWATCH_MQTT_PASSWORD: "mqtt.password",
  HALLWATCH_MQTT_HOST: "mqtt.host",
  HALLWATCH_MQTT_PORT: "mqtt.port",
  HALLWATCH_MQTT_WS_PORT: "mqtt.wsPort",
  HALLWATCH_DEMO: "demo.enabled",
  HALLWATCH_SIM_CONTROL_PORT: "demo.controlPort",
  HALLWATCH_RULES: "rulesFile",
  HALLWATCH_PUBLIC_URL: "publicUrl",
  HALLWATCH_REPORTS_CHROMIUM: "reports.chromiumPath",
  HALLWATCH_ADMIN_PASSWORD: "auth.adminPassword",
  HALLWATCH_SECURE_COOKIES: "auth.secureCookies",
  HALLWATCH_SECRET_KEY: "secretKey",
  HALLWATCH_SECRET_KEY_FILE: "secretKeyFile",
  HALLWATCH_VAPID_SUBJECT: "vapidSubject",
  HALLWATCH_INFLUX_URL: "influx.url",
  HALLWATCH_INFLUX_DATABASE: "influx.database",
  HALLWATCH_INFLUX_USERNAME: "influx.username",
  HALLWATCH_INFLUX_PASSWORD: "influx.password",
} as const;

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}

function envValue(name: string, raw: string): unknown {
  if (name === "HALLWATCH_SECURE_COOKIES") return ["1", "true", "yes", "on"].includes(raw.toLowerCase());
  if (name === "HALLWATCH_DEMO") return !["0", "false", "no", "off"].includes(raw.toLowerCase());
  if (name === "HALLWATCH_TRUST_PROXY") {
    if (["1", "true", "yes", "on"].includes(raw.toLowerCase())) return true;
    if (["", "0", "false", "no", "off"].includes(raw.toLowerCase())) return false;
    return raw;
  }
  if (name === "HALLWATCH_ROLES")
    return raw
      .split(",")
      .map((role) => role.trim())
      .filter((role) => role !== "");
  if (/_PORT$/.test(name)) return raw === "" ? null : raw;
  return raw;
}

/** Reads the config file (if any) and the environment, validates once, and returns a frozen config. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): HallwatchConfig {
  let base: Record<string, unknown> = {};
  const file = env.HALLWATCH_CONFIG;
  if (file) {
    try {
      base = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError([`HALLWATCH_CONFIG (${file}): ${(err as Error).message}`]);
    }
  }
  for (const [name, path] of Object.entries(ENVIRONMENT)) {
    const raw = env[name];
    if (name === "HALLWATCH_CONFIG" || raw === undefined) continue;
    setPath(base, path, envValue(name, raw));
  }
  return parseConfig(base);
}

export function parseConfig(input: unknown): HallwatchConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "(root)"}: ${i.message}`),
    );
  }
  return deepFreeze(result.data);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
