import type { AgentStatus, Birth, TelemetryValues } from "../../contract/index.js";
import { DeadlineWheel } from "./deadline-wheel.js";
import { DEFAULT_SILENCE_POLICY, type SilencePolicy, silenceTimeoutMs } from "./silence.js";
import type { AgentState, Connectivity, ConnectivityReason, DeviceState, PresenceEffect } from "./types.js";
import { keepLatestValues } from "./values-in-place.js";

const NO_EFFECTS: readonly PresenceEffect[] = Object.freeze([]);
const NO_DEVICES: ReadonlyMap<string, DeviceState> = new Map();
const NO_AGENTS: ReadonlyMap<string, AgentState> = new Map();

function withEffect(effects: PresenceEffect[] | null, effect: PresenceEffect): PresenceEffect[] {
  const list = effects ?? [];
  list.push(effect);
  return list;
}

export type DataResult =
  | { ok: true; device: DeviceState; effects: readonly PresenceEffect[] }
  | { ok: false; reason: "unknown_device" | "device_conflict"; effects: readonly PresenceEffect[] };

/**
 * Who is online, pure: fed decoded messages and the time, it answers with effects for adapters to apply.
 * Presence follows the Sparkplug idea: a status or will of an older session than the newest one seen is
 * stale and ignored; a birth lists the devices an agent hosts; every data message carries the session's seq.
 */
export class PresenceTracker {
  private readonly agents = new Map<string, AgentState>();
  /** The same agents by hall, for the per-hall passes of the alert service (no walk over every agent). */
  private readonly agentsByHall = new Map<string, Map<string, AgentState>>();
  /**
   * By hall, then device id: a lookup per reading uses the ids as they are (no "hall/device" string built and
   * hashed per message), and no such key is kept per device.
   */
  private readonly devicesByHall = new Map<string, Map<string, DeviceState>>();
  /** Every device once, for passes over all of them (a Set's iterator is live and cheap; a generator was not). */
  private readonly everyDevice = new Set<DeviceState>();
  /**
   * Silence is measured from max(lastSeen, registered, baseline): the baseline moves at start and when the broker
   * returns, so a device is never silent for longer than the aggregator could hear it.
   */
  private silenceBaselineMs: number;
  private brokerConnected = false;
  /**
   * Each device that may fall silent, at the deadline it had when it was last looked at. Data only moves a deadline
   * later, so it changes nothing here: the check finds the new deadline when the old one comes up.
   */
  private readonly silenceDue = new DeadlineWheel<DeviceState>();
  private silenceLooks = 0;

  constructor(
    nowMs: number,
    private readonly policy: SilencePolicy = DEFAULT_SILENCE_POLICY,
  ) {
    this.silenceBaselineMs = nowMs;
  }

  /** Loads persisted state after a restart. lastSeq baselines are dropped: they may be stale after a crash. */
  restore(agents: Iterable<AgentState>, devices: Iterable<DeviceState>): void {
    for (const agent of agents) this.putAgent({ ...agent, lastSeq: null });
    for (const device of devices) this.putDevice({ ...device });
  }

  /**
   * Takes a hall over from another node (docs/scale-out.md, takeover): its stored agents and devices join this
   * tracker with connectivity unknown, since nobody listened between the previous owner's last write and now.
   * Unknown opens and closes no alert; retained statuses, births and the rebirth the aggregator asks for settle it.
   * Silence is measured from now, so the gap marks no device offline. Rows of another hall are refused.
   */
  adoptHall(
    hallId: string,
    agents: Iterable<AgentState>,
    devices: Iterable<DeviceState>,
    nowMs: number,
  ): readonly PresenceEffect[] {
    const adoptedAgents = [...agents];
    const adoptedDevices = [...devices];
    for (const row of [...adoptedAgents, ...adoptedDevices]) {
      if (row.hallId !== hallId)
        throw new Error(`a stored row of hall ${row.hallId} was offered as part of hall ${hallId}`);
    }
    const effects: PresenceEffect[] = [];
    for (const stored of adoptedAgents) {
      const agent: AgentState = { ...stored, lastSeq: null };
      this.putAgent(agent);
      this.setAgentConnectivity(agent, "unknown", nowMs, effects);
    }
    for (const stored of adoptedDevices) {
      const device: DeviceState = { ...stored, registeredMs: nowMs };
      this.putDevice(device);
      if (!device.retired) this.setDeviceConnectivity(device, "unknown", "takeover", nowMs, effects);
    }
    return effects;
  }

