import { afterEach, describe, expect, it } from "vitest";
import type { BirthDevice } from "../../src/contract/index.js";
import { kioskValues, type RawAgent } from "../helpers/raw-agent.js";
import { waitFor } from "../helpers/wait.js";
import { PresenceStack } from "./stack.js";

const HALL = "hall-8";
const device = (id: string, kind: "gateway" | "kiosk" | "tv"): BirthDevice => ({
  id,
  kind,
  model: "M1",
  zone: "self-service",
  reportIntervalSec: 10,
});
const gatewayValues = (uplinkOk: boolean) => ({
  uplinkOk,
  latencyMs: 20,
  packetLossPct: 0,
  sensorsOnline: 0,
});

describe("uplink alert (issue 12, defect 8)", { timeout: 60_000 }, () => {
  let stack: PresenceStack;
  const agents: RawAgent[] = [];

  afterEach(async () => {
    agents.splice(0);
    await stack.close();
  });

  it("defect 8: uplink_down lists the hall's devices it affects", async () => {
    stack = new PresenceStack({}, { kinds: { gateway: { uplink_down: { forSec: 0 } } } });
    await stack.start();
    const gw = await stack.provision(HALL, "hall-8-gateway", [device("gateway", "gateway")]);
    const k = await stack.provision(HALL, "hall-8-kiosks", [
      device("kiosk-1", "kiosk"),
      device("tv-1", "tv"),
    ]);
    for (const a of [gw, k]) {
      agents.push(a);
      await a.connect();
      await a.online();
      await a.birth();
    }
    await k.telemetry("kiosk-1", kioskValues);
    await gw.telemetry("gateway", gatewayValues(true));
    await waitFor(
      async () => (await stack.get(`/api/devices/${HALL}/gateway`)).values?.uplinkOk === true,
      "up",
    );
    await gw.telemetry("gateway", gatewayValues(false));
    const alert = await waitFor(
      async () => (await stack.alerts(HALL)).find((a) => a.faultType === "uplink_down"),
      "uplink alert",
    );
    // Every device of the hall behind its gateway is cut off, although all of them are still online.
    await waitFor(
      async () => (await stack.get(`/api/alerts/${alert.id}`)).affected.join() === "kiosk-1,tv-1",
      "kiosk-1 and tv-1 affected",
    );
    expect(await stack.get(`/api/alerts/${alert.id}`)).toMatchObject({
      status: "open",
      deviceId: "gateway",
      affected: ["kiosk-1", "tv-1"],
    });
  });
});
