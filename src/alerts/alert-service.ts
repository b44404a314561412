import { randomUUID } from "node:crypto";
import type { Aggregator } from "../aggregator/aggregator.js";
import { EventBus } from "../aggregator/event-bus.js";
import type { HallFence } from "../cluster/hall-fence.js";
import { SYSTEM_HALL_ID } from "../contract/ids.js";
import {
  type Alert,
  autoResolve,
  changeAffected,
  type HistoryEntry,
  isActive,
  isLifecycleError,
  type LifecycleError,
  type LiveCondition,
  observe,
  type RaiseInput,
  raise,
} from "../core/alerts/alert.js";
import { type EscalationPolicy, escalate, remind } from "../core/alerts/escalation.js";
import { OpenStateCache } from "../core/calendar/open-state-cache.js";
import type { OpeningHours } from "../core/calendar/opening-hours.js";
import { DEFAULT_AROUND_THE_CLOCK, isWatched } from "../core/calendar/watch-policy.js";
import { offlineSeverity, type RulesConfig, resolveRuleSettings } from "../core/faults/config.js";
import {
  type ConnectivityCondition,
  type HallConnectivityVerdict,
  hallConnectivity,
} from "../core/faults/connectivity.js";
import { CONNECTIVITY_FAULT_TYPES, planHallConnectivity } from "../core/faults/connectivity-plan.js";
import { evaluateValues, hasPending } from "../core/faults/evaluate.js";
import { RULES_BY_KIND } from "../core/faults/rules/index.js";
import type { DeviceConditionStates, FaultSignal, Role, RuleSettings } from "../core/faults/types.js";
import type { Connectivity, DeviceState } from "../core/presence/types.js";
import { deviceKey } from "../core/presence/types.js";
import type { Logger } from "../logging.js";
import { type AlertFilter, type AlertPort, AlertStore } from "../store/alerts.js";
import type { SqlEngine } from "../store/sql/engine.js";
import { type AlertAction, applyAlertAction, HallMovingError, type RemoteAlerts } from "./alert-actions.js";
import { AlertPersistence } from "./alert-persistence.js";
import { HallRecheck } from "./hall-recheck.js";
import { HeldAlerts } from "./held-alerts.js";

export interface AlertChange {
  alert: Alert;
  entry: HistoryEntry | null;
  /** Set on escalations: who should now be told. */
  escalatedTo?: Role[];
}

export interface AlertEvents {
  alert_changed: AlertChange;
}

export interface AlertServiceOptions {
  sql: SqlEngine;
  aggregator: Aggregator;
  rules: RulesConfig;
  logger: Logger;
  tickIntervalMs?: number;
  /** A hall's opening hours (null: always open). Devices that need not be up while closed are not alerted on. */
  openingHours?: (hallId: string) => OpeningHours | null;
  /** Whether a device is in a maintenance window at a time. */
  inMaintenance?: (
    device: { hallId: string; deviceId: string; kind: DeviceState["kind"] },
    nowMs: number,
  ) => boolean;
  /** How often every hall is re-checked for opening and closing (default 60 s). */
  calendarRecheckMs?: number;
  /** Kinds that must be up whether the hall is open or not (default: fire equipment and the gateway). */
  aroundTheClockKinds?: ReadonlySet<DeviceState["kind"]>;
  /** Told of every write the store refused (full disk, read-only); the write is kept and retried. */
  onStorageError?: (err: unknown) => void;
  now?: () => number;
  /**
   * Several nodes share the halls (docs/scale-out.md): nothing is loaded at start, each hall's alerts and condition
   * states are loaded when this node takes it over (adoptHall) and forgotten when it hands it over (releaseHall),
   * and every write is fenced. With `remote`, a person's action on an alert of a hall another node holds is
   * forwarded to that node (docs/scale-out.md, "Alerts across nodes"), which stays the single writer of its alerts.
   */
  cluster?: {
    fence: HallFence;
    /**
     * Whether this node handles the hall now. Alerts other parts raise (inspections, clock skew, device conflicts)
     * for a hall another node owns are left to that node, which raises them too: raising them here as well would
     * notify twice.
     */
    holds?: (hallId: string) => boolean;
    remote?: RemoteAlerts;
  };
}

/** Opening and closing change who must be up: every hall is re-checked this often. */
const CALENDAR_RECHECK_MS = 60_000;

