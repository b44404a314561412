import { DateTime } from "luxon";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AlertService } from "../../src/alerts/alert-service.js";
import { ReadinessService } from "../../src/calendar/readiness-service.js";
import type { ReadinessReport } from "../../src/core/calendar/readiness.js";
import { parseRulesConfig } from "../../src/core/faults/config.js";
import { silentLogger } from "../../src/logging.js";
import { AggregatorHarness } from "../aggregator/harness.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { RawAgent } from "../helpers/raw-agent.js";
import { waitFor } from "../helpers/wait.js";

const at = (iso: string) => DateTime.fromISO(iso, { zone: "Asia/Shanghai" }).toMillis();

describe("ReadinessService", () => {
  let broker: PlainBroker;
  let harness: AggregatorHarness;

  beforeEach(async () => {
    broker = await startPlainBroker();
    harness = new AggregatorHarness(broker.url);
    harness.openDb();
    await harness.provision("h1", ["a1"]);
    await harness.start();
  });

  afterEach(async () => {
    await harness.close();
    await broker.close();
  });

  it("records one report per opening, 30 minutes before it, and announces it", async () => {
    const agent = new RawAgent(broker.url, "h1", "a1", 1, [
      { id: "tv-1", kind: "tv", model: "T", zone: "z", reportIntervalSec: 10 },
    ]);
    await agent.connect();
    await agent.online();
    await agent.birth();
    await waitFor(async () => (await harness.device("h1", "tv-1"))?.connectivity === "online", "online");
    agent.kill();
    await waitFor(async () => (await harness.device("h1", "tv-1"))?.connectivity === "offline", "offline");
    const nineToSix = [{ open: "09:00", close: "18:00" }];
    await harness.halls.setOpeningHours("h1", {
      timeZone: "Asia/Shanghai",
      weekly: { mon: nineToSix, tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
      exceptions: [],
    });
    let nowMs = at("2026-11-23T08:00");
    const alerts = new AlertService({
      sql: harness.sql,
      aggregator: harness.aggregator,
      rules: parseRulesConfig({}),
      logger: silentLogger(),
    });
    const readiness = new ReadinessService({
      sql: harness.sql,
      halls: harness.halls,
      aggregator: harness.aggregator,
      alerts,
      logger: silentLogger(),
      now: () => nowMs,
    });
    const announced: ReadinessReport[] = [];
    readiness.bus.on("readiness_report", (r) => announced.push(r));
    readiness.start();
    nowMs = at("2026-11-23T08:29");
    await readiness.poll();
    expect(announced).toHaveLength(0);
    nowMs = at("2026-11-23T08:30");
    await readiness.poll();
    nowMs = at("2026-11-23T08:31");
    await readiness.poll();
    readiness.stop();
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatchObject({
      hallId: "h1",
      openingMs: at("2026-11-23T09:00"),
      ready: false,
      notReady: [{ deviceId: "tv-1" }],
    });
    expect((await readiness.latest("h1"))?.openingMs).toBe(at("2026-11-23T09:00"));
  });
});
