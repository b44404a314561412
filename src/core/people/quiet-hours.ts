import { DateTime } from "luxon";

/** A person's quiet hours: local "HH:mm" start (inclusive) and end (exclusive) in their zone; may cross midnight. */
export interface QuietHours {
  start: string;
  end: string;
  zone: string;
}

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return h * 60 + m;
};

/**
 * Whether the instant falls in the window on the person's wall clock. Reading the wall clock (not adding
 * offsets to a start instant) keeps it right on DST days: a skipped or repeated hour is simply quiet or not
 * by the time it shows. An empty window (start = end) is never quiet.
 */
export function inQuietHours(window: QuietHours | null, atMs: number): boolean {
  if (!window) return false;
  const local = DateTime.fromMillis(atMs, { zone: window.zone });
  if (!local.isValid) return false;
  const now = local.hour * 60 + local.minute;
  const start = minutes(window.start);
  const end = minutes(window.end);
  if (start === end) return false;
  return start < end ? now >= start && now < end : now >= start || now < end;
}
