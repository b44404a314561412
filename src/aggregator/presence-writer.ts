import type { AgentState, Connectivity, DeviceState } from "../core/presence/types.js";
import type { DeviceStateWrites } from "../store/device-state-writes.js";
import type { PresenceStore } from "../store/presence-store.js";

export interface ConnectivityTransition {
  device: DeviceState;
  to: Connectivity;
  reason: string;
  atMs: number;
}

/** Rows written per transaction by the periodic flush; each slice is one event-loop turn (a few ms). */
const DEFAULT_SLICE_ROWS = 1000;
/** How often the periodic flush writes devices that only sent data (last seen, values). */
const DEFAULT_SEEN_EVERY_MS = 5000;

/**
 * What of presence must reach SQLite, batched between flushes. A device that only sent data needs its last-seen
 * time and values written (a short UPDATE); one whose identity or connectivity changed needs its whole row.
 * The periodic flush writes the first kind in slices of 1,000 rows, one event-loop turn each, so that persisting 100,000
 * devices does not hold a fault's alert back for the whole write; `flushAll` writes everything at once.
 * Sets hold the tracker's own state objects, so marking a device costs no key string per message.
 */
export class PresenceWriter {
  private readonly changedDevices = new Set<DeviceState>();
  private readonly seenDevices = new Set<DeviceState>();
  private readonly changedAgents = new Set<AgentState>();
  private transitions: ConnectivityTransition[] = [];
  /** Seen devices taken for the current sliced write, and how far it got. */
  private queue: DeviceState[] = [];
  private next = 0;
  private sliceTimer: NodeJS.Immediate | null = null;
  private lastSeenWriteMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: PresenceStore,
    private readonly dataWrites: DeviceStateWrites,
    private readonly onError: (err: unknown) => void,
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

  /** Everything, now: before a read that must see the latest state, and at stop. */
  flushAll(): void {
    this.guard(() => {
      this.writeChanged();
      this.writeSeen(Number.POSITIVE_INFINITY); // the rest of a sliced write
      this.writeSeen(Number.POSITIVE_INFINITY); // and what was seen since
    });
  }

  /**
   * The periodic flush: whole rows at once (few), and every `seenEveryMs` the devices that only sent data, in
   * slices. A device reporting every second would otherwise cost a row write every second: at 1,000 halls that
   * was the aggregator's largest single cost. Their last seen and values are in memory meanwhile (the API flushes
   * everything before it reads); a crash loses at most that much of them, never a connectivity change or alert.
   */
  flushInSlices(nowMs = performance.now()): void {
    this.guard(() => {
      this.writeChanged();
      if (this.sliceTimer !== null || nowMs - this.lastSeenWriteMs < this.seenEveryMs) return;
      this.lastSeenWriteMs = nowMs;
      this.writeSeen(this.sliceRows);
    });
  }

  /** Stops a sliced write in progress (what it had not written stays pending for flushAll). */
  cancel(): void {
    if (this.sliceTimer) clearImmediate(this.sliceTimer);
    this.sliceTimer = null;
  }

  private guard(write: () => void): void {
    try {
      write();
    } catch (err) {
      this.onError(err);
    }
  }

  private writeChanged(): void {
    if (this.changedDevices.size === 0 && this.changedAgents.size === 0 && this.transitions.length === 0)
      return;
    const transitions = this.transitions;
    this.transitions = [];
    this.store.save(this.changedDevices, this.changedAgents, transitions);
    this.changedDevices.clear();
    this.changedAgents.clear();
  }

  private writeSeen(maxRows: number): void {
    if (this.next >= this.queue.length) {
      this.queue = [];
      this.next = 0;
      if (this.seenDevices.size === 0) return;
      this.queue = [...this.seenDevices];
      this.seenDevices.clear();
    }
    const end = Math.min(this.queue.length, this.next + maxRows);
    this.dataWrites.saveData(this.queue, this.next, end);
    this.next = end;
    if (this.next < this.queue.length) {
      this.sliceTimer = setImmediate(() => {
        this.sliceTimer = null;
        this.guard(() => this.writeSeen(this.sliceRows));
      });
    } else {
      this.queue = [];
      this.next = 0;
    }
  }
}
