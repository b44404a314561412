export interface ClockSkewPolicy {
  /** An agent time further than this from the receive time is skew. */
  thresholdMs: number;
  /** Skew that lasts this long (by receive time) raises a warning alert. */
  alertAfterMs: number;
}

export const DEFAULT_CLOCK_SKEW_POLICY: ClockSkewPolicy = { thresholdMs: 30_000, alertAfterMs: 300_000 };

/** One agent's clock, as seen from its live messages. */
export interface AgentClock {
  /** Agent time minus receive time of the latest live message, when beyond the threshold; else null. */
  skewMs: number | null;
  /** Receive time of the first message of the current run beyond the threshold; null when within it. */
  beyondSinceMs: number | null;
}

export interface ClockVerdict {
  /** Agent time minus receive time, when it counts as skew; null otherwise. */
  skewMs: number | null;
  /** The skew has lasted `alertAfterMs`: time to tell maintenance. */
  persisting: boolean;
  /** When the point of this message happened, as best known. */
  pointTimeMs: number;
}

/**
 * Judges a live message's agent time (`tsMs`) against its receive time. A message cannot arrive before it is
 * sent, so an agent time ahead of the receive time is the agent's clock, at once. One behind it may be delay (a
 * message queued in the broker while the aggregator was away) or a slow clock: it counts as skew only once it
 * has lasted `alertAfterMs`. A skewed message's point is stored at its receive time; every other message keeps
 * the agent's time, which orders a burst correctly. Historical replays are not judged here: they keep their time.
 */
export function judgeClock(
  clock: AgentClock,
  tsMs: number,
  receivedMs: number,
  policy: ClockSkewPolicy,
): ClockVerdict {
  const offsetMs = tsMs - receivedMs;
  if (Math.abs(offsetMs) <= policy.thresholdMs) {
    clock.skewMs = null;
    clock.beyondSinceMs = null;
    return { skewMs: null, persisting: false, pointTimeMs: tsMs };
  }
  clock.beyondSinceMs ??= receivedMs;
  const persisting = receivedMs - clock.beyondSinceMs >= policy.alertAfterMs;
  const skewed = offsetMs > 0 || persisting;
  clock.skewMs = skewed ? offsetMs : null;
  return { skewMs: clock.skewMs, persisting, pointTimeMs: skewed ? receivedMs : tsMs };
}
