import { readFileSync } from "node:fs";
import { DateTime } from "luxon";
import mqtt from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { decodeMessage, topics } from "../../src/contract/index.js";
import { startJsonReceiver } from "../helpers/json-receiver.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { AlertStack, HALL, openStream } from "./harness.js";

const FAST_RULES = {
  kinds: {
    charger: { overheat: { forSec: 2 } },
    kiosk: { app_down: { forSec: 1 } },
    gateway: { uplink_down: { forSec: 1 } },
  },
};

const T = 20_000;

async function startedStack(rules: unknown = FAST_RULES): Promise<AlertStack> {
  const stack = new AlertStack(rules);
  await stack.start();
  await waitFor(
    async () => (await stack.get(`/api/devices?hallId=${HALL}&connectivity=online`)).items.length === 36,
    "36 devices online",
    T,
  );
  return stack;
}

const FAULTS = [
  ["kiosk-1", "paper_jam", "printer_jam", "major", ["floor_staff"]],
  ["kiosk-2", "paper_low", "paper_low", "warning", ["floor_staff"]],
  ["queue-1", "congestion", "congestion", "operational", ["floor_staff", "duty_manager"]],
  ["queue-2", "printer_jam", "printer_jam", "critical", ["floor_staff", "duty_manager"]],
  ["ext-1", "removed", "removed", "critical", ["security", "duty_manager"]],
  ["hydrant-1", "low_pressure", "hydrant_low_pressure", "critical", ["security", "maintenance"]],
  ["charger-1", "overheat", "overheat", "critical", ["duty_manager", "security"]],
  ["tv-3", "player_stalled", "player_stalled", "major", ["maintenance"]],
] as const;

describe("alerts end to end (real broker, real agents, simulator faults)", { timeout: 60_000 }, () => {
  let stack: AlertStack;
  let stream: Awaited<ReturnType<typeof openStream>>;

  beforeAll(async () => {
    stack = await startedStack();
    stream = await openStream(`${stack.at.httpUrl}/api/alerts/stream`, stack.token);
  });

  afterAll(async () => {
    stream?.close();
    await stack?.close();
  });

  it.each(FAULTS)(
    "%s %s → %s alert (%s) on the API and the live stream; clearing resolves it",
    async (deviceId, fault, faultType, severity, audience) => {
      stack.simulator.inject(HALL, deviceId, fault);
      const alert = await waitFor(
        async () =>
          (await stack.alerts(`&deviceId=${deviceId}&status=open`)).find((a) => a.faultType === faultType),
        `${faultType} alert`,
        T,
      );
      expect(alert).toMatchObject({ severity, audience: [...audience], count: 1 });
      await waitFor(
        () => stream.events.some((e) => e.alert.id === alert.id && e.action === "opened"),
        "live stream event",
        T,
      );
      stack.simulator.clear(HALL, deviceId, fault);
      const resolved = await waitFor(
        async () => {
          const detail = await stack.get(`/api/alerts/${alert.id}`);
          return detail.status === "resolved" ? detail : null;
        },
        "auto-resolved",
        T,
      );
      expect(resolved.resolved.by).toBe("auto");
      expect(resolved.history.map((h: { action: string }) => h.action)).toEqual(["opened", "resolved"]);
      await waitFor(
        () => stream.events.some((e) => e.alert.id === alert.id && e.action === "resolved"),
        "resolved on stream",
        T,
      );
      expect(
        (await stack.alerts(`&deviceId=${deviceId}`)).filter((a) => a.faultType === faultType),
      ).toHaveLength(1);
    },
  );

  it("lets a person acknowledge, comment and resolve, and refuses what the state does not allow", async () => {
    stack.simulator.inject(HALL, "kiosk-3", "paper_jam");
    const alert = await waitFor(
      async () => (await stack.alerts("&deviceId=kiosk-3&status=open"))[0],
      "alert",
      T,
    );
    expect((await stack.post(`/api/alerts/${alert.id}/acknowledge`, { comment: "going" })).status).toBe(200);
    expect((await stack.post(`/api/alerts/${alert.id}/acknowledge`, {})).status).toBe(409);
    expect(
      (await stack.post(`/api/alerts/${alert.id}/comments`, { text: "jam cleared, testing" })).status,
    ).toBe(200);
    expect((await stack.post(`/api/alerts/${alert.id}/resolve`, {})).status).toBe(400);
    // Still jammed: refused (docs/faults.md, issue 12 defect 4) unless an admin forces it.
    expect((await stack.post(`/api/alerts/${alert.id}/resolve`, { reason: "fixed" })).status).toBe(409);
    expect(
      (await stack.post(`/api/alerts/${alert.id}/resolve`, { reason: "fixed", force: true })).status,
    ).toBe(200);
    expect((await stack.post("/api/alerts/nope/resolve", { reason: "y" })).status).toBe(404);
    const detail = await stack.get(`/api/alerts/${alert.id}`);
    expect(
      detail.history.slice(0, 4).map((h: { action: string; by: string | null }) => [h.action, h.by]),
    ).toEqual([
      ["opened", null],
      ["acknowledged", "admin"],
      ["commented", "admin"],
      ["resolved", "admin"],
    ]);
    stack.simulator.clear(HALL, "kiosk-3", "paper_jam");
  });

  it("publishes alert changes on the documented MQTT topic", async () => {
    const secret = readFileSync(`${stack.dataDir}/service-secret`, "utf8").trim();
    const client = await mqtt.connectAsync(stack.at.mqttUrl, {
      clientId: "_aggregator-observer",
      username: "_aggregator",
      password: secret,
    });
    const seen: any[] = [];
    client.on("message", (topic, payload) => {
      const decoded = decodeMessage(topic, payload);
      if (decoded.ok && decoded.value.type === "alert_event") seen.push(decoded.value.message);
    });
    await client.subscribeAsync(topics.alertEvents(HALL), { qos: 1 });
    stack.simulator.inject(HALL, "ext-2", "seal_broken");
    await waitFor(
      () => seen.some((e) => e.alert.faultType === "seal_broken" && e.action === "opened"),
      "alert on MQTT",
      T,
    );
    await client.endAsync();
  });
});