const CONNECTIVITY_SUMMARY = {
  offline: { en: "Device offline", zh: "设备离线" },
  not_ready: { en: "Not ready at opening", zh: "开门时设备未就绪" },
  agent_offline: { en: "Agent offline: its devices are unreachable", zh: "采集代理离线，所托管设备无法访问" },
  gateway_down: {
    en: "Hall gateway down: the hall's devices are unreachable",
    zh: "营业厅网关故障，厅内设备无法访问",
  },
} as const;

/**
 * Turns device state into alerts: value rules on each reading (and on ticks, for durations), connectivity
 * faults with their dependencies per hall, the lifecycle (acknowledge, resolve, reopen), escalation and
 * reminders. Everything runs on the event loop one step at a time, so evaluation is serialised per device.
 */
export class AlertService {
  readonly bus: EventBus<AlertEvents>;
  private readonly store: AlertPort;
  private readonly persistence: AlertPersistence;
  private readonly now: () => number;
  /** The latest alert per key (active, or resolved within the flap window), by key, id and hall. */
  private readonly heldAlerts = new HeldAlerts();
  private readonly conditions = new Map<string, DeviceConditionStates>();
  private readonly settingsCache = new Map<string, Map<string, RuleSettings>>();
  private readonly pendingDevices = new Set<string>();
  /** Halls whose connectivity or alerts changed: reconciled on the next tick. */
  private readonly dirtyHalls = new Set<string>();
  /** Every hall, for opening and closing, a few hundred per tick. */
  private readonly recheck = new HallRecheck();
  private readonly unsubscribe: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly hoursCache = new Map<string, OpeningHours | null>();
  private readonly deviceKeys = new WeakMap<DeviceState, string>();
  /** Open or closed per schedule until its next opening or closing (asking the calendar per reading was slow). */
  private readonly openState = new OpenStateCache();
  private lastCalendarCheckMs = 0;
  private readonly escalation: EscalationPolicy;

  constructor(private readonly options: AlertServiceOptions) {
    this.now = options.now ?? Date.now;
    this.bus = new EventBus<AlertEvents>(options.logger);
    this.store = new AlertStore(options.sql);
    this.persistence = new AlertPersistence({
      store: this.store,
      logger: options.logger,
      now: this.now,
      ...(options.onStorageError ? { onStorageError: options.onStorageError } : {}),
      ...(options.cluster
        ? { fence: options.cluster.fence, onFenced: (hallIds) => this.forgetHalls(hallIds) }
        : {}),
    });
    const { rules } = options;
    this.escalation = {
      afterMsBySeverity: Object.fromEntries(
        Object.entries(rules.escalation.afterSecBySeverity).map(([s, sec]) => [s, sec * 1000]),
      ),
      levels: rules.escalation.levels,
      offlineReminderEveryMs: rules.offlineReminderEverySec * 1000,
    };
  }

  /** Loads the current alerts and condition states (of every hall, unless in a cluster), then follows the aggregator. */
  async start(): Promise<void> {
    if (!this.options.cluster) await this.load();
    const bus = this.options.aggregator.bus;
    this.unsubscribe.push(
      bus.on("telemetry", ({ device, envelope }) => {
        if (!envelope.historical) this.evaluateDevice(device);
      }),
      bus.on("device_connectivity", ({ device }) => this.dirtyHalls.add(device.hallId)),
      bus.on("agent_connectivity", ({ agent }) => this.dirtyHalls.add(agent.hallId)),
    );
    this.recheck.refill(this.options.aggregator.presence.hallIds(), 0);
    this.timer = setInterval(() => this.tick(), this.options.tickIntervalMs ?? 1000);
  }

  /**
   * This node took a hall over: its current alerts and condition states are loaded before the hall's devices are
   * (Aggregator.adoptHall), so that what they report carries on the alerts the previous owner left, never opens
   * them twice; durations pending there go on from where they were.
   */
  async adoptHall(hallId: string): Promise<void> {
    await this.load(hallId);
    this.dirtyHalls.add(hallId);
  }

  /** This node handed a hall over: its waiting writes go out (fenced), then it is forgotten here. */
  async releaseHall(hallId: string): Promise<void> {
    await this.persistence.flush();
    this.forgetHalls([hallId]);
  }

