import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chargerValues, LiveStack, queueValues } from "../alerts/live-stack.js";
import { startJsonReceiver } from "../helpers/json-receiver.js";
import { waitFor } from "../helpers/wait.js";

const HALL = "ready-hall";
const TZ = "Asia/Shanghai";
const T = 30_000;
const at = (iso: string) => DateTime.fromISO(iso, { zone: TZ }).toMillis();
const daily = [{ open: "09:00", close: "18:00" }];

describe("pre-opening readiness check (raw agent, embedded broker, webhook, HTTP)", {
  timeout: 90_000,
}, () => {
  const stack = new LiveStack();
  let receiver: Awaited<ReturnType<typeof startJsonReceiver>>;

  beforeAll(async () => {
    receiver = await startJsonReceiver("{}");
    // Tue 1 Dec in Shanghai, before opening (it is still Mon 30 Nov in UTC).
    stack.setClock(at("2026-12-01T08:00:00"));
    await stack.start();
    await stack.hall(HALL, TZ);
    await stack.ok("PUT", `/api/halls/${HALL}/opening-hours`, {
      openingHours: {
        timeZone: TZ,
        weekly: { mon: daily, tue: daily, wed: daily, thu: daily, fri: daily, sat: daily, sun: daily },
      },
    });
    for (const language of ["en", "zh"]) {
      const channel = await stack.ok<{ id: string }>("POST", "/api/notify/channels", {
        name: `duty room ${language}`,
        language,
        config: { type: "webhook", url: `${receiver.url}/${language}`, secret: "0123456789abcdef0123" },
      });
      await stack.ok("POST", "/api/notify/rules", {
        name: `readiness ${language}`,
        roles: ["duty_manager"],
        actions: ["readiness"],
        channelIds: [channel.id],
      });
    }
  });

  afterAll(async () => {
    await stack.close();
    await receiver?.close();
  });

  it("defect 9: a jammed queue machine before opening makes the report 'not ready', naming it, the opening time and the fault", async () => {
    const agent = await stack.agent(HALL, "ready-agent", [
      { id: "queue-1", kind: "queue", model: "Q", zone: "lobby", reportIntervalSec: 10 },
      { id: "queue-2", kind: "queue", model: "Q", zone: "lobby", reportIntervalSec: 10 },
      { id: "charger-1", kind: "charger", model: "C", zone: "lobby", reportIntervalSec: 10 },
    ]);
    await agent.telemetry("queue-1", queueValues("ok"));
    await agent.telemetry("queue-2", queueValues("jam"));
    await agent.telemetry("charger-1", chargerValues(30));
    await waitFor(
      async () =>
        (await stack.ok("GET", `/api/alerts?hallId=${HALL}&deviceId=queue-2&status=active`)).items.length ===
        1,
      "queue-2 jam alert",
      T,
    );
    stack.setClock(at("2026-12-01T08:29:58"));
    const [en, zh] = await waitFor(
      () => {
        const en = receiver.bodies.find(
          (b) => b.readiness?.hallId === HALL && b.text.startsWith("Readiness"),
        );
        const zh = receiver.bodies.find(
          (b) => b.readiness?.hallId === HALL && b.text.startsWith("开门前检查"),
        );
        return en && zh ? [en, zh] : null;
      },
      "the readiness report on the duty manager's channels",
      T,
    );
    const lines: string[] = en.text.split("\n");
    const line = (label: string) => lines.find((l) => l.startsWith(`${label}:`)) ?? "";
    expect(en.title).toMatch(/NOT ready/);
    expect(line("Verdict")).toMatch(/^Verdict: NOT ready.*1 device not ready.*1 open fault/);
    expect(line("Opens")).toBe("Opens: Tue 1 Dec 2026, 09:00 (Asia/Shanghai)");
    expect(line("Devices not ready")).toMatch(/queue-2/);
    expect(line("Devices not ready")).toMatch(/printer jammed/i);
    expect(line("Devices not ready")).not.toMatch(/queue-1|charger-1|—/);
    expect(line("Open faults")).toMatch(/queue-2.*Ticket printer jammed/);
    expect(line("Inspections due today")).toBe("Inspections due today: none");
    expect(zh.text).toMatch(/未就绪/);
    expect(zh.text).toMatch(/09:00/);
    expect(zh.text).toMatch(/queue-2/);

    const api = await stack.ok("GET", `/api/halls/${HALL}/readiness`);
    expect(api.report).toMatchObject({
      hallId: HALL,
      ready: false,
      timeZone: TZ,
      openingMs: at("2026-12-01T09:00"),
      openingLocal: "2026-12-01T09:00",
    });
    expect(api.report.verdict.en).toMatch(/NOT ready/);
    expect(api.report.notReady.map((d: { deviceId: string }) => d.deviceId)).toEqual(["queue-2"]);
    expect(api.report.notReady[0].reasons).toEqual([
      expect.objectContaining({ type: "fault", faultType: "printer_jam" }),
    ]);
    expect(api.report.openAlerts.map((a: { deviceId: string }) => a.deviceId)).toEqual(["queue-2"]);
  });
});
