import { Gauge, type Registry } from "prom-client";
import type { Aggregator } from "../aggregator/aggregator.js";
import type { AlertService } from "../alerts/alert-service.js";
import type { HealthChecks } from "../api/health-checks.js";
import { SYSTEM_HALL_ID } from "../contract/index.js";
import type { InfluxHistory } from "../influx/influx-history.js";
import type { AuditLog } from "../store/audit.js";
import type { StorageHealth, StorageState } from "../store/storage-health.js";

export const STORAGE_ALERT_KEY = "_system/storage/unwritable";

/**
 * What a store that cannot write changes elsewhere: the aggregator announces itself offline (agents keep their
 * spools), admins get a `_system` alert (`disk_full`, or `store_unwritable` for a read-only or failing disk),
 * resolved once writes succeed again; and health shows `store`, `disk` and `influx` as separate checks.
 */
export function wireStorageHealth(parts: {
  storage: StorageHealth;
  aggregator: Aggregator;
  alerts: AlertService;
  history: InfluxHistory | null;
  health: HealthChecks;
}): () => void {
  const { storage, aggregator, alerts, history, health } = parts;
  health.register("store", () => storage.checks().store);
  health.register("disk", () => storage.checks().disk);
  health.register("influx", () => influxCheck(history));
  const apply = (state: StorageState) => {
    aggregator.setStorageReady(state.writable);
    if (state.writable) {
      alerts.reconcileExternal(STORAGE_ALERT_KEY, null, { resolveReason: "the store takes writes again" });
      return;
    }
    const faultType = state.diskFull ? "disk_full" : "store_unwritable";
    const active = alerts.activeAlert(STORAGE_ALERT_KEY);
    if (active && active.faultType !== faultType)
      alerts.reconcileExternal(STORAGE_ALERT_KEY, null, { resolveReason: `now ${faultType}` });
    alerts.reconcileExternal(STORAGE_ALERT_KEY, {
      key: STORAGE_ALERT_KEY,
      hallId: SYSTEM_HALL_ID,
      deviceId: null,
      agentId: null,
      kind: null,
      faultType,
      severity: "critical",
      audience: ["admin"],
      summary: state.diskFull
        ? {
            en: "Data disk full: Hallwatch keeps new data in memory and is announced offline to agents until there is room",
            zh: "数据磁盘已满：新数据暂存内存，在腾出空间前对采集代理显示为离线",
          }
        : {
            en: "The store cannot write (read-only or failing disk): new data is kept in memory",
            zh: "存储无法写入（只读或磁盘故障）：新数据暂存内存",
          },
      observed: state.detail,
      affected: [],
    });
  };
  if (!storage.current.writable) apply(storage.current);
  return storage.bus.on("storage_changed", apply);
}

function influxCheck(history: InfluxHistory | null): {
  status: "ok" | "degraded" | "failing";
  detail: string;
} {
  if (!history) return { status: "ok", detail: "not configured" };
  const s = history.stats();
  if (!s.influxReachable)
    return {
      status: "failing",
      detail: `InfluxDB does not take writes (${s.lastError?.message ?? "unreachable"}); ${s.pointsBuffered} points buffered`,
    };
  if (s.bufferDiskFault)
    return {
      status: "degraded",
      detail: `the buffer's disk refuses writes (${s.bufferDiskFault.message}); ${s.pointsInMemory} points kept in memory`,
    };
  if (!s.schemaReady) return { status: "degraded", detail: "setting up the database" };
  return { status: "ok", detail: `InfluxDB takes writes; ${s.pointsBuffered} points buffered` };
}

/** Prometheus gauges of the store's health and of what waits in memory for it. */
export function registerStorageMetrics(
  registry: Registry,
  parts: { storage: StorageHealth; alerts: AlertService; audit: AuditLog },
): void {
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge("hallwatch_store_writable", "1 while the store and the data disk take writes", () =>
    parts.storage.current.writable ? 1 : 0,
  );
  gauge(
    "hallwatch_alert_writes_pending",
    "Alert changes and condition states kept in memory until the store takes writes",
    () => parts.alerts.pendingWrites,
  );
  gauge(
    "hallwatch_alert_writes_dropped",
    "Alert changes not stored because memory was full too (since start)",
    () => parts.alerts.droppedWrites,
  );
  gauge(
    "hallwatch_audit_entries_pending",
    "Audit entries kept in memory until the store takes writes",
    () => parts.audit.pending,
  );
}