  /** A hall lost (taken over, lease expired): forgotten at once, nothing more of it is written. */
  forgetHalls(hallIds: readonly string[]): void {
    const halls = new Set(hallIds);
    for (const hallId of halls) this.heldAlerts.forgetHall(hallId);
    for (const key of this.conditions.keys()) {
      const hallId = key.slice(0, key.indexOf("/"));
      if (!halls.has(hallId)) continue;
      this.conditions.delete(key);
      this.pendingDevices.delete(key);
    }
    for (const hallId of halls) {
      this.dirtyHalls.delete(hallId);
      this.recheck.forget(hallId);
    }
  }

  private async load(hallId?: string): Promise<void> {
    const since = this.now() - this.options.rules.flapWindowSec * 1000;
    const stored = await this.store.loadCurrent(since, hallId);
    // What this node decided meanwhile (while the hall was being loaded) wins over the stored state; otherwise the
    // newest alert per key, since they come oldest first.
    const decidedHere = new Set(this.heldAlerts.keys());
    for (const alert of stored) if (!decidedHere.has(alert.key)) this.remember(alert);
    for (const [key, states] of await this.store.loadConditions(hallId)) {
      if (this.conditions.has(key)) continue;
      this.conditions.set(key, states);
      if (hasPending(states)) this.pendingDevices.add(key);
    }
  }

  /** Stops evaluating and writes what is waiting (kept in memory if the store still refuses). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const off of this.unsubscribe.splice(0)) off();
    await this.persistence.flush();
  }

  /** Alert changes and condition states waiting for the store to take writes. */
  get pendingWrites(): number {
    return this.persistence.pending;
  }

  /** Alert changes not stored because memory was full too while the store refused writes. */
  get droppedWrites(): number {
    return this.persistence.droppedChanges;
  }

  /** Call after a hall's opening hours changed. */
  openingHoursChanged(hallId: string): void {
    this.hoursCache.delete(hallId);
    this.dirtyHalls.add(hallId);
  }

  private watched(device: { hallId: string; kind: DeviceState["kind"] }, nowMs: number): boolean {
    if (!this.options.openingHours) return true;
    let hours = this.hoursCache.get(device.hallId);
    if (hours === undefined) {
      hours = this.options.openingHours(device.hallId);
      this.hoursCache.set(device.hallId, hours);
    }
    return isWatched(device.kind, hours, nowMs, this.options.aroundTheClockKinds, this.openState);
  }

  // ---- queries and people's actions -------------------------------------------------------------

  /** From the store, after the writes in flight (so a change just made is listed). */
  async list(filter: AlertFilter): Promise<{ items: Alert[]; total: number }> {
    await this.persistence.flush();
    return this.store.list(filter);
  }

  async get(id: string): Promise<{ alert: Alert; history: HistoryEntry[] } | null> {
    await this.persistence.flush();
    const alert = this.held(id) ?? this.persistence.pendingAlert(id) ?? (await this.store.get(id));
    return alert ? { alert, history: await this.store.history(id) } : null;
  }

  /**
   * An alert this service holds in memory (every active alert, and those resolved within the flap window), for
   * synchronous callers (escalation chains); null for any other.
   */
  held(id: string): Alert | null {
    return this.heldAlerts.byId(id) ?? null;
  }

  /** Every active alert, from memory. */
  activeAlerts(): Alert[] {
    return [...this.heldAlerts.values()].filter(isActive);
  }

  acknowledge(id: string, by: string, comment: string | null): Promise<Alert | LifecycleError | null> {
    return this.perform(id, { type: "acknowledge", by, comment });
  }

  /**
   * A person resolves an alert: refused while its condition still holds (issue 12, defect 4), unless `force` (an
   * admin's decision, checked by the API). A forced resolve of a live condition is raised again by the next bad
   * reading (or the next connectivity check), so a live condition is never left without an alert.
   */
  resolve(
    id: string,
    by: string,
    reason: string,
    options: { force?: boolean } = {},
  ): Promise<Alert | LifecycleError | null> {
    return this.perform(id, { type: "resolve", by, reason, force: options.force === true });
  }