  /**
   * Forgets a hall this node no longer owns, without effects: the new owner carries on from the stored state.
   * Returns how many agents and devices were dropped.
   */
  releaseHall(hallId: string): { agents: number; devices: number } {
    let agents = 0;
    let devices = 0;
    for (const agentId of this.agentsByHall.get(hallId)?.keys() ?? []) {
      this.agents.delete(agentId);
      agents += 1;
    }
    this.agentsByHall.delete(hallId);
    const hall = this.devicesByHall.get(hallId);
    if (hall) {
      devices = hall.size;
      for (const device of hall.values()) {
        this.everyDevice.delete(device);
        this.silenceDue.forget(device);
      }
      this.devicesByHall.delete(hallId);
    }
    return { agents, devices };
  }

  agent(agentId: string): AgentState | undefined {
    return this.agents.get(agentId);
  }

  device(hallId: string, deviceId: string): DeviceState | undefined {
    return this.devicesByHall.get(hallId)?.get(deviceId);
  }

  allAgents(): IterableIterator<AgentState> {
    return this.agents.values();
  }

  /** The halls that have devices here. */
  hallIds(): IterableIterator<string> {
    return this.devicesByHall.keys();
  }

  /** One hall's devices, retired ones included; empty for a hall not known here. */
  hallDevices(hallId: string): IterableIterator<DeviceState> {
    return (this.devicesByHall.get(hallId) ?? NO_DEVICES).values();
  }

  /** One hall's agents; empty for a hall not known here. */
  hallAgents(hallId: string): IterableIterator<AgentState> {
    return (this.agentsByHall.get(hallId) ?? NO_AGENTS).values();
  }

  /** A live iterator: it survives insertions and deletions, so a pass may span calls. */
  allDevices(): IterableIterator<DeviceState> {
    return this.everyDevice.values();
  }

  get deviceCount(): number {
    return this.everyDevice.size;
  }

  onAgentStatus(
    hallId: string,
    agentId: string,
    status: AgentStatus,
    nowMs: number,
  ): readonly PresenceEffect[] {
    const agent = this.ensureAgent(hallId, agentId, nowMs);
    if (agent.session !== null && status.session < agent.session) return NO_EFFECTS; // a late will of an old session
    const sessionChanged = agent.session !== status.session;
    agent.session = status.session;
    if (sessionChanged) agent.lastSeq = null;
    const effects: PresenceEffect[] = [];
    if (status.state === "online") {
      this.setAgentConnectivity(agent, "online", nowMs, effects);
    } else {
      this.setAgentConnectivity(agent, "offline", nowMs, effects);
      const reason: ConnectivityReason = status.reason === "shutdown" ? "agent_shutdown" : "agent_offline";
      for (const device of this.devicesOf(agent))
        this.setDeviceConnectivity(device, "offline", reason, nowMs, effects);
    }
    return effects;
  }

