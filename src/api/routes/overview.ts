import { canSeeAlert, canSeeHall, hallScope } from "../../auth/principal.js";
import { caller } from "../../auth/request-auth.js";
import type { Alert } from "../../core/alerts/alert.js";
import { SEVERITIES, type Severity } from "../../core/faults/types.js";
import type { DeviceState } from "../../core/presence/types.js";
import type { ApiDeps } from "../app.js";
import { presenceOf } from "../presence-reads.js";
import type { TypedApp } from "./types.js";

function groupInto<T>(groups: Map<string, T[]>, key: string, item: T): void {
  const list = groups.get(key);
  if (list) list.push(item);
  else groups.set(key, [item]);
}

type Counts = Record<Severity, number>;

/** Rank of the worst open severity: 0 for critical … 4 for operational, 5 for a hall with no open alert. */
const rank = (severity: Severity | null) =>
  severity === null ? SEVERITIES.length : SEVERITIES.indexOf(severity);

/**
 * The HQ view in one request: every hall the caller may see with its devices by connectivity, its open alerts by
 * severity (only those the caller may see, as in `GET /api/alerts`) and its readiness verdict for the next
 * opening; worst hall first (worst open severity, then more open alerts, then more devices offline).
 */
export async function registerOverviewRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  app.get("/api/overview", async (request) => {
    const p = caller(request);
    const halls = deps.halls.list().filter((h) => canSeeHall(p, h.id));
    const devices = new Map<string, { online: number; offline: number; unknown: number; total: number }>();
    const presence = presenceOf(deps);
    await presence.fresh();
    const owned = deps.aggregator.ownedHalls;
    /** Several nodes: the devices of halls another node owns, for their readiness preview. */
    const elsewhere = new Map<string, DeviceState[]>();
    for (const d of presence.allDevices()) {
      if (d.retired || !canSeeHall(p, d.hallId)) continue;
      if (owned && !owned.has(d.hallId)) groupInto(elsewhere, d.hallId, d);
      const c = devices.get(d.hallId) ?? { online: 0, offline: 0, unknown: 0, total: 0 };
      c[d.connectivity] += 1;
      c.total += 1;
      devices.set(d.hallId, c);
    }
    const alerts = new Map<string, Counts>();
    const open = deps.alerts
      ? (await deps.alerts.list({ hallIds: hallScope(p), status: "active", limit: 100_000, offset: 0 })).items
      : [];
    const openByHall = new Map<string, Alert[]>();
    for (const alert of open) groupInto(openByHall, alert.hallId, alert);
    for (const alert of open) {
      if (!canSeeAlert(p, alert)) continue;
      const c = alerts.get(alert.hallId) ?? (Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Counts);
      c[alert.severity] += 1;
      alerts.set(alert.hallId, c);
    }
    const items = halls.map((hall) => {
      const counts = alerts.get(hall.id) ?? (Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Counts);
      // A hall another node owns (several nodes) is previewed from the database's devices and open alerts.
      const report =
        deps.readiness?.preview(
          hall.id,
          owned && !owned.has(hall.id)
            ? { devices: elsewhere.get(hall.id) ?? [], alerts: openByHall.get(hall.id) ?? [] }
            : undefined,
        ) ?? null;
      return {
        id: hall.id,
        name: hall.name,
        timeZone: hall.timeZone,
        devices: devices.get(hall.id) ?? { online: 0, offline: 0, unknown: 0, total: 0 },
        alerts: counts,
        openAlerts: SEVERITIES.reduce((sum, s) => sum + counts[s], 0),
        worstSeverity: SEVERITIES.find((s) => counts[s] > 0) ?? null,
        readiness: report && {
          ready: report.ready,
          verdict: report.verdict,
          openingMs: report.openingMs,
          generatedMs: report.generatedMs,
          openingLocal: report.openingLocal,
          timeZone: report.timeZone,
          notReady: report.notReady.length,
        },
      };
    });
    items.sort(
      (a, b) =>
        rank(a.worstSeverity) - rank(b.worstSeverity) ||
        b.openAlerts - a.openAlerts ||
        b.devices.offline - a.devices.offline ||
        a.name.localeCompare(b.name),
    );
    return { items };
  });
}