  /** What still holds behind an active alert, from the latest readings and connectivity; null if nothing known. */
  liveCondition(alert: Alert): LiveCondition | null {
    if (!isActive(alert)) return null;
    if (
      alert.deviceId !== null &&
      alert.key === `${alert.hallId}/device/${alert.deviceId}/${alert.faultType}`
    ) {
      const state = this.conditions.get(deviceKey(alert.hallId, alert.deviceId))?.[alert.faultType];
      if (state?.active)
        return {
          type: "reading",
          faultType: alert.faultType,
          subject: alert.deviceId,
          observed: state.lastObserved,
        };
    }
    if (!CONNECTIVITY_FAULT_TYPES.has(alert.faultType)) return null;
    const presence = this.options.aggregator.presence;
    const devices = [...presence.allDevices()].filter((d) => d.hallId === alert.hallId && !d.retired);
    const agents = new Map<string, Connectivity>();
    for (const a of presence.allAgents())
      if (a.hallId === alert.hallId) agents.set(a.agentId, a.connectivity);
    const verdict = this.connectivityVerdict(alert.hallId, devices, agents, this.now());
    const holds = [...verdict.conditions, ...verdict.suppressed].some((c) => c.key === alert.key);
    return holds
      ? {
          type: "connectivity",
          faultType: alert.faultType,
          subject:
            alert.faultType === "agent_offline" && alert.agentId
              ? `agent ${alert.agentId}`
              : (alert.deviceId ?? alert.agentId ?? alert.hallId),
          observed: null,
        }
      : null;
  }

  comment(id: string, by: string, text: string): Promise<Alert | LifecycleError | null> {
    return this.perform(id, { type: "comment", by, text });
  }

  /** Hands an active alert to a person; who may be chosen is the API's check (it knows the users). */
  assign(id: string, username: string, by: string): Promise<Alert | LifecycleError | null> {
    return this.perform(id, { type: "assign", username, by });
  }

  /** A personal notice about an alert was queued for someone: on its timeline, and they may see it from now on. */
  async recordNotice(id: string, username: string, detail: Record<string, unknown>): Promise<Alert | null> {
    const result = await this.perform(id, { type: "record_notice", username, detail });
    return result && !("error" in result) ? result : null;
  }

  /** A personal notice reached the person's provider at `atMs`: on the alert's timeline. */
  async recordDelivery(id: string, detail: Record<string, unknown>, atMs: number): Promise<void> {
    await this.perform(id, { type: "record_delivery", detail, atMs });
  }

  /**
   * Applies a person's change to the newest state of an alert: from memory or the pending writes when there,
   * otherwise from the store (then memory is checked again: a change may have been made while reading). Resolves
   * once the change is written (or kept for a retry), so a read after it sees it.
   *
   * Several nodes (`cluster.remote`): an alert of a hall this node does not hold is the owner's to change; the
   * action is forwarded to it, unless it was `forwarded` here by another node (then it is refused with
   * HallMovingError, never sent on: the lease moved again). A change the fence refused (the hall was lost while it
   * was written) is refused the same way, so nobody is told it was done.
   */
  async perform(
    id: string,
    action: AlertAction,
    options: { forwarded?: boolean } = {},
  ): Promise<Alert | LifecycleError | null> {
    const remote = this.options.cluster?.remote;
    let current = this.held(id) ?? this.persistence.pendingAlert(id);
    const inMemory = current !== null;
    if (!current) {
      const stored = await this.store.get(id);
      current = this.held(id) ?? this.persistence.pendingAlert(id) ?? stored;
    }
    if (!current) return null;
    if (remote && !remote.holds(current.hallId)) {
      if (options.forwarded) throw new HallMovingError(current.hallId, "not held by this node");
      // Still in memory: the hall is being handed over from here; the fence decides below.
      if (!inMemory) return remote.forward(current.hallId, id, action);
    }
    const live = action.type === "resolve" && !action.force ? this.liveCondition(current) : null;
    const result = applyAlertAction(current, action, this.now(), live);
    if (isLifecycleError(result)) return result;
    this.commit(result);
    const remembered = this.heldAlerts.byId(id) !== undefined;
    await this.persistence.flush();
    // forgetHalls (the fence refused the hall's writes) dropped it from memory meanwhile.
    if (remote && remembered && this.heldAlerts.byId(id) === undefined)
      throw new HallMovingError(result.alert.hallId, "its lease was lost while the change was written");
    if (action.type === "resolve") this.dirtyHalls.add(result.alert.hallId);
    return result.alert;
  }

  // ---- alerts raised by other parts of Hallwatch (inspections) -----------------------------------

