import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kioskValues, type RawAgent } from "../helpers/raw-agent.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { LiveStack } from "./live-stack.js";

const HALL = "resolve-hall";
const T = 15_000;
const jammed = { ...kioskValues, printerState: "jam" };

describe("manual resolve of a live condition (raw agent, embedded broker, HTTP as floor staff)", {
  timeout: 60_000,
}, () => {
  const stack = new LiveStack();
  let agent: RawAgent;
  let floor = "";

  const activeJams = async () =>
    (
      await stack.ok<{ items: any[] }>(
        "GET",
        `/api/alerts?hallId=${HALL}&deviceId=kiosk-1&faultType=printer_jam&status=active`,
      )
    ).items;

  beforeAll(async () => {
    await stack.start();
    await stack.hall(HALL);
    agent = await stack.agent(HALL, "resolve-agent", [
      { id: "kiosk-1", kind: "kiosk", model: "K1", zone: "lobby", reportIntervalSec: 10 },
    ]);
    floor = await stack.user("floor1", ["floor_staff"], [HALL]);
  });

  afterAll(async () => {
    await stack.close();
  });

  it("defect 4: resolving a jam that is still jammed is refused with the reason, and the alert stays open while jam is reported", async () => {
    await agent.telemetry("kiosk-1", jammed);
    const [alert] = await waitFor(
      async () => {
        const items = await activeJams();
        return items.length === 1 ? items : null;
      },
      "printer_jam alert",
      T,
    );

    const refused = await stack.call(
      "POST",
      `/api/alerts/${alert.id}/resolve`,
      { reason: "cleared it" },
      floor,
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("condition_active");
    expect(refused.body.error.message).toMatch(/printer_jam/);
    expect(refused.body.error.message).toMatch(/kiosk-1/);
    // Floor staff cannot force it.
    const forced = await stack.call(
      "POST",
      `/api/alerts/${alert.id}/resolve`,
      { reason: "cleared it", force: true },
      floor,
    );
    expect(forced.status).toBe(403);

    for (let i = 0; i < 3; i++) {
      await agent.telemetry("kiosk-1", jammed);
      await sleep(200);
    }
    const still = await activeJams();
    expect(still.map((a) => a.id)).toEqual([alert.id]);
    // Visible on floor staff's own board too.
    const board = await stack.ok<{ items: any[] }>(
      "GET",
      `/api/alerts?hallId=${HALL}&status=active`,
      undefined,
      floor,
    );
    expect(board.items.map((a) => a.id)).toContain(alert.id);
  });

  it("defect 4: an admin's forced resolve of a live jam is raised again by the next jam reading", async () => {
    await agent.telemetry("kiosk-1", jammed);
    const [alert] = await waitFor(
      async () => {
        const items = await activeJams();
        return items.length === 1 ? items : null;
      },
      "an open printer_jam alert while the kiosk reports jam",
      T,
    );
    const forced = await stack.call("POST", `/api/alerts/${alert.id}/resolve`, {
      reason: "sensor misreads, printer checked by hand",
      force: true,
    });
    expect(forced.status).toBe(200);
    expect(forced.body.status).toBe("resolved");
    expect(await activeJams()).toEqual([]);

    await agent.telemetry("kiosk-1", jammed);
    const [again] = await waitFor(
      async () => {
        const items = await activeJams();
        return items.length === 1 ? items : null;
      },
      "printer_jam raised again",
      T,
    );
    const detail = await stack.ok("GET", `/api/alerts/${again.id}`);
    expect(detail.history.map((h: { action: string }) => h.action)).toContain("resolved");
    expect(detail.history.at(-1).action).toMatch(/reopened|opened/);

    // When the printer reports ok the alert resolves by itself.
    await agent.telemetry("kiosk-1", kioskValues);
    await waitFor(async () => (await activeJams()).length === 0, "auto-resolved", T);
  });
  it("defect 4: an agent that is still offline cannot be resolved by hand; its reason names it", async () => {
    const other = await stack.agent(HALL, "resolve-agent-2", [
      { id: "tv-1", kind: "tv", model: "T", zone: "lobby", reportIntervalSec: 10 },
    ]);
    await other.telemetry("tv-1", { power: "on", signalOk: true });
    const maintenance = await stack.user("maint1", ["maintenance"], [HALL]);
    other.kill();
    const agentAlert = await waitFor(
      async () =>
        (
          await stack.ok<{ items: any[] }>(
            "GET",
            `/api/alerts?hallId=${HALL}&faultType=agent_offline&status=active`,
          )
        ).items[0],
      "agent_offline alert",
      T,
    );
    const refused = await stack.call(
      "POST",
      `/api/alerts/${agentAlert.id}/resolve`,
      { reason: "rebooted it" },
      maintenance,
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("condition_active");
    expect(refused.body.error.message).toMatch(/agent resolve-agent-2 is still offline/);
  });
});
