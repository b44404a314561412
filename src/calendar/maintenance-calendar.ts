import type { DeviceKind } from "../contract/index.js";
import {
  inMaintenance,
  type MaintenanceWindow,
  type MaintenanceWindowInput,
  maintenanceFor,
} from "../core/calendar/maintenance.js";
import type { Interval } from "../core/uptime/intervals.js";
import type { HallStore } from "../store/halls.js";
import type { MaintenanceStore } from "../store/maintenance.js";

type DeviceRef = { hallId: string; deviceId: string; kind: DeviceKind };

/** Windows changed by another process (the CLI) are seen within this time. */
const CACHE_MS = 30_000;

/** Maintenance windows per hall, cached, in each hall's time zone; used by alerts (not notified) and uptime. */
export class MaintenanceCalendar {
  private readonly byHall = new Map<string, { windows: MaintenanceWindow[]; loadedMs: number }>();

  constructor(
    private readonly store: MaintenanceStore,
    private readonly halls: HallStore,
  ) {}

  windows(hallId: string): MaintenanceWindow[] {
    const cached = this.byHall.get(hallId);
    if (cached && Date.now() - cached.loadedMs < CACHE_MS) return cached.windows;
    const windows = this.store.list(hallId);
    this.byHall.set(hallId, { windows, loadedMs: Date.now() });
    return windows;
  }

  add(hallId: string, input: MaintenanceWindowInput, createdBy: string, nowMs?: number): MaintenanceWindow {
    const window = this.store.add(hallId, input, createdBy, nowMs);
    this.byHall.delete(hallId);
    return window;
  }

  remove(id: string, nowMs?: number): MaintenanceWindow | null {
    const removed = this.store.remove(id, nowMs);
    if (removed) this.byHall.delete(removed.hallId);
    return removed;
  }

  get(id: string): MaintenanceWindow | null {
    return this.store.get(id);
  }

  timeZone(hallId: string): string {
    return this.halls.openingHours(hallId)?.timeZone ?? this.halls.get(hallId)?.timeZone ?? "Asia/Shanghai";
  }

  isInMaintenance(device: DeviceRef, nowMs: number): boolean {
    const windows = this.windows(device.hallId);
    return windows.length > 0 && inMaintenance(windows, device, this.timeZone(device.hallId), nowMs);
  }

  intervals(device: DeviceRef, fromMs: number, toMs: number): Interval[] {
    const windows = this.windows(device.hallId);
    return windows.length > 0
      ? maintenanceFor(windows, device, this.timeZone(device.hallId), fromMs, toMs)
      : [];
  }
}