  /** The active alert with a key, if any. */
  activeAlert(key: string): Alert | null {
    const latest = this.heldAlerts.get(key);
    return latest && isActive(latest) ? latest : null;
  }

  /**
   * Brings an alert raised outside the telemetry rules in line with what its owner says now: `input` null
   * resolves an active one; otherwise an active one keeps going (its affected list follows, and `repeat`
   * counts one more occurrence), and a missing one is raised (reopened when it was resolved within the flap window).
   */
  reconcileExternal(
    key: string,
    input: RaiseInput | null,
    options: { repeat?: boolean; resolveReason?: string } = {},
  ): Alert | null {
    const nowMs = this.now();
    const active = this.activeAlert(key);
    const hallId = input?.hallId ?? active?.hallId;
    const holds = this.options.cluster?.holds;
    if (hallId !== undefined && hallId !== SYSTEM_HALL_ID && holds && !holds(hallId)) return null;
    if (input === null) {
      if (!active) return null;
      const resolved = autoResolve(active, nowMs, options.resolveReason ?? "condition cleared");
      if (isLifecycleError(resolved)) return active;
      this.commit(resolved);
      return resolved.alert;
    }
    if (active && !options.repeat) {
      const changed = changeAffected(active, input.affected, nowMs);
      if (changed) this.commit(changed);
      return this.activeAlert(key);
    }
    const latest = this.heldAlerts.get(key) ?? null;
    this.commit(raise(latest, input, nowMs, this.options.rules.flapWindowSec * 1000, randomUUID()));
    return this.activeAlert(key);
  }

  // ---- evaluation -------------------------------------------------------------------------------

  /** Evaluates one device's value rules against its latest values. */
  evaluateDevice(device: DeviceState): void {
    if (device.values === null || device.retired) return;
    const key = this.keyOf(device);
    const prior = this.conditions.get(key) ?? {};
    const nowMs = this.now();
    const { states, signals, changed } = evaluateValues(
      {
        kind: device.kind,
        values: device.values as never,
        settings: this.settingsFor(device),
        watched: this.watched(device, nowMs),
      },
      prior,
      nowMs,
    );
    if (changed) {
      this.conditions.set(key, states);
      // Kept and retried when the store refuses: the evaluation below never depends on the write.
      this.persistence.saveConditions(device.hallId, device.deviceId, states);
    }
    if (hasPending(states)) this.pendingDevices.add(key);
    else this.pendingDevices.delete(key);
    for (const signal of signals) this.applySignal(device, signal);
    this.raiseUncovered(device, states);
  }

  /**
   * A condition that holds with no active alert (a person's forced resolve while it still held) is raised again
   * by the next reading: a live condition is never left without an alert (issue 12, defect 4).
   */
  private raiseUncovered(device: DeviceState, states: DeviceConditionStates): void {
    for (const faultType in states) {
      const state = states[faultType] as DeviceConditionStates[string];
      if (!state.active) continue;
      const key = `${device.hallId}/device/${device.deviceId}/${faultType}`;
      if (this.activeAlert(key)) continue;
      this.applySignal(device, { type: "raise", faultType, observed: state.lastObserved, atMs: this.now() });
    }
  }

  /** Durations, connectivity per changed hall, escalations and reminders. */
  tick(): void {
    void this.persistence.flush();
    try {
      const presence = this.options.aggregator.presence;
      for (const key of [...this.pendingDevices]) {
        const [hallId, deviceId] = key.split("/") as [string, string];
        const device = presence.device(hallId, deviceId);
        if (device && device.connectivity === "online") this.evaluateDevice(device);
      }
      const recheckMs = this.options.calendarRecheckMs ?? CALENDAR_RECHECK_MS;
      if (this.now() - this.lastCalendarCheckMs >= recheckMs) {
        this.lastCalendarCheckMs = this.now();
        this.hoursCache.clear(); // opening hours may have been changed by another process (the CLI)
        this.recheck.refill(presence.hallIds(), (this.options.tickIntervalMs ?? 1000) / recheckMs);
      }
      if (this.options.aggregator.isBrokerConnected) {
        for (const hallId of this.recheck.nextHalls(this.dirtyHalls)) {
          try {
            this.reconcileHall(hallId);
          } catch (err) {
            this.options.logger.error({ err, hallId }, "connectivity reconcile failed");
          }
        }
      }
      const nowMs = this.now();
      for (const alert of [...this.heldAlerts.values()]) {
        if (!isActive(alert)) {
          if (alert.resolved && nowMs - alert.resolved.atMs > this.options.rules.flapWindowSec * 1000)
            this.heldAlerts.forget(alert.key);
          continue;
        }
        const escalated = escalate(alert, this.escalation, nowMs);
        if (escalated) this.commit(escalated, escalated.audience);
        const current = this.heldAlerts.get(alert.key) ?? alert;
        const reminded = remind(current, this.escalation, nowMs);
        if (reminded) this.commit(reminded);
      }
    } catch (err) {
      this.options.logger.error({ err }, "alert tick failed");
    }
  }

