import { DateTime } from "luxon";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Aggregator } from "../../src/aggregator/aggregator.js";
import { EventBus } from "../../src/aggregator/event-bus.js";
import type { AggregatorEvents } from "../../src/aggregator/events.js";
import { AlertService } from "../../src/alerts/alert-service.js";
import type { OpeningHours } from "../../src/core/calendar/opening-hours.js";
import { parseRulesConfig } from "../../src/core/faults/config.js";
import { PresenceTracker } from "../../src/core/presence/tracker.js";
import type { AgentState, DeviceState } from "../../src/core/presence/types.js";
import { silentLogger } from "../../src/logging.js";
import { openDatabase } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";

/**
 * Opening and closing are noticed by re-checking every hall each minute. At a province's 10,000 halls one tick
 * that re-checked all of them at once held the event loop for 248 ms (docs/performance.md), so the re-check is
 * spread over the ticks of the minute, while a hall whose connectivity changed is still handled on the next tick.
 * Seen from outside: the alerts an opening brings come over a few ticks, all of them within the minute.
 */
const HALLS = 1_000;
const TICK_MS = 1_000;
const RECHECK_MS = 60_000;
const ZONE = "Asia/Shanghai";
// A Tuesday; the halls open at 09:00 local.
const BEFORE_OPENING = DateTime.fromISO("2026-12-01T08:59:00", { zone: ZONE }).toMillis();
const OPENING = DateTime.fromISO("2026-12-01T09:00:00", { zone: ZONE }).toMillis();
const DAY = [{ open: "09:00", close: "18:00" }];
const HOURS: OpeningHours = {
  timeZone: ZONE,
  weekly: { mon: DAY, tue: DAY, wed: DAY, thu: DAY, fri: DAY, sat: DAY, sun: DAY },
  exceptions: [],
};

const hallId = (i: number) => `h-${String(i).padStart(4, "0")}`;

function agentOf(hall: string): AgentState {
  return {
    hallId: hall,
    agentId: `${hall}-agent`,
    session: 1,
    connectivity: "online",
    connectivitySinceMs: BEFORE_OPENING - 3_600_000,
    lastSeq: null,
    lostMessages: 0,
    duplicateMessages: 0,
    version: null,
    platform: null,
    hostname: null,
    deviceIds: ["tv-1", "kiosk-1"],
    lastBirthMs: null,
  };
}