  /**
   * `retained` births are replays of an older birth (delivered at subscribe time), so they set no seq baseline.
   * A device belongs to the agent that first announced it (or to which an admin moved it, see `moveDevice`): a
   * birth listing another agent's device leaves it where it is and answers with a `device_conflict` effect.
   */
  onBirth(
    hallId: string,
    agentId: string,
    birth: Birth,
    retained: boolean,
    nowMs: number,
  ): readonly PresenceEffect[] {
    const agent = this.ensureAgent(hallId, agentId, nowMs);
    if (agent.session !== null && birth.session < agent.session) return NO_EFFECTS;
    const sameSessionKnownOffline = agent.session === birth.session && agent.connectivity === "offline";
    agent.session = birth.session;
    agent.lastSeq = retained ? null : 0;
    agent.version = birth.agent.version;
    agent.platform = birth.agent.platform ?? null;
    agent.hostname = birth.agent.hostname ?? null;
    agent.lastBirthMs = birth.tsMs;
    const effects: PresenceEffect[] = [];
    const listed = new Set<string>();
    for (const spec of birth.devices) {
      let device = this.device(hallId, spec.id);
      if (device && device.agentId !== agentId) {
        effects.push({
          type: "device_conflict",
          hallId,
          deviceId: spec.id,
          ownerAgentId: device.agentId,
          claimantAgentId: agentId,
        });
        continue;
      }
      listed.add(spec.id);
      if (!device || device.retired) {
        device = {
          hallId,
          deviceId: spec.id,
          agentId,
          kind: spec.kind,
          model: spec.model,
          zone: device?.labelZone ?? spec.zone,
          name: device?.labelName ?? spec.name ?? null,
          labelName: device?.labelName ?? null,
          labelZone: device?.labelZone ?? null,
          reportIntervalSec: spec.reportIntervalSec,
          connectivity: device?.connectivity ?? "unknown",
          connectivitySinceMs: device?.connectivitySinceMs ?? nowMs,
          connectivityReason: device?.connectivityReason ?? null,
          lastSeenMs: device?.lastSeenMs ?? null,
          values: device && device.kind === spec.kind ? device.values : null,
          valuesTsMs: device && device.kind === spec.kind ? device.valuesTsMs : null,
          retired: false,
        };
        this.putDevice(device);
        effects.push({ type: "device_registered", device });
      } else {
        device.kind = spec.kind;
        device.model = spec.model;
        device.zone = device.labelZone ?? spec.zone;
        device.name = device.labelName ?? spec.name ?? null;
        device.reportIntervalSec = spec.reportIntervalSec;
      }
      device.registeredMs = nowMs;
      this.watchSilence(device); // a shorter report interval brings the deadline forward
    }
    for (const device of this.devicesOf(agent)) {
      if (!listed.has(device.deviceId) && !device.retired) {
        device.retired = true;
        this.setDeviceConnectivity(device, "offline", "retired", nowMs, effects);
        effects.push({ type: "device_retired", device });
      }
    }
    agent.deviceIds = [...listed];
    if (!sameSessionKnownOffline) {
      this.setAgentConnectivity(agent, "online", nowMs, effects);
      for (const device of this.devicesOf(agent))
        this.setDeviceConnectivity(device, "online", "birth", nowMs, effects);
    }
    return effects;
  }

  /**
   * Any data message (telemetry or event) of a device: seq bookkeeping, liveness, and for telemetry the values.
   * `rejected`: the message is dead-lettered (e.g. its values are invalid). Its seq only moves the baseline when
   * it is the next one; it never counts as a duplicate or a gap, since nothing of it was accepted.
   */
  onData(
    hallId: string,
    agentId: string,
    deviceId: string,
    envelope: { session: number; seq: number; tsMs: number; historical?: boolean | undefined },
    values: TelemetryValues | null,
    nowMs: number,
    rejected = false,
  ): DataResult {
    const agent = this.ensureAgent(hallId, agentId, nowMs);
    // No closure or list per message: effects are rare, and this runs for every message.
    let effects: PresenceEffect[] | null = null;
    const device = this.device(hallId, deviceId);
    const owned = device !== undefined && device.agentId === agentId && !device.retired;
    if (envelope.session === agent.session) {
      if (agent.lastSeq !== null && envelope.seq === agent.lastSeq + 1) agent.lastSeq = envelope.seq;
      else if (owned && !rejected) effects = this.trackSeq(agent, envelope.seq, effects);
    } else if (agent.session === null || envelope.session > agent.session) {
      // We missed this session's birth: adopt the session and ask for the birth again.
      agent.session = envelope.session;
      agent.lastSeq = envelope.seq;
      effects = withEffect(effects, {
        type: "request_rebirth",
        hallId,
        agentId,
        why: "data from a session whose birth was not seen",
      });
    }
    if (device !== undefined && device.agentId !== agentId) {
      // Another agent's device: refused, and no rebirth asked for (the birth would conflict again).
      return { ok: false, reason: "device_conflict", effects: effects ?? NO_EFFECTS };
    }
    if (!owned) {
      effects = withEffect(effects, {
        type: "request_rebirth",
        hallId,
        agentId,
        why: `data for device ${deviceId} not in the birth`,
      });
      return { ok: false, reason: "unknown_device", effects: effects ?? NO_EFFECTS };
    }
    if (envelope.session < (agent.session ?? 0)) return { ok: true, device, effects: effects ?? NO_EFFECTS };
    if (values !== null && (device.valuesTsMs === null || envelope.tsMs >= device.valuesTsMs)) {
      device.values = keepLatestValues(device.values, values);
      device.valuesTsMs = envelope.tsMs;
    }
    if (!envelope.historical) {
      device.lastSeenMs = nowMs;
      if (agent.connectivity !== "online") {
        effects ??= [];
        this.setAgentConnectivity(agent, "online", nowMs, effects);
      }
      if (device.connectivity !== "online") {
        effects ??= [];
        this.setDeviceConnectivity(device, "online", "data", nowMs, effects);
      }
    }
    return { ok: true, device, effects: effects ?? NO_EFFECTS };
  }