  /**
   * The device's "hall/device" key, made once per device state rather than per reading: a string built per
   * message had to be hashed again for every map it was looked up in.
   */
  private keyOf(device: DeviceState): string {
    let key = this.deviceKeys.get(device);
    if (key === undefined) {
      key = deviceKey(device.hallId, device.deviceId);
      this.deviceKeys.set(device, key);
    }
    return key;
  }

  /**
   * A device's rule settings. Devices with no override of their own or of their hall share their kind's (one
   * map per kind rather than one per device: about 1 KB less per device, 100 MB at 100,000 devices).
   */
  private settingsFor(device: DeviceState): Map<string, RuleSettings> {
    const { rules } = this.options;
    const key = this.keyOf(device);
    const own = rules.devices[key] !== undefined || rules.halls[device.hallId]?.[device.kind] !== undefined;
    const cacheKey = own ? key : device.kind; // a kind never contains "/", a device key always does
    let settings = this.settingsCache.get(cacheKey);
    if (!settings) {
      settings = resolveRuleSettings(rules, device.kind, device.hallId, device.deviceId);
      this.settingsCache.set(cacheKey, settings);
    }
    return settings;
  }

  private applySignal(device: DeviceState, signal: FaultSignal): void {
    const key = `${device.hallId}/device/${device.deviceId}/${signal.faultType}`;
    const latest = this.heldAlerts.get(key) ?? null;
    const nowMs = signal.atMs;
    if (signal.type === "raise") {
      const settings = this.settingsFor(device).get(signal.faultType);
      const definition = RULES_BY_KIND[device.kind].find((r) => r.faultType === signal.faultType);
      if (!settings || !definition) return;
      this.commit(
        raise(
          latest,
          {
            key,
            hallId: device.hallId,
            deviceId: device.deviceId,
            agentId: device.agentId,
            kind: device.kind,
            faultType: signal.faultType,
            severity: settings.severity,
            audience: settings.audience,
            summary: definition.summary,
            observed: signal.observed,
            // A copy: the device's values are updated in place by its next reading (keepLatestValues).
            values:
              device.values === null ? null : (structuredClone(device.values) as Record<string, unknown>),
            affected: [device.deviceId],
            inMaintenance: this.options.inMaintenance?.(device, nowMs) ?? false,
          },
          nowMs,
          this.options.rules.flapWindowSec * 1000,
          randomUUID(),
        ),
      );
      if (device.kind === "gateway" && signal.faultType === "uplink_down") this.dirtyHalls.add(device.hallId);
    } else if (latest && isActive(latest)) {
      if (signal.type === "update") {
        this.commit({ ...observe(latest, signal.observed, nowMs), entry: null });
      } else {
        const resolved = autoResolve(latest, nowMs);
        if (!isLifecycleError(resolved)) this.commit(resolved);
        if (device.kind === "gateway" && signal.faultType === "uplink_down")
          this.dirtyHalls.add(device.hallId);
      }
    }
  }

