import type { DeviceKind } from "../contract/index.js";
import {
  inMaintenance,
  type MaintenanceWindow,
  type MaintenanceWindowInput,
  maintenanceFor,
} from "../core/calendar/maintenance.js";
import type { Interval } from "../core/uptime/intervals.js";
import type { Halls } from "../store/hall-directory.js";
import type { MaintenanceRecords } from "../store/maintenance.js";
import { VersionWatch } from "../store/version-watch.js";

type DeviceRef = { hallId: string; deviceId: string; kind: DeviceKind };

export interface MaintenanceCalendarOptions {
  /** How often windows changed by another process (the CLI, another node) are looked for (default 10 s; 0: never). */
  refreshMs?: number;
  onRefreshError?: (err: unknown) => void;
}

/**
 * Every hall's maintenance windows in memory, in each hall's time zone; used by alerts (not notified) and uptime
 * on their hot paths, so reads are synchronous. Writes go to the store first; a refresh reads one version number
 * and reloads only when it moved.
 */
export class MaintenanceCalendar {
  private byHall = new Map<string, MaintenanceWindow[]>();
  private readonly watch: VersionWatch;

  private constructor(
    private readonly store: MaintenanceRecords,
    private readonly halls: Halls,
    options: MaintenanceCalendarOptions,
  ) {
    this.watch = new VersionWatch(
      () => store.version(),
      () => this.load(),
      { refreshMs: options.refreshMs ?? 10_000, onRefreshError: options.onRefreshError },
    );
  }

  static async open(
    store: MaintenanceRecords,
    halls: Halls,
    options: MaintenanceCalendarOptions = {},
  ): Promise<MaintenanceCalendar> {
    const calendar = new MaintenanceCalendar(store, halls, options);
    await calendar.refresh();
    return calendar;
  }

  windows(hallId: string): MaintenanceWindow[] {
    return this.byHall.get(hallId) ?? [];
  }

  /** From the store, not memory: the API must see a window another node added a moment ago. */
  async get(id: string): Promise<MaintenanceWindow | null> {
    return await this.store.get(id);
  }

  /** From the store, for the API (see get). */
  async list(hallId: string): Promise<MaintenanceWindow[]> {
    return await this.store.list(hallId);
  }

  async add(
    hallId: string,
    input: MaintenanceWindowInput,
    createdBy: string,
    nowMs?: number,
  ): Promise<MaintenanceWindow> {
    const window = await this.store.add(hallId, input, createdBy, nowMs);
    await this.watch.reload();
    return window;
  }

  async remove(id: string, nowMs?: number): Promise<MaintenanceWindow | null> {
    const removed = await this.store.remove(id, nowMs);
    if (removed) await this.watch.reload();
    return removed;
  }

  /** Reloads when the records changed since the last load; true when they had. */
  async refresh(): Promise<boolean> {
    return await this.watch.refresh();
  }

  start(): void {
    this.watch.start();
  }

  stop(): void {
    this.watch.stop();
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

  private async load(): Promise<void> {
    const windows = await this.store.list();
    const byHall = new Map<string, MaintenanceWindow[]>();
    for (const w of windows) {
      const list = byHall.get(w.hallId);
      if (list) list.push(w);
      else byHall.set(w.hallId, [w]);
    }
    this.byHall = byHall;
  }
}
