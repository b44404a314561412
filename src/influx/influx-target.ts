import { InfluxDB, type IPoint } from "influx";
import type { HistoryPoint, RetentionPolicyName } from "./history-point.js";

/** Where batches go: InfluxDB's /write (1.x API) for one retention policy at a time. */
export interface PointTarget {
  write(rp: RetentionPolicyName, points: readonly HistoryPoint[]): Promise<void>;
}

export interface InfluxConnection {
  url: string;
  database: string;
  username: string | null;
  password: string | null;
  /** One request's time limit (default 10 s); a write that takes longer is retried from the buffer. */
  requestTimeoutMs?: number;
}

/**
 * A client for one server that never retries or benches the host by itself (the influx package would otherwise
 * hide a down server for up to 10 s per failure): the sink's own buffer and backoff decide when to try again.
 */
export function createInfluxClient(c: InfluxConnection): InfluxDB {
  const url = new URL(c.url);
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`influx.url must be http(s)://host:port, got ${c.url}`);
  const protocol = url.protocol === "https:" ? "https" : "http";
  const neverBench = { getDelay: () => 0, next: () => neverBench, reset: () => neverBench };
  return new InfluxDB({
    hosts: [
      {
        host: url.hostname,
        port: url.port ? Number(url.port) : protocol === "https" ? 443 : 80,
        protocol,
        ...(url.pathname && url.pathname !== "/" ? { path: url.pathname.replace(/\/$/, "") } : {}),
      },
    ],
    database: c.database,
    ...(c.username !== null ? { username: c.username } : {}),
    ...(c.password !== null ? { password: c.password } : {}),
    pool: { maxRetries: 0, requestTimeout: c.requestTimeoutMs ?? 10_000, backoff: neverBench },
  });
}

export function toInfluxPoint(p: HistoryPoint): IPoint {
  return { measurement: p.measurement, tags: p.tags, fields: p.fields, timestamp: p.timeMs };
}

export function influxTarget(influx: InfluxDB): PointTarget {
  return {
    write: (rp, points) =>
      influx.writePoints(points.map(toInfluxPoint), { precision: "ms", retentionPolicy: rp }),
  };
}

/**
 * A 400 from /write: InfluxDB refused points it will never take (a field type conflict, a bad line). Retrying
 * cannot help; the valid points of the batch were written. Returns how many points were refused, or null when the
 * error is not a refusal (the server is down, slow, or not yet set up: worth retrying).
 */
export function refusedPoints(err: unknown, batchSize: number): number | null {
  const status = (err as { res?: { statusCode?: number } })?.res?.statusCode;
  if (status !== 400) return null;
  const dropped = /dropped=(\d+)/.exec(String((err as Error).message));
  return dropped ? Math.min(batchSize, Number(dropped[1])) : batchSize;
}