  private reconcileHall(hallId: string): void {
    const nowMs = this.now();
    const presence = this.options.aggregator.presence;
    const devices: DeviceState[] = [];
    for (const d of presence.hallDevices(hallId)) if (!d.retired) devices.push(d);
    const agentConnectivity = new Map<string, Connectivity>();
    for (const a of presence.hallAgents(hallId)) agentConnectivity.set(a.agentId, a.connectivity);
    const verdict = this.connectivityVerdict(hallId, devices, agentConnectivity, nowMs);
    // Folded alerts (an offline device under a dead agent, the gateway or the uplink) stay open: only a condition
    // that is really gone resolves its alert.
    const active = this.heldAlerts.activeOfHall(hallId);
    const plan = planHallConnectivity(hallId, verdict, active);
    for (const condition of plan.raise) {
      this.commit(
        raise(
          this.heldAlerts.get(condition.key) ?? null,
          this.connectivityRaise(hallId, condition),
          nowMs,
          this.options.rules.flapWindowSec * 1000,
          randomUUID(),
        ),
      );
    }
    for (const { key, affected } of plan.setAffected) {
      const alert = this.activeAlert(key);
      const changed = alert ? changeAffected(alert, affected, nowMs) : null;
      if (changed) this.commit(changed);
    }
    for (const key of plan.resolve) {
      const alert = this.activeAlert(key);
      const resolved = alert ? autoResolve(alert, nowMs, "back online") : null;
      if (resolved && !isLifecycleError(resolved)) this.commit(resolved);
    }
  }

  private connectivityVerdict(
    hallId: string,
    devices: DeviceState[],
    agentConnectivity: Map<string, Connectivity>,
    nowMs: number,
  ): HallConnectivityVerdict {
    const gateway = devices.find((d) => d.kind === "gateway");
    const uplinkDown = gateway
      ? this.conditions.get(deviceKey(hallId, gateway.deviceId))?.uplink_down?.active === true
      : false;
    return hallConnectivity({
      hallId,
      devices: devices.map((d) => ({
        deviceId: d.deviceId,
        agentId: d.agentId,
        kind: d.kind,
        connectivity: d.connectivity,
        reason: d.connectivityReason,
        watched: this.watched(d, nowMs),
        notReadyAtOpening: this.downBeforeOpening(d, nowMs),
      })),
      agentConnectivity,
      uplinkDown,
    });
  }

  /** For devices that follow opening hours: down since before the current opening began. */
  private downBeforeOpening(device: DeviceState, nowMs: number): boolean {
    if (
      device.connectivity !== "offline" ||
      (this.options.aroundTheClockKinds ?? DEFAULT_AROUND_THE_CLOCK).has(device.kind) ||
      !this.options.openingHours
    ) {
      return false;
    }
    const hours = this.hoursCache.get(device.hallId) ?? this.options.openingHours(device.hallId);
    if (!hours) return false;
    const openedMs = this.openState.openedAt(hours, nowMs);
    return openedMs !== null && device.connectivitySinceMs <= openedMs;
  }

  /** A dependency alert is in maintenance only when every device under it is. */
  private allInMaintenance(hallId: string, deviceIds: readonly string[]): boolean {
    const check = this.options.inMaintenance;
    if (!check || deviceIds.length === 0) return false;
    const nowMs = this.now();
    return deviceIds.every((id) => {
      const d = this.options.aggregator.presence.device(hallId, id);
      return d !== undefined && check(d, nowMs);
    });
  }

  private connectivityRaise(hallId: string, c: ConnectivityCondition): RaiseInput {
    const { connectivity } = this.options.rules;
    const severity =
      c.faultType === "gateway_down"
        ? connectivity.gatewayDownSeverity
        : c.kind
          ? offlineSeverity(this.options.rules, c.kind)
          : connectivity.offlineSeverity;
    return {
      key: c.key,
      hallId,
      deviceId: c.deviceId,
      agentId: c.agentId,
      kind: c.kind,
      faultType: c.faultType,
      severity,
      audience:
        c.faultType === "gateway_down" ? connectivity.gatewayDownAudience : connectivity.offlineAudience,
      summary: CONNECTIVITY_SUMMARY[c.faultType],
      observed: c.affected.length,
      affected: c.affected,
      inMaintenance: this.allInMaintenance(hallId, c.affected),
    };
  }

  private commit(transition: { alert: Alert; entry: HistoryEntry | null }, escalatedTo?: Role[]): void {
    const { alert, entry } = transition;
    this.persistence.saveAlert(alert, entry);
    const latest = this.heldAlerts.get(alert.key);
    if (!latest || latest.id === alert.id || latest.openedMs <= alert.openedMs) this.remember(alert);
    this.bus.emit("alert_changed", { alert, entry, ...(escalatedTo ? { escalatedTo } : {}) });
  }

  private remember(alert: Alert): void {
    this.heldAlerts.remember(alert);
  }
}
