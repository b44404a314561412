import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { readinessReport } from "../../src/core/calendar/readiness.js";
import { readinessMessage } from "../../src/notify/readiness-message.js";

const TZ = "Europe/Berlin";
const at = (iso: string) => DateTime.fromISO(iso, { zone: TZ }).toMillis();
const jam = { en: "Ticket printer jammed: no tickets", zh: "取号机卡纸，无法取号" };
const low = { en: "Ticket paper low", zh: "取号纸不足" };

const report = (over: Partial<Parameters<typeof readinessReport>[0]> = {}) =>
  readinessReport({
    hallId: "h",
    timeZone: TZ,
    openingMs: at("2026-12-01T09:00"),
    generatedMs: at("2026-12-01T08:30"),
    devices: [
      { deviceId: "queue-1", kind: "queue", name: null, zone: "z", connectivity: "online" },
      { deviceId: "queue-2", kind: "queue", name: null, zone: "z", connectivity: "online" },
      { deviceId: "tv-1", kind: "tv", name: null, zone: "z", connectivity: "offline" },
    ],
    openAlerts: [
      { id: "a1", deviceId: "queue-2", faultType: "printer_jam", severity: "critical", summary: jam },
      { id: "a2", deviceId: "queue-1", faultType: "paper_low", severity: "warning", summary: low },
    ],
    inspectionsDue: [
      { assetId: "ext-2", dueMs: at("2026-12-01T23:59") },
      { assetId: "ext-1", dueMs: at("2026-11-30T23:59") },
    ],
    ...over,
  });

describe("readiness report and message", () => {
  it("defect 9: a device with an open fault that takes it out of service is not ready; a usable one is only an open fault", () => {
    const r = report();
    expect(r.ready).toBe(false);
    expect(r.openingLocal).toBe("2026-12-01T09:00");
    expect(r.notReady.map((d) => [d.deviceId, d.reasons.map((x) => x.type)])).toEqual([
      ["queue-2", ["fault"]],
      ["tv-1", ["offline"]],
    ]);
    expect(r.verdict.en).toBe("NOT ready: 2 devices not ready, 2 open faults; 2 inspections due today");
  });

  it("defect 9: the message gives the verdict, the opening in the hall's zone, every device not ready, fault and inspection", () => {
    const en = readinessMessage(report(), "en");
    expect(en.title).toBe("Readiness · h · NOT ready");
    expect(en.text.split("\n").slice(2)).toEqual([
      "Verdict: NOT ready: 2 devices not ready, 2 open faults; 2 inspections due today",
      "Opens: Tue 1 Dec 2026, 09:00 (Europe/Berlin)",
      "Devices not ready: queue-2 (Ticket printer jammed: no tickets); tv-1 (offline)",
      "Open faults: queue-2: Ticket printer jammed: no tickets [printer_jam, critical]; queue-1: Ticket paper low [paper_low, warning]",
      "Inspections due today: ext-1 (overdue since 2026-11-30 23:59); ext-2 (due 23:59)",
    ]);
    const zh = readinessMessage(report(), "zh");
    expect(zh.text).toContain("开门时间: 2026-12-01 周二 09:00 (Europe/Berlin)");
    expect(zh.text).toContain("结论: 未就绪：2 台设备未就绪，2 个未处理故障；今日 2 项消防检查到期");
  });

  it("says ready, and none, when all is well", () => {
    const r = report({
      devices: [{ deviceId: "queue-1", kind: "queue", name: null, zone: "z", connectivity: "online" }],
      openAlerts: [],
      inspectionsDue: [],
    });
    const text = readinessMessage(r, "en").text;
    expect(text).toContain("Verdict: ready: the device is up, no open fault");
    expect(text).toContain("Devices not ready: none");
    expect(text).toContain("Open faults: none");
  });
});
