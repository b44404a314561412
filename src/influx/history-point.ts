import type { RETENTION } from "./schema.js";

export type RetentionPolicyName = (typeof RETENTION)[keyof typeof RETENTION];
export type FieldValue = number | boolean | string;

/** One point as the sink keeps it, in memory and in the on-disk buffer: InfluxDB's shape plus its policy. */
export interface HistoryPoint {
  rp: RetentionPolicyName;
  measurement: string;
  /** Bounded-cardinality values only (see schema.ts); empty values are left out. */
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** Milliseconds since the epoch; written with precision "ms". */
  timeMs: number;
}

/** Longest string field kept; longer text is cut (and marked) rather than refused by InfluxDB (64 KiB). */
const MAX_STRING_FIELD_CHARS = 4_000;

/**
 * Makes a point safe for the line protocol: drops empty tags and absent or non-finite fields, turns newlines in
 * strings into spaces (1.x line protocol cannot carry them) and cuts very long strings. Returns null when no field
 * is left, since InfluxDB refuses a point without fields.
 */
export function cleanPoint(point: HistoryPoint): HistoryPoint | null {
  if (!Number.isSafeInteger(point.timeMs) || point.timeMs <= 0)
    throw new Error(`invalid point time ${point.timeMs} for ${point.measurement}`);
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(point.tags)) {
    if (typeof value !== "string") continue;
    const text = value.replace(/[\r\n]+/g, " ");
    if (text !== "") tags[key] = text;
  }
  const fields: Record<string, FieldValue> = {};
  for (const [key, value] of Object.entries(point.fields)) {
    if (typeof value === "number") {
      if (Number.isFinite(value)) fields[key] = value;
    } else if (typeof value === "boolean") {
      fields[key] = value;
    } else if (typeof value === "string") {
      const text = value.replace(/[\r\n]+/g, " ");
      fields[key] =
        text.length > MAX_STRING_FIELD_CHARS ? `${text.slice(0, MAX_STRING_FIELD_CHARS)}…[cut]` : text;
    }
  }
  if (Object.keys(fields).length === 0) return null;
  return { rp: point.rp, measurement: point.measurement, tags, fields, timeMs: point.timeMs };
}
