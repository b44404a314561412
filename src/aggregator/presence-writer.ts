import type { AgentState, DeviceState } from "../core/presence/types.js";
import type { DeviceStateWrites } from "../store/device-state-writes.js";
import type { ConnectivityTransition, PresenceStore } from "../store/presence-store.js";
import { nextTurn } from "../util/turns.js";

export type { ConnectivityTransition } from "../store/presence-store.js";

/** Rows written per transaction by the periodic flush; each slice is one event-loop turn (a few ms). */
const DEFAULT_SLICE_ROWS = 1000;
/** How often the periodic flush writes devices that only sent data (last seen, values). */
const DEFAULT_SEEN_EVERY_MS = 5000;
/**
 * Connectivity transitions kept in memory at most while the store refuses them; beyond, the oldest are dropped
 * (and counted to onError), like the aggregator's unsaved device events.
 */
export const MAX_UNSAVED_TRANSITIONS = 200_000;

/** Told of a write the store refused; what it held is kept for the next flush, except `lostTransitions`. */
export type PresenceWriteError = (err: unknown, lostTransitions: number) => void;

/**
 * What of presence must reach the store, batched between flushes. A device that only sent data needs its last-seen
 * time and values written; one whose identity or connectivity changed needs its whole row. The periodic flush
 * writes the first kind in slices of 1,000 rows, one event-loop turn apart, so that persisting 100,000 devices does
 * not hold a fault's alert back for the whole write; `flushAll` writes everything. Sets hold the tracker's own state
 * objects, so marking a device costs no key string per message. A write the store refuses is put back and written
 * by the next flush, never dropped (within MAX_UNSAVED_TRANSITIONS). Flushes must run one at a time (the
 * aggregator's flush chain).
 */
export class PresenceWriter {
  private readonly changedDevices = new Set<DeviceState>();
  private readonly seenDevices = new Set<DeviceState>();
  private readonly changedAgents = new Set<AgentState>();
  private transitions: ConnectivityTransition[] = [];
  /** Seen devices taken for the current sliced write, and how far it got. */
  private queue: DeviceState[] = [];
  private next = 0;
  private cancelled = false;
  private lastSeenWriteMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: PresenceStore,
    private readonly dataWrites: DeviceStateWrites,
    private readonly onError: PresenceWriteError,
    private readonly sliceRows = DEFAULT_SLICE_ROWS,
    private readonly seenEveryMs = DEFAULT_SEEN_EVERY_MS,
  ) {}

  deviceChanged(device: DeviceState): void {
    this.changedDevices.add(device);
  }

  deviceSeen(device: DeviceState): void {
    this.seenDevices.add(device);
  }

  agentChanged(agent: AgentState): void {
    this.changedAgents.add(agent);
  }

  transition(t: ConnectivityTransition): void {
    this.transitions.push(t);
  }

  /** Rows waiting to be written (for tests and metrics). */
  get pendingRows(): number {
    return (
      this.changedDevices.size +
      this.seenDevices.size +
      this.changedAgents.size +
      this.queue.length -
      this.next
    );
  }

  /** Everything, now: before a read that must see the latest state, and at stop. Never rejects. */
  async flushAll(): Promise<void> {
    this.cancelled = false;
    await this.guard(async () => {
      await this.writeChanged();
      await this.writeSeen(Number.POSITIVE_INFINITY); // the rest of a sliced write
      await this.writeSeen(Number.POSITIVE_INFINITY); // and what was seen since
    });
  }

  /** Whole rows, agents and transitions, without the devices that only sent data. Never rejects. */
  async flushChanged(): Promise<void> {
    await this.guard(() => this.writeChanged());
  }

  /**
   * Everything seen until now, in slices one event-loop turn apart: what an ingest-log checkpoint needs written
   * before it deletes the log, without holding the readings (and their alerts) behind a write of every device.
   * Never rejects.
   */
  async flushAllInSlices(): Promise<void> {
    this.cancelled = false;
    await this.guard(async () => {
      await this.writeChanged();
      while (await this.writeSeen(this.sliceRows)) await nextTurn(); // the rest of a sliced write
      while (await this.writeSeen(this.sliceRows)) await nextTurn(); // and what was seen since
    });
  }

  /**
   * The periodic flush: whole rows at once (few), and every `seenEveryMs` the devices that only sent data, in
   * slices. A device reporting every second would otherwise cost a row write every second: at 1,000 halls that
   * was the aggregator's largest single cost. Their last seen and values are in memory meanwhile (the API reads them
   * there); a crash loses at most that much of them, never a connectivity change or alert.
   * Never rejects.
   */
  async flushInSlices(nowMs = performance.now()): Promise<void> {
    this.cancelled = false;
    await this.guard(async () => {
      await this.writeChanged();
      if (nowMs - this.lastSeenWriteMs < this.seenEveryMs) return;
      this.lastSeenWriteMs = nowMs;
      while ((await this.writeSeen(this.sliceRows)) && !this.cancelled) await nextTurn();
    });
  }

  /** Stops a sliced write in progress after its current slice (what it had not written stays for flushAll). */
  cancel(): void {
    this.cancelled = true;
  }

  private async guard(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      this.onError(err, this.boundTransitions());
    }
  }

  /** Taken before the first await, so what changes meanwhile waits for the next flush; put back on failure. */
  private async writeChanged(): Promise<void> {
    if (this.changedDevices.size === 0 && this.changedAgents.size === 0 && this.transitions.length === 0)
      return;
    const devices = [...this.changedDevices];
    const agents = [...this.changedAgents];
    const transitions = this.transitions;
    this.changedDevices.clear();
    this.changedAgents.clear();
    this.transitions = [];
    try {
      await this.store.save(devices, agents, transitions);
    } catch (err) {
      for (const d of devices) this.changedDevices.add(d);
      for (const a of agents) this.changedAgents.add(a);
      this.transitions = transitions.concat(this.transitions);
      throw err;
    }
  }

  /** Writes up to `maxRows` seen devices; true when a sliced write has more to go. */
  private async writeSeen(maxRows: number): Promise<boolean> {
    if (this.next >= this.queue.length) {
      this.queue = [];
      this.next = 0;
      if (this.seenDevices.size === 0) return false;
      this.queue = [...this.seenDevices];
      this.seenDevices.clear();
    }
    const end = Math.min(this.queue.length, this.next + maxRows);
    try {
      await this.dataWrites.saveData(this.queue, this.next, end);
    } catch (err) {
      // Back among the seen: the state objects hold their latest values, so the next flush writes those.
      for (let i = this.next; i < this.queue.length; i++) this.seenDevices.add(this.queue[i] as DeviceState);
      this.queue = [];
      this.next = 0;
      throw err;
    }
    this.next = end;
    if (this.next < this.queue.length) return true;
    this.queue = [];
    this.next = 0;
    return false;
  }

  /** Drops the oldest transitions beyond MAX_UNSAVED_TRANSITIONS; how many it dropped. */
  private boundTransitions(): number {
    const lost = this.transitions.length - MAX_UNSAVED_TRANSITIONS;
    if (lost <= 0) return 0;
    this.transitions = this.transitions.slice(lost);
    return lost;
  }
}
