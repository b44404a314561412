import { type ConnectivityCondition, conditionKey, type HallConnectivityVerdict } from "./connectivity.js";

/** Fault types whose alerts the connectivity plan opens and closes. */
export const CONNECTIVITY_FAULT_TYPES: ReadonlySet<string> = new Set([
  "offline",
  "not_ready",
  "agent_offline",
  "gateway_down",
]);

/** The part of an active (open or acknowledged) alert of the hall that the plan needs. */
export interface ActiveAlertView {
  key: string;
  faultType: string;
  affected: readonly string[];
  /** Key of the cause's alert this one is shown under, if any. */
  suppressedBy?: string | null;
}

export interface ConnectivityPlan {
  /** Conditions with no active alert: raise (a new alert, or a reopen inside the flap window). */
  raise: ConnectivityCondition[];
  /** Active alerts whose list of affected devices changed (dependency alerts, and the uplink alert). */
  setAffected: { key: string; affected: string[] }[];
  /** Active alerts to show under a cause (`causeKey`), or to take out from under it again (`null`). */
  link: { key: string; causeKey: string | null }[];
  /** Active connectivity alerts whose condition is gone: resolve automatically ("back online"). */
  resolve: string[];
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * What to do with a hall's alerts given `hallConnectivity`'s verdict. An alert whose condition still holds but
 * is folded into a cause (a dead agent, the gateway or the uplink down) stays open and is linked to the cause;
 * an alert involving a device of unknown connectivity is left alone; only the rest are resolved.
 */
export function planHallConnectivity(
  hallId: string,
  verdict: HallConnectivityVerdict,
  active: readonly ActiveAlertView[],
): ConnectivityPlan {
  const plan: ConnectivityPlan = { raise: [], setAffected: [], link: [], resolve: [] };
  const byKey = new Map(active.map((a) => [a.key, a]));
  const desired = new Set(verdict.conditions.map((c) => c.key));
  const suppressed = new Map(verdict.suppressed.map((s) => [s.key, s.causeKey]));

  for (const condition of verdict.conditions) {
    const alert = byKey.get(condition.key);
    if (!alert) {
      plan.raise.push(condition);
      continue;
    }
    if (!sameList(alert.affected, condition.affected))
      plan.setAffected.push({ key: alert.key, affected: condition.affected });
    if (alert.suppressedBy) plan.link.push({ key: alert.key, causeKey: null });
  }
  if (verdict.attachToUplinkAlert) {
    const { deviceId, affected } = verdict.attachToUplinkAlert;
    const uplink = byKey.get(conditionKey.deviceFault(hallId, deviceId, "uplink_down"));
    if (uplink && !sameList(uplink.affected, affected)) plan.setAffected.push({ key: uplink.key, affected });
  }
  for (const alert of active) {
    if (!CONNECTIVITY_FAULT_TYPES.has(alert.faultType) || desired.has(alert.key)) continue;
    const causeKey = suppressed.get(alert.key);
    if (causeKey !== undefined) {
      if (alert.suppressedBy !== causeKey) plan.link.push({ key: alert.key, causeKey });
      continue;
    }
    // A device the aggregator cannot see right now neither opens nor closes anything.
    if (alert.affected.some((d) => verdict.unknownDevices.has(d))) continue;
    plan.resolve.push(alert.key);
  }
  return plan;
}
