import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireInCi } from "../helpers/external-servers.js";
import { INFLUXD } from "../helpers/influxd.js";
import { MOSQUITTO } from "../helpers/mosquitto.js";
import { sleep } from "../helpers/wait.js";
import { ChaosHarness } from "./harness.js";

const available = requireInCi(MOSQUITTO, "mosquitto") && requireInCi(INFLUXD, "influxd");

describe.runIf(available)(
  "the aggregator killed with SIGKILL (Mosquitto, InfluxDB, agents in their own processes)",
  () => {
    const harness = new ChaosHarness(["kill-agent-1", "kill-agent-2"], 20);

    beforeAll(async () => {
      await harness.setUp();
    }, 60_000);
    afterAll(async () => {
      await harness.tearDown();
    }, 60_000);

    it("defect 19: no acknowledged message is lost when the aggregator is SIGKILLed, and none is stored twice", async () => {
      await harness.startAggregator();
      harness.startAgents();
      await sleep(4000);
      for (let kill = 0; kill < 3; kill++) {
        await harness.killAggregator();
        await sleep(500);
        await harness.startAggregator();
        await sleep(3000);
      }
      await harness.drainAgents(60_000);
      await harness.waitForStored(60_000);
      const { missing, extra, duplicated } = await harness.compare();
      expect(harness.generatedCount).toBeGreaterThan(500);
      const why = [...harness.timeline, ...harness.deadLetters(), harness.logFile].join("\n");
      expect({ missing: missing.length, extra, duplicated, firstMissing: missing.slice(0, 5) }, why).toEqual({
        missing: 0,
        extra: [],
        duplicated: 0,
        firstMissing: [],
      });
    }, 180_000);
  },
);