function deviceOf(hall: string, deviceId: string, kind: DeviceState["kind"], online: boolean): DeviceState {
  return {
    hallId: hall,
    deviceId,
    agentId: `${hall}-agent`,
    kind,
    model: "M",
    zone: "z",
    name: null,
    reportIntervalSec: 10,
    connectivity: online ? "online" : "offline",
    connectivitySinceMs: BEFORE_OPENING - 3_600_000,
    connectivityReason: online ? "data" : "silence",
    lastSeenMs: BEFORE_OPENING - 3_600_000,
    values: null,
    valuesTsMs: null,
    retired: false,
  };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** HALLS halls, each with a TV switched off since before opening (not ready at 09:00) and a kiosk that works. */
async function province() {
  let nowMs = BEFORE_OPENING;
  const logger = silentLogger();
  const presence = new PresenceTracker(nowMs);
  const halls = Array.from({ length: HALLS }, (_, i) => hallId(i));
  presence.restore(
    halls.map(agentOf),
    halls.flatMap((h) => [deviceOf(h, "tv-1", "tv", false), deviceOf(h, "kiosk-1", "kiosk", true)]),
  );
  const bus = new EventBus<AggregatorEvents>(logger);
  const aggregator = { bus, presence, isBrokerConnected: true } as unknown as Aggregator;
  const sql = new SqliteEngine(openDatabase(":memory:"));
  const alerts = new AlertService({
    sql,
    aggregator,
    rules: parseRulesConfig({}),
    logger,
    tickIntervalMs: TICK_MS, // its timer is faked: the test ticks by hand
    calendarRecheckMs: RECHECK_MS,
    openingHours: () => HOURS,
    now: () => nowMs,
  });
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
  await alerts.start();
  closers.push(async () => {
    vi.useRealTimers();
    await alerts.stop();
    await sql.close();
  });
  const tickAt = (atMs: number) => {
    nowMs = atMs;
    alerts.tick();
  };
  const notReady = () => alerts.activeAlerts().filter((a) => a.faultType === "not_ready");
  return { alerts, presence, bus, tickAt, notReady, setNow: (ms: number) => (nowMs = ms) };
}

describe("the calendar re-check at a province's size", () => {
  it("spreads an opening's alerts over a few ticks, and raises every one of them within the minute", async () => {
    const p = await province();
    p.tickAt(BEFORE_OPENING); // closed: the switched-off TVs are no fault
    expect(p.alerts.activeAlerts()).toEqual([]);

    // The first re-check after 09:00 (a minute after the last one).
    let atMs = BEFORE_OPENING + RECHECK_MS;
    expect(atMs).toBeGreaterThanOrEqual(OPENING);
    p.tickAt(atMs);
    const firstTick = p.notReady().length;
    expect(firstTick).toBeGreaterThan(0);
    expect(firstTick).toBeLessThanOrEqual(200); // the old code raised all 1,000 here, in one tick

    const seen = [firstTick];
    while (atMs < BEFORE_OPENING + 2 * RECHECK_MS - TICK_MS) {
      atMs += TICK_MS;
      p.tickAt(atMs);
      seen.push(p.notReady().length);
    }
    expect(p.notReady()).toHaveLength(HALLS);
    expect(new Set(p.notReady().map((a) => a.hallId)).size).toBe(HALLS);
    for (let i = 1; i < seen.length; i += 1)
      expect((seen[i] as number) - (seen[i - 1] as number)).toBeLessThanOrEqual(200);
    expect(seen.indexOf(HALLS)).toBeLessThan(RECHECK_MS / TICK_MS);
  });

  it("handles a hall whose device just went offline on the next tick, ahead of the re-check's backlog", async () => {
    const p = await province();
    p.tickAt(BEFORE_OPENING);
    const atMs = BEFORE_OPENING + RECHECK_MS;
    p.tickAt(atMs); // the re-check of 1,000 halls has begun
    const last = hallId(HALLS - 1);
    expect(p.notReady().some((a) => a.hallId === last)).toBe(false); // far back in the backlog

    const kiosk = p.presence.device(last, "kiosk-1") as DeviceState;
    kiosk.connectivity = "offline";
    kiosk.connectivityReason = "silence";
    kiosk.connectivitySinceMs = atMs + 500;
    p.bus.emit("device_connectivity", {
      device: kiosk,
      from: "online",
      to: "offline",
      reason: "silence",
      atMs: atMs + 500,
    });
    p.tickAt(atMs + TICK_MS);
    const ofLast = p.alerts.activeAlerts().filter((a) => a.hallId === last);
    expect(ofLast.map((a) => a.faultType).sort()).toEqual(["not_ready", "offline"]);
  });

  it("re-checks a hall the node came to know after the re-check began", async () => {
    const p = await province();
    p.tickAt(BEFORE_OPENING);
    p.tickAt(BEFORE_OPENING + RECHECK_MS);
    p.presence.restore([agentOf("h-late")], [deviceOf("h-late", "tv-1", "tv", false)]);
    for (let atMs = BEFORE_OPENING + RECHECK_MS; atMs <= BEFORE_OPENING + 3 * RECHECK_MS; atMs += TICK_MS)
      p.tickAt(atMs);
    expect(p.notReady()).toHaveLength(HALLS + 1);
    expect(p.notReady().some((a) => a.hallId === "h-late")).toBe(true);
  });
});
