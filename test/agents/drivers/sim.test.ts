import { describe, expect, it } from "vitest";
import { createSimDriver, SIM_FAULTS } from "../../../agents/drivers/sim/index.js";
import { DEVICE_KINDS, type DeviceKind, decodeTelemetryValues } from "../../../src/contract/index.js";

const spec = (kind: DeviceKind) => ({ id: `${kind}-1`, kind, model: "M", zone: "z", reportIntervalSec: 10 });

describe("simulated drivers", () => {
  const cases = DEVICE_KINDS.flatMap((kind) => [
    [kind, null] as const,
    ...SIM_FAULTS[kind].map((fault) => [kind, fault] as const),
  ]);

  it.each(cases)("%s with fault %s produces values valid for its kind, over many readings", (kind, fault) => {
    const driver = createSimDriver(spec(kind), 7, { sensorsExpected: 10 });
    if (fault) driver.inject(fault);
    for (let i = 0; i < 200; i++) {
      const result = decodeTelemetryValues(kind, driver.read(1_000_000 + i * 1000));
      expect(result.ok ? "ok" : result.detail).toBe("ok");
    }
  });

  it("is deterministic for a seed", () => {
    const a = createSimDriver(spec("kiosk"), 3);
    const b = createSimDriver(spec("kiosk"), 3);
    expect([a.read(0), a.read(1)]).toEqual([b.read(0), b.read(1)]);
  });

  it.each([
    ["kiosk", "paper_jam", { printerState: "jam" }],
    ["kiosk", "app_down", { appOk: false }],
    ["tv", "off", { power: "off", signalOk: false }],
    ["queue", "display_fault", { displaysOk: false }],
    ["extinguisher", "removed", { present: false }],
    ["hydrant", "door_open", { doorOpen: true }],
    ["gateway", "uplink_loss", { uplinkOk: false }],
  ] as const)("%s %s shows in the values, and clearing it restores them", (kind, fault, expected) => {
    const driver = createSimDriver(spec(kind), 1, { sensorsExpected: 10 });
    const before = driver.read(0);
    driver.inject(fault);
    expect(driver.read(1)).toMatchObject(expected);
    driver.clear(fault);
    const after = driver.read(2) as Record<string, unknown>;
    for (const key of Object.keys(expected))
      expect(after[key]).toEqual((before as Record<string, unknown>)[key]);
  });

  it("shows faults that are measured, not flagged", () => {
    const charger = createSimDriver(spec("charger"), 1);
    charger.inject("overheat");
    expect((charger.read(0) as { enclosureTempC: number }).enclosureTempC).toBeGreaterThan(55);
    charger.clear("overheat");
    charger.inject("half_ports_fault");
    const ports = (charger.read(1) as { ports: { state: string }[] }).ports;
    expect(ports.filter((p) => p.state === "fault").length).toBeGreaterThanOrEqual(ports.length / 2);
    const ext = createSimDriver(spec("extinguisher"), 1);
    ext.inject("low_pressure");
    expect((ext.read(0) as { pressureMpa: number }).pressureMpa).toBeLessThan(1.0);
    const queue = createSimDriver(spec("queue"), 1);
    queue.inject("congestion");
    expect((queue.read(0) as { waitingTotal: number }).waitingTotal).toBeGreaterThan(20);
  });

  it("refuses an unknown fault name with the list of known ones", () => {
    expect(() => createSimDriver(spec("tv"), 1).inject("paper_jam")).toThrow(
      /unknown fault "paper_jam" for tv; known: off/,
    );
  });
});
