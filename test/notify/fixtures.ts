import type { AlertChange } from "../../src/alerts/alert-service.js";
import { type RaiseInput, raise, type Transition } from "../../src/core/alerts/alert.js";

/** A charger overheating in hall "h": critical, for the duty manager and security. */
export const overheat = (over: Partial<RaiseInput> = {}): RaiseInput => ({
  key: "h/device/charger-1/overheat",
  hallId: "h",
  deviceId: "charger-1",
  agentId: "h-charger-1",
  kind: "charger",
  faultType: "overheat",
  severity: "critical",
  audience: ["duty_manager", "security"],
  summary: { en: "Charger over temperature: fire risk", zh: "充电桩温度过高，有火灾风险" },
  observed: 61,
  affected: ["charger-1"],
  ...over,
});

export const opened = (id: string, over: Partial<RaiseInput> = {}, atMs = 1000): Transition =>
  raise(null, overheat(over), atMs, 600_000, id);

export const asChange = (t: Transition, extra: Partial<AlertChange> = {}): AlertChange => ({
  alert: t.alert,
  entry: t.entry,
  ...extra,
});