  /**
   * Moves a device to another agent of its hall (an admin's decision; the agents themselves cannot). Its silence
   * is counted afresh from now; the new agent's next birth or data takes it from there.
   */
  /**
   * An admin's name and zone for a device, kept over its agent's later births; null gives the birth's back
   * (until the next birth the current values stay).
   */
  relabelDevice(
    hallId: string,
    deviceId: string,
    labels: { name?: string | null; zone?: string | null },
  ): DeviceState | null {
    const device = this.device(hallId, deviceId);
    if (!device) return null;
    if (labels.name !== undefined) {
      device.labelName = labels.name;
      if (labels.name !== null) device.name = labels.name;
    }
    if (labels.zone !== undefined) {
      device.labelZone = labels.zone;
      if (labels.zone !== null) device.zone = labels.zone;
    }
    return device;
  }

  /** An admin retires a device that is gone: offline for good, no silence alerts; a later birth listing it brings it back. */
  retireDevice(hallId: string, deviceId: string, nowMs: number): readonly PresenceEffect[] | null {
    const device = this.device(hallId, deviceId);
    if (!device) return null;
    if (device.retired) return NO_EFFECTS;
    const effects: PresenceEffect[] = [];
    device.retired = true;
    this.setDeviceConnectivity(device, "offline", "retired", nowMs, effects);
    effects.push({ type: "device_retired", device });
    return effects;
  }

  moveDevice(hallId: string, deviceId: string, toAgentId: string, nowMs: number): DeviceState | null {
    const device = this.device(hallId, deviceId);
    if (!device) return null;
    const from = this.agents.get(device.agentId);
    if (from) from.deviceIds = from.deviceIds.filter((id) => id !== deviceId);
    const to = this.ensureAgent(hallId, toAgentId, nowMs);
    if (!to.deviceIds.includes(deviceId)) to.deviceIds = [...to.deviceIds, deviceId];
    device.agentId = toAgentId;
    device.registeredMs = nowMs;
    return device;
  }

  /**
   * Marks silent devices offline. Does nothing while the broker is away. Looks only at the devices whose deadline
   * has come (see silenceDue), at most `maxDevices` of them per call; the rest wait for the next call. Call it a
   * few times a second.
   */
  checkSilence(nowMs: number, maxDevices = Number.POSITIVE_INFINITY): readonly PresenceEffect[] {
    if (!this.brokerConnected) return NO_EFFECTS;
    let effects: PresenceEffect[] | null = null;
    const due = this.silenceDue.takeDue(nowMs, maxDevices);
    this.silenceLooks += due.length;
    for (const device of due) {
      if (device.connectivity === "offline" || device.retired) continue;
      const deadlineMs = this.silenceDeadlineMs(device);
      if (nowMs > deadlineMs) {
        effects ??= [];
        this.setDeviceConnectivity(device, "offline", "silence", nowMs, effects);
      } else {
        this.silenceDue.schedule(device, deadlineMs);
      }
    }
    return effects ?? NO_EFFECTS;
  }

  /** Devices the silence check has looked at since start (its cost is in proportion to this). */
  get silenceChecks(): number {
    return this.silenceLooks;
  }

  /** When the device counts as silent: its timeout after max(last data, registration, baseline). */
  private silenceDeadlineMs(device: DeviceState): number {
    const since = Math.max(device.lastSeenMs ?? 0, device.registeredMs ?? 0, this.silenceBaselineMs);
    return since + silenceTimeoutMs(device.kind, device.reportIntervalSec, this.policy);
  }

  /** Puts a device that may fall silent on the schedule, or brings its deadline forward. */
  private watchSilence(device: DeviceState): void {
    if (device.connectivity === "offline" || device.retired) return;
    this.silenceDue.scheduleNoLaterThan(device, this.silenceDeadlineMs(device));
  }

