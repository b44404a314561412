import { describe, expect, it } from "vitest";
import type { DeviceKind } from "../../../src/contract/index.js";
import { parseRulesConfig, resolveRuleSettings } from "../../../src/core/faults/config.js";
import { evaluateDevice, tickDevice } from "../../../src/core/faults/device.js";
import type { Connectivity } from "../../../src/core/presence/types.js";
import { CASES, charger, tv } from "./cases.js";

const settingsByKind = new Map<DeviceKind, ReturnType<typeof resolveRuleSettings>>();
const input = (kind: DeviceKind, values: object | undefined, connectivity: Connectivity, watched = true) => {
  if (!settingsByKind.has(kind))
    settingsByKind.set(kind, resolveRuleSettings(parseRulesConfig({}), kind, "h1", "d1"));
  return {
    hallId: "h1",
    deviceId: "d1",
    agentId: "a1",
    kind,
    connectivity,
    values: values as never,
    watched,
    settings: settingsByKind.get(kind)!,
  };
};
const hot = { ...charger, enclosureTempC: 60 };

describe("evaluateDevice and tickDevice", () => {
  it.each(CASES.map((c) => [`${c.kind} ${c.faultType}`, c] as const))(
    "%s: unknown connectivity neither raises nor clears",
    (_name, c) => {
      let r = evaluateDevice(input(c.kind, c.bad, "unknown"), {}, 0);
      r = tickDevice(input(c.kind, c.bad, "unknown"), r.state, c.forSec * 1000 + 60_000);
      expect(r.signals).toEqual([]);
      // Raised while online...
      let s = evaluateDevice(input(c.kind, c.bad, "online"), {}, 0).state;
      s = tickDevice(input(c.kind, c.bad, "online"), s, c.forSec * 1000).state;
      expect(s[c.faultType]?.active).toBe(true);
      // ...then the healthy reading seen while unknown clears nothing.
      r = evaluateDevice(input(c.kind, c.healthy, "unknown"), s, c.forSec * 1000 + 1000);
      expect(r).toEqual({ state: s, signals: [], changed: false });
    },
  );

  it("keeps a pending duration through an unknown spell, then raises on time", () => {
    let s = evaluateDevice(input("charger", hot, "online"), {}, 0).state;
    s = tickDevice(input("charger", hot, "unknown"), s, 20_000).state;
    expect(tickDevice(input("charger", hot, "online"), s, 29_999).signals).toEqual([]);
    expect(tickDevice(input("charger", hot, "online"), s, 30_000).signals).toEqual([
      expect.objectContaining({ type: "raise", faultType: "overheat", observed: 60 }),
    ]);
  });

  it("resumes a pending duration from JSON (a restart mid-duration) and raises on a tick, without new data", () => {
    const s = evaluateDevice(input("charger", hot, "online"), {}, 1_000).state;
    const restored = JSON.parse(JSON.stringify(s));
    expect(tickDevice(input("charger", hot, "online"), restored, 30_999).signals).toEqual([]);
    expect(tickDevice(input("charger", hot, "online"), restored, 31_000).signals.map((x) => x.type)).toEqual([
      "raise",
    ]);
  });

  it("freezes the faults of an offline device on its stale values", () => {
    let s = evaluateDevice(input("charger", hot, "online"), {}, 0).state;
    s = tickDevice(input("charger", hot, "online"), s, 30_000).state;
    expect(evaluateDevice(input("charger", charger, "offline"), s, 40_000).signals).toEqual([]);
    expect(evaluateDevice(input("charger", hot, "offline", false), {}, 0).signals).toEqual([]);
  });

  it("clears tv_not_on at closing time even when the TV is already switched off (offline)", () => {
    const dark = { ...tv, power: "off", signalOk: false };
    let s = evaluateDevice(input("tv", dark, "online"), {}, 0).state;
    s = tickDevice(input("tv", dark, "online"), s, 60_000).state;
    expect(s.tv_not_on?.active).toBe(true);
    expect(tickDevice(input("tv", dark, "offline", true), s, 70_000).signals).toEqual([]);
    expect(tickDevice(input("tv", dark, "offline", false), s, 80_000).signals).toEqual([
      expect.objectContaining({ type: "clear", faultType: "tv_not_on" }),
    ]);
  });

  it("does nothing before the first reading", () => {
    expect(evaluateDevice(input("kiosk", undefined, "online"), {}, 0)).toEqual({
      state: {},
      signals: [],
      changed: false,
    });
  });
});
