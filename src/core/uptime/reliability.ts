/** A fault of one device (an alert of a failure severity): when it opened and when it was resolved, if it was. */
export interface FaultPeriod {
  openedMs: number;
  resolvedMs: number | null;
}

export interface Reliability {
  /** Failures that began in the range (overlapping or touching faults are one failure). */
  failures: number;
  /** Of those, the ones resolved (at any time, even after the range). */
  resolvedFailures: number;
  /** Sum of the repair times of the resolved failures (start → resolution, even past the range). */
  repairMs: number;
  /** upMs ÷ failures; null without failures. */
  mtbfMs: number | null;
  /** repairMs ÷ resolvedFailures; null when none was resolved. */
  mttrMs: number | null;
}

/**
 * A device's failures: its fault periods merged where they overlap or touch (a printer jam during an outage is
 * the same failure). An unresolved fault runs on without end, so everything opened after it joins its failure.
 */
export function failurePeriods(faults: readonly FaultPeriod[]): FaultPeriod[] {
  const sorted = [...faults].sort((a, b) => a.openedMs - b.openedMs);
  const out: { openedMs: number; resolvedMs: number | null }[] = [];
  for (const f of sorted) {
    const last = out[out.length - 1];
    if (last && (last.resolvedMs === null || f.openedMs <= last.resolvedMs)) {
      last.resolvedMs =
        last.resolvedMs === null || f.resolvedMs === null ? null : Math.max(last.resolvedMs, f.resolvedMs);
    } else out.push({ ...f });
  }
  return out;
}

/**
 * MTBF and MTTR of one device over [fromMs, toMs), given its up time over the same range (from `availability`).
 * Pass every failure-class fault of the device that overlaps the range — also those opened before it, so a
 * failure that began earlier is recognised as such and not counted again. A failure belongs to the range in which
 * it began; splitting a range therefore splits the failures without loss or double count.
 */
export function reliability(
  faults: readonly FaultPeriod[],
  fromMs: number,
  toMs: number,
  upMs: number,
): Reliability {
  const inRange = failurePeriods(faults).filter((f) => f.openedMs >= fromMs && f.openedMs < toMs);
  const resolved = inRange.filter(
    (f): f is { openedMs: number; resolvedMs: number } => f.resolvedMs !== null,
  );
  const repairMs = resolved.reduce((sum, f) => sum + (f.resolvedMs - f.openedMs), 0);
  return summarize(inRange.length, resolved.length, repairMs, upMs);
}

function summarize(failures: number, resolvedFailures: number, repairMs: number, upMs: number): Reliability {
  return {
    failures,
    resolvedFailures,
    repairMs,
    mtbfMs: failures > 0 ? upMs / failures : null,
    mttrMs: resolvedFailures > 0 ? repairMs / resolvedFailures : null,
  };
}

/** Kind or hall reliability from its devices' figures and their summed up time (means recomputed, not averaged). */
export function sumReliability(items: readonly Reliability[], upMs: number): Reliability {
  return summarize(
    items.reduce((s, r) => s + r.failures, 0),
    items.reduce((s, r) => s + r.resolvedFailures, 0),
    items.reduce((s, r) => s + r.repairMs, 0),
    upMs,
  );
}
