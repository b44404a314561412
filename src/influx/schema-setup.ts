import type { InfluxDB } from "influx";
import type { Logger } from "../logging.js";
import { CONTINUOUS_QUERY, MEASUREMENT, RETENTION } from "./schema.js";

export interface SchemaSettings {
  database: string;
  /** e.g. "30d", "52w", "INF" (config influx.rawRetention). */
  rawRetention: string;
  longRetention: string;
}

/** How far back each run of the continuous query recomputes, so points that arrive late are still averaged. */
export const CQ_RESAMPLE_FOR = "1h";

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "30d" → ms; "INF" → 0 (InfluxDB's "keep forever"). */
export function retentionMs(duration: string): number {
  if (duration === "INF") return 0;
  const match = /^(\d+)([hdw])$/.exec(duration);
  if (!match) throw new Error(`retention "${duration}" is not like 30d, 52w or INF`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** InfluxDB's own form, e.g. "720h0m0s" or "0s" → ms. */
export function influxDurationMs(text: string): number {
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(h|m|s)/g)) {
    ms += Number(n) * (unit === "h" ? 3_600_000 : unit === "m" ? 60_000 : 1000);
  }
  return ms;
}

const q = (name: string) => `"${name.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/** The SELECT of the downsampling query: 5-minute means of every numeric telemetry field, per series. */
export function downsampleSelect(database: string, where = ""): string {
  return (
    `SELECT mean(*) INTO ${q(database)}.${q(RETENTION.long)}.${q(MEASUREMENT.telemetry5m)} ` +
    `FROM ${q(database)}.${q(RETENTION.raw)}.${q(MEASUREMENT.telemetry)}${where ? ` WHERE ${where}` : ""} ` +
    "GROUP BY time(5m), *"
  );
}

/**
 * Creates (or brings in line with the config) the database, the `raw` policy as its default, the `long` policy,
 * and the continuous query that fills `long.telemetry_5m`. Safe to run at every start; needs admin rights on 1.x.
 */
export async function setUpSchema(influx: InfluxDB, s: SchemaSettings, logger: Logger): Promise<void> {
  await influx.createDatabase(s.database);
  const existing = await influx.showRetentionPolicies(s.database);
  const wanted = [
    { name: RETENTION.raw, duration: s.rawRetention, isDefault: true },
    { name: RETENTION.long, duration: s.longRetention, isDefault: false },
  ];
  for (const rp of wanted) {
    const found = existing.find((e) => e.name === rp.name);
    const options = { database: s.database, duration: rp.duration, replication: 1, isDefault: rp.isDefault };
    if (!found) {
      await influx.createRetentionPolicy(rp.name, options);
      logger.info({ rp: rp.name, duration: rp.duration }, "InfluxDB retention policy created");
    } else if (
      influxDurationMs(found.duration) !== retentionMs(rp.duration) ||
      (rp.isDefault && !found.default)
    ) {
      await influx.alterRetentionPolicy(rp.name, options);
      logger.info({ rp: rp.name, duration: rp.duration }, "InfluxDB retention policy changed");
    }
  }
  const cqs = await influx.showContinousQueries(s.database);
  const current = cqs.find((c) => c.name === CONTINUOUS_QUERY.telemetry5m);
  const expected = [
    "mean(*)",
    `${RETENTION.long}.${MEASUREMENT.telemetry5m}`,
    `${RETENTION.raw}.${MEASUREMENT.telemetry}`,
    "time(5m)",
    `FOR ${CQ_RESAMPLE_FOR}`,
  ];
  const normalized = current?.query.replace(/"/g, "") ?? "";
  if (!current || !expected.every((part) => normalized.includes(part))) {
    if (current) await influx.dropContinuousQuery(CONTINUOUS_QUERY.telemetry5m, s.database);
    await influx.createContinuousQuery(
      CONTINUOUS_QUERY.telemetry5m,
      downsampleSelect(s.database),
      s.database,
      `RESAMPLE EVERY 5m FOR ${CQ_RESAMPLE_FOR}`,
    );
    logger.info({ cq: CONTINUOUS_QUERY.telemetry5m }, "InfluxDB continuous query created");
  }
}
