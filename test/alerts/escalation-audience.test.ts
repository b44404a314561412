import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../src/core/faults/types.js";
import { startJsonReceiver } from "../helpers/json-receiver.js";
import { waitFor } from "../helpers/wait.js";
import { chargerValues, LiveStack } from "./live-stack.js";

const HALL = "escalate-hall";
const T = 20_000;
// Overheat at once, escalation after 1 s per level: level 1 duty_manager + maintenance, level 2 admin (defaults).
const RULES = {
  kinds: { charger: { overheat: { forSec: 0 } } },
  escalation: { afterSecBySeverity: { critical: 1 } },
};

describe("escalation audience (raw agent, embedded broker, webhook, HTTP per role)", {
  timeout: 60_000,
}, () => {
  const stack = new LiveStack(RULES);
  let receiver: Awaited<ReturnType<typeof startJsonReceiver>>;

  beforeAll(async () => {
    receiver = await startJsonReceiver("{}");
    await stack.start();
    await stack.hall(HALL);
    const channel = await stack.ok<{ id: string }>("POST", "/api/notify/channels", {
      name: "escalations",
      config: { type: "webhook", url: `${receiver.url}/hook`, secret: "0123456789abcdef0123" },
    });
    await stack.ok("POST", "/api/notify/rules", {
      name: "everyone escalated",
      roles: ["duty_manager", "maintenance", "admin", "security", "floor_staff"],
      actions: ["opened", "escalated"],
      channelIds: [channel.id],
    });
  });

  afterAll(async () => {
    await stack.close();
    await receiver?.close();
  });

  it("defect 5: every role an escalation notice names can see the alert in GET /api/alerts; a role not in it cannot", async () => {
    const agent = await stack.agent(HALL, "escalate-agent", [
      { id: "charger-1", kind: "charger", model: "C6", zone: "lobby", reportIntervalSec: 10 },
    ]);
    await agent.telemetry("charger-1", chargerValues(70));
    const escalations = await waitFor(
      () => {
        const found = receiver.bodies.filter(
          (b) => b.action === "escalated" && b.alert?.deviceId === "charger-1",
        );
        return found.length >= 2 ? found : null;
      },
      "two escalation notices for the overheat",
      T,
    );
    const alertId: string = escalations[0].alert.id;
    const named = new Set<Role>(escalations.flatMap((b) => b.escalatedTo as Role[]));
    expect([...named].sort()).toEqual(["admin", "duty_manager", "maintenance"]);
    expect(escalations[0].text).toMatch(/升级至: duty_manager, maintenance/); // the channel speaks zh by default

    for (const role of named) {
      const token = await stack.user(`esc-${role.replace("_", "-")}`, [role], [HALL]);
      const listed = await stack.ok<{ items: { id: string }[] }>(
        "GET",
        `/api/alerts?hallId=${HALL}`,
        undefined,
        token,
      );
      expect(
        listed.items.map((a) => a.id),
        `${role} lists the alert it was told about`,
      ).toContain(alertId);
      const one = await stack.call("GET", `/api/alerts/${alertId}`, undefined, token);
      expect(one.status, `${role} opens the alert`).toBe(200);
    }
    // floor_staff is neither in the overheat's audience nor named by any escalation.
    const floor = await stack.user("esc-floor", ["floor_staff"], [HALL]);
    const floorList = await stack.ok<{ items: { id: string }[] }>(
      "GET",
      `/api/alerts?hallId=${HALL}`,
      undefined,
      floor,
    );
    expect(floorList.items.map((a) => a.id)).not.toContain(alertId);
  });
});