describe("connectivity alerts and restarts", { timeout: 60_000 }, () => {
  let stack: AlertStack;

  afterEach(async () => {
    await stack?.close();
  });

  it("raises exactly one alert when an agent hosting 10 devices dies", async () => {
    stack = await startedStack();
    stack.simulator.crashAgent(`${HALL}-sensor-hub`);
    const alert = await waitFor(
      async () => (await stack.alerts("&status=open")).find((a) => a.faultType === "agent_offline"),
      "agent alert",
      T,
    );
    expect(alert.agentId).toBe(`${HALL}-sensor-hub`);
    expect(alert.affected).toHaveLength(10);
    await sleep(1500);
    expect((await stack.alerts()).map((a) => a.faultType)).toEqual(["agent_offline"]);
    stack.simulator.restartAgent(`${HALL}-sensor-hub`);
    await waitFor(
      async () => (await stack.get(`/api/alerts/${alert.id}`)).status === "resolved",
      "resolved when back",
      T,
    );
  });

  it("shows one gateway alert and no device-offline alerts while the hall gateway is down", async () => {
    stack = await startedStack();
    stack.simulator.crashAgent(`${HALL}-gateway`);
    const gatewayAlert = await waitFor(
      async () => (await stack.alerts("&status=open")).find((a) => a.faultType === "gateway_down"),
      "gateway alert",
      T,
    );
    stack.simulator.crashAgent(`${HALL}-kiosk-1`);
    stack.simulator.crashAgent(`${HALL}-sensor-hub`);
    // 10 sensors on the gateway agent, kiosk-1, and the hub's 10 extinguishers
    await waitFor(
      async () => (await stack.get(`/api/alerts/${gatewayAlert.id}`)).affected.length === 21,
      "devices under the gateway alert",
      T,
    );
    await sleep(1500);
    expect((await stack.alerts()).map((a) => a.faultType)).toEqual(["gateway_down"]);
  });

  it("keeps an agent's offline alert open when the gateway then goes down, and resolves it only when the agent is back", async () => {
    stack = await startedStack();
    stack.simulator.crashAgent(`${HALL}-sensor-hub`);
    const agentAlert = await waitFor(
      async () => (await stack.alerts("&status=open")).find((a) => a.faultType === "agent_offline"),
      "agent alert",
      T,
    );
    stack.simulator.crashAgent(`${HALL}-gateway`);
    await waitFor(
      async () => (await stack.alerts("&status=open")).find((a) => a.faultType === "gateway_down"),
      "gateway alert",
      T,
    );
    await sleep(1500);
    // Folded under the gateway, but its cause (a dead agent) still holds: not "back online".
    expect((await stack.get(`/api/alerts/${agentAlert.id}`)).status).toBe("open");
    stack.simulator.restartAgent(`${HALL}-gateway`);
    await waitFor(
      async () => !(await stack.alerts("&status=open")).some((a) => a.faultType === "gateway_down"),
      "gateway back",
      T,
    );
    const again = await stack.get(`/api/alerts/${agentAlert.id}`);
    expect(again.status).toBe("open");
    expect(again.flapping).toBe(false);
    stack.simulator.restartAgent(`${HALL}-sensor-hub`);
    await waitFor(
      async () => (await stack.get(`/api/alerts/${agentAlert.id}`)).status === "resolved",
      "resolved when the agent is back",
      T,
    );
  });

  it("folds offline devices into the uplink alert while the gateway reports its uplink down", async () => {
    stack = await startedStack();
    stack.simulator.inject(HALL, "gateway", "uplink_loss");
    const uplink = await waitFor(
      async () => (await stack.alerts("&status=open")).find((a) => a.faultType === "uplink_down"),
      "uplink alert",
      T,
    );
    stack.simulator.crashAgent(`${HALL}-tv-2`);
    await waitFor(
      async () => (await stack.get(`/api/alerts/${uplink.id}`)).affected.includes("tv-2"),
      "tv-2 under the uplink alert",
      T,
    );
    await sleep(1500);
    expect((await stack.alerts()).map((a) => a.faultType)).toEqual(["uplink_down"]);
  });

  it("neither duplicates nor drops alerts across a server restart, and resumes pending durations", async () => {
    stack = await startedStack({
      ...FAST_RULES,
      kinds: { ...FAST_RULES.kinds, charger: { overheat: { forSec: 4 } } },
    });
    stack.simulator.inject(HALL, "kiosk-4", "paper_jam");
    const jam = await waitFor(
      async () => (await stack.alerts("&deviceId=kiosk-4&status=open"))[0],
      "jam alert",
      T,
    );
    stack.simulator.inject(HALL, "charger-2", "overheat");
    await waitFor(
      async () => (await stack.get(`/api/devices/${HALL}/charger-2`)).values.enclosureTempC > 55,
      "overheat reading",
      T,
    );
    const pendingSinceMs = Date.now();
    await stack.stopServer();
    await stack.start(); // same data directory and port; the agents reconnect with their faults still on
    const overheat = await waitFor(
      async () =>
        (await stack.alerts("&deviceId=charger-2&status=open")).find((a) => a.faultType === "overheat"),
      "overheat raised after the restart",
      T,
    );
    expect(overheat.count).toBe(1);
    expect(overheat.openedMs - pendingSinceMs).toBeGreaterThanOrEqual(3000);
    const kioskAlerts = (await stack.alerts("&deviceId=kiosk-4")).filter(
      (a) => a.faultType === "printer_jam",
    );
    expect(kioskAlerts).toHaveLength(1);
    expect(kioskAlerts[0]).toMatchObject({ id: jam.id, status: "open", count: 1 });
    stack.simulator.clear(HALL, "kiosk-4", "paper_jam");
    const after = await waitFor(
      async () => {
        const d = await stack.get(`/api/alerts/${jam.id}`);
        return d.status === "resolved" ? d : null;
      },
      "jam resolved after restart",
      T,
    );
    expect(after.history.map((h: { action: string }) => h.action)).toEqual(["opened", "resolved"]);
  });

  it("does not alert on a TV or kiosk that is off while the hall is closed, but watches fire equipment around the clock", async () => {
    stack = await startedStack();
    const allWeek = (ranges: { open: string; close: string }[]) =>
      Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, ranges]));
    const closed = { timeZone: "Asia/Shanghai", weekly: allWeek([]) };
    expect((await stack.put(`/api/halls/${HALL}/opening-hours`, { openingHours: closed })).status).toBe(200);
    stack.simulator.crashAgent(`${HALL}-tv-1`);
    stack.simulator.crashAgent(`${HALL}-sensor-hub`);
    await waitFor(
      async () => (await stack.alerts("&status=open")).some((a) => a.faultType === "agent_offline"),
      "hub alert",
      T,
    );
    await sleep(2000);
    const whileClosed = await stack.alerts("&status=open");
    expect(whileClosed.map((a) => a.agentId)).toEqual([`${HALL}-sensor-hub`]);
    // Opening time: the TV must now be up, and its absence is a fault.
    const open = { timeZone: "Asia/Shanghai", weekly: allWeek([{ open: "00:00", close: "24:00" }]) };
    expect((await stack.put(`/api/halls/${HALL}/opening-hours`, { openingHours: open })).status).toBe(200);
    await waitFor(
      async () => (await stack.alerts("&status=open")).some((a) => a.agentId === `${HALL}-tv-1`),
      "TV alert once open",
      T,
    );
    const bad = await stack.put(`/api/halls/${HALL}/opening-hours`, {
      openingHours: { timeZone: "Nowhere/Land", weekly: {} },
    });
    expect(bad.status).toBe(400);
  }, 60_000);

  it("records alerts during a maintenance window as in maintenance, and leaves the window out of uptime", async () => {
    stack = await startedStack();
    const startMs = Date.now();
    const created = await stack.post(`/api/halls/${HALL}/maintenance-windows`, {
      scope: { type: "device", deviceId: "kiosk-2" },
      recurrence: { type: "once", startMs, endMs: startMs + 3_600_000 },
      reason: "printer replacement",
    });
    expect(created.status).toBe(200);
    const window = (await created.json()) as { id: string; createdBy: string };
    expect(window.createdBy).toBe("admin");
    stack.simulator.inject(HALL, "kiosk-2", "paper_jam");
    stack.simulator.inject(HALL, "kiosk-3", "paper_jam");
    const during = await waitFor(
      async () => {
        const items = await stack.alerts("&status=open&faultType=printer_jam");
        return items.length === 2 ? items : null;
      },
      "two jam alerts",
      T,
    );
    expect(Object.fromEntries(during.map((a) => [a.deviceId, a.inMaintenance]))).toEqual({
      "kiosk-2": true,
      "kiosk-3": false,
    });
    await sleep(500);
    const uptime = await stack.get(`/api/uptime?hallId=${HALL}&deviceId=kiosk-2&fromMs=${startMs - 60_000}`);
    expect(uptime.items[0].maintenanceMs).toBeGreaterThan(0);
    expect(uptime.items[0].expectedMs).toBeLessThan(61_000);
    const bad = await stack.post(`/api/halls/${HALL}/maintenance-windows`, {
      scope: { type: "kind", kind: "toaster" },
      recurrence: { type: "daily", start: "25:00", durationMin: 10 },
      reason: "x",
    });
    expect(bad.status).toBe(400);
    const removed = await fetch(`${stack.at.httpUrl}/api/maintenance-windows/${window.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${stack.token}` },
    });
    expect(removed.status).toBe(200);
  });

  it("previews the pre-opening readiness report: devices not ready and open faults", async () => {
    stack = await startedStack();
    stack.simulator.crashAgent(`${HALL}-tv-1`);
    stack.simulator.inject(HALL, "queue-1", "paper_low");
    const report = await waitFor(
      async () => {
        const body = await stack.get(`/api/halls/${HALL}/readiness?preview=true`);
        const faults = body.report.openAlerts.map((x: { faultType: string }) => x.faultType);
        return body.report.notReady.length > 0 && faults.includes("paper_low") ? body.report : null;
      },
      "report with the dead TV and the paper alert",
      T,
    );
    expect(report.ready).toBe(false);
    expect(report.notReady.map((d: { deviceId: string }) => d.deviceId)).toEqual(["tv-1"]);
    expect(report.openAlerts.map((a: { faultType: string }) => a.faultType)).toContain("paper_low");
    expect((await stack.get(`/api/halls/${HALL}/readiness`)).report).toBeNull();
  });

  it("produces today's daily report as JSON, CSV and a printable page", async () => {
    stack = await startedStack();
    stack.simulator.inject(HALL, "kiosk-1", "paper_jam");
    await waitFor(
      async () => (await stack.alerts("&deviceId=kiosk-1&status=open")).length === 1,
      "jam alert",
      T,
    );
    const today = DateTime.now().setZone("Asia/Shanghai").toISODate();
    const report = await stack.get(`/api/halls/${HALL}/reports/day?date=${today}`);
    expect(report.uptime.devices).toHaveLength(36);
    expect(report.faults.items.map((f: { faultType: string }) => f.faultType)).toContain("printer_jam");
    const csv = await fetch(`${stack.at.httpUrl}/api/halls/${HALL}/reports/day?date=${today}&format=csv`, {
      headers: { authorization: `Bearer ${stack.token}` },
    });
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect(await csv.text()).toMatch(/^fault,alert-hall,kiosk-1,/m);
    const html = await fetch(`${stack.at.httpUrl}/api/halls/${HALL}/reports/month?format=html`, {
      headers: { authorization: `Bearer ${stack.token}` },
    });
    expect(await html.text()).toContain("月报 Monthly report");
  });

  it("opening a minute away: a TV switched off before opening raises nothing until the hall opens, then 'not ready'", async () => {
    stack = await startedStack();
    // A same-day range needs the opening well before local midnight: near Shanghai's midnight the hall is put in
    // London's zone (8 h behind), so the test runs in full at any hour.
    const shanghai = DateTime.now().setZone("Asia/Shanghai");
    const timeZone = shanghai.hour === 23 && shanghai.minute >= 55 ? "Europe/London" : "Asia/Shanghai";
    const now = DateTime.now().setZone(timeZone);
    let opening = now.plus({ minutes: 1 }).startOf("minute");
    if (opening.diff(now).as("seconds") < 15) opening = opening.plus({ minutes: 1 });
    const weekday = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][opening.weekday - 1] as string;
    const hours = {
      timeZone,
      weekly: { [weekday]: [{ open: opening.toFormat("HH:mm"), close: "24:00" }] },
    };
    expect((await stack.put(`/api/halls/${HALL}/opening-hours`, { openingHours: hours })).status).toBe(200);
    stack.simulator.crashAgent(`${HALL}-tv-1`);
    await sleep(3000);
    expect(
      (await stack.alerts("&status=open")).filter(
        (a) => a.deviceId === "tv-1" || a.agentId === `${HALL}-tv-1`,
      ),
    ).toEqual([]);
    const preview = await stack.get(`/api/halls/${HALL}/readiness?preview=true`);
    expect(preview.report.openingMs).toBe(opening.toMillis());
    expect(preview.report.notReady.map((d: { deviceId: string }) => d.deviceId)).toEqual(["tv-1"]);
    const alert = await waitFor(
      async () => (await stack.alerts("&status=open")).find((a) => a.deviceId === "tv-1"),
      "not-ready alert after opening",
      opening.toMillis() - Date.now() + 15_000,
    );
    expect(alert.faultType).toBe("not_ready");
    expect(Date.now()).toBeGreaterThanOrEqual(opening.toMillis());
  }, 150_000);

  it("notifies a configured webhook of an injected fault and of its resolution, end to end", async () => {
    stack = await startedStack();
    const receiver = await startJsonReceiver("{}");
    const bodies = receiver.bodies;
    try {
      const url = `${receiver.url}/hook`;
      const channel = (await (
        await stack.post("/api/notify/channels", {
          name: "duty room",
          config: { type: "webhook", url, secret: "0123456789abcdef0123" },
        })
      ).json()) as {
        id: string;
        config: { secret: string };
      };
      expect(channel.config.secret).toBe("••••••");
      expect(
        (
          await stack.post("/api/notify/rules", {
            name: "floor",
            roles: ["floor_staff"],
            channelIds: [channel.id],
          })
        ).status,
      ).toBe(200);
      stack.simulator.inject(HALL, "kiosk-4", "paper_jam");
      await waitFor(
        () => bodies.some((b) => b.action === "opened" && b.alert.deviceId === "kiosk-4"),
        "opened notice",
        T,
      );
      stack.simulator.clear(HALL, "kiosk-4", "paper_jam");
      await waitFor(
        () => bodies.some((b) => b.action === "resolved" && b.alert.deviceId === "kiosk-4"),
        "resolved notice",
        T,
      );
      await waitFor(
        async () =>
          (await stack.get("/api/notify/deliveries")).items.filter((d: { ok: boolean }) => d.ok).length >= 2,
        "both deliveries logged",
        T,
      );
    } finally {
      await receiver.close();
    }
  });
});
