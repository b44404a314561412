import type { AlertView, DeviceView } from "../types.js";

export const SEVERITIES = ["critical", "major", "minor", "warning", "operational"] as const;
export type Severity = (typeof SEVERITIES)[number];

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/**
 * The worst open alert of each device, keyed `hallId/deviceId`. An alert on a device counts for it; an alert on
 * a whole agent (no device, e.g. agent offline) counts for every device of that agent. The devices only listed as
 * affected behind a gateway's uplink are left out: they are not faulty themselves.
 */
export function worstByDevice(alerts: AlertView[], devices: DeviceView[]): Map<string, AlertView> {
  const worst = new Map<string, AlertView>();
  const consider = (key: string, alert: AlertView) => {
    const seen = worst.get(key);
    if (!seen || rank(alert.severity) < rank(seen.severity)) worst.set(key, alert);
  };
  for (const alert of alerts) {
    if (alert.status === "resolved") continue;
    if (alert.deviceId !== null) consider(`${alert.hallId}/${alert.deviceId}`, alert);
    else if (alert.agentId !== null)
      for (const d of devices)
        if (d.hallId === alert.hallId && d.agentId === alert.agentId)
          consider(`${d.hallId}/${d.deviceId}`, alert);
  }
  return worst;
}

/** Open alerts of a hall by severity. */
export function countBySeverity(alerts: AlertView[], hallId: string): Record<Severity, number> {
  const counts = { critical: 0, major: 0, minor: 0, warning: 0, operational: 0 };
  for (const a of alerts) if (a.hallId === hallId && a.status !== "resolved") counts[a.severity] += 1;
  return counts;
}