  /** The aggregator lost the broker: it cannot know anything, so everything is unknown, never offline. */
  onBrokerLost(nowMs: number): readonly PresenceEffect[] {
    this.brokerConnected = false;
    const effects: PresenceEffect[] = [];
    for (const agent of this.agents.values()) {
      this.setAgentConnectivity(agent, "unknown", nowMs, effects);
      agent.lastSeq = null;
    }
    for (const device of this.allDevices()) {
      if (!device.retired) this.setDeviceConnectivity(device, "unknown", "broker_lost", nowMs, effects);
    }
    return effects;
  }

  /** Silence timers restart from now, so a return of the broker causes no offline storm. */
  onBrokerConnected(nowMs: number): void {
    this.brokerConnected = true;
    this.silenceBaselineMs = nowMs;
  }

  private trackSeq(
    agent: AgentState,
    seq: number,
    effects: PresenceEffect[] | null,
  ): PresenceEffect[] | null {
    if (agent.lastSeq === null) {
      agent.lastSeq = seq;
      return effects;
    }
    const expected = agent.lastSeq + 1;
    if (seq === expected) {
      agent.lastSeq = seq;
      return effects;
    }
    if (seq > expected) {
      const lost = seq - expected;
      agent.lostMessages += lost;
      agent.lastSeq = seq;
      const list = effects ?? [];
      list.push({ type: "sequence_gap", agent, expectedSeq: expected, receivedSeq: seq, lost });
      list.push({
        type: "request_rebirth",
        hallId: agent.hallId,
        agentId: agent.agentId,
        why: `${lost} message(s) lost`,
      });
      return list;
    }
    agent.duplicateMessages += 1; // QoS 1 redelivery or reordering: values still apply, seq stays
    return effects;
  }

  private ensureAgent(hallId: string, agentId: string, nowMs: number): AgentState {
    let agent = this.agents.get(agentId);
    if (!agent) {
      agent = {
        hallId,
        agentId,
        session: null,
        connectivity: "unknown",
        connectivitySinceMs: nowMs,
        lastSeq: null,
        lostMessages: 0,
        duplicateMessages: 0,
        version: null,
        platform: null,
        hostname: null,
        deviceIds: [],
        lastBirthMs: null,
      };
      this.putAgent(agent);
    }
    return agent;
  }

  private putAgent(agent: AgentState): void {
    const replaced = this.agents.get(agent.agentId);
    if (replaced !== undefined) this.agentsByHall.get(replaced.hallId)?.delete(agent.agentId);
    this.agents.set(agent.agentId, agent);
    let hall = this.agentsByHall.get(agent.hallId);
    if (hall === undefined) {
      hall = new Map();
      this.agentsByHall.set(agent.hallId, hall);
    }
    hall.set(agent.agentId, agent);
  }

  private putDevice(device: DeviceState): void {
    let hall = this.devicesByHall.get(device.hallId);
    if (hall === undefined) {
      hall = new Map();
      this.devicesByHall.set(device.hallId, hall);
    }
    const replaced = hall.get(device.deviceId);
    if (replaced !== undefined) {
      this.everyDevice.delete(replaced);
      this.silenceDue.forget(replaced);
    }
    hall.set(device.deviceId, device);
    this.everyDevice.add(device);
    this.watchSilence(device);
  }

  private *devicesOf(agent: AgentState): Iterable<DeviceState> {
    for (const deviceId of agent.deviceIds) {
      const device = this.device(agent.hallId, deviceId);
      if (device && device.agentId === agent.agentId) yield device;
    }
  }

  private setAgentConnectivity(
    agent: AgentState,
    to: Connectivity,
    nowMs: number,
    effects: PresenceEffect[],
  ): void {
    if (agent.connectivity === to) return;
    const from = agent.connectivity;
    agent.connectivity = to;
    agent.connectivitySinceMs = nowMs;
    effects.push({ type: "agent_connectivity", agent, from, to, atMs: nowMs });
  }

  private setDeviceConnectivity(
    device: DeviceState,
    to: Connectivity,
    reason: ConnectivityReason,
    nowMs: number,
    effects: PresenceEffect[],
  ): void {
    if (device.connectivity === to) return;
    const from = device.connectivity;
    device.connectivity = to;
    device.connectivitySinceMs = nowMs;
    device.connectivityReason = reason;
    if (from === "offline") this.watchSilence(device);
    effects.push({ type: "device_connectivity", device, from, to, reason, atMs: nowMs });
  }
}
