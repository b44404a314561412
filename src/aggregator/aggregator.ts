import { randomUUID } from "node:crypto";
import mqtt, { type IPublishPacket, type MqttClient } from "mqtt";
import {
  type AggregatorStatus,
  type CommandFields,
  type Decoded,
  type DeviceEvent,
  type RejectReason,
  type TelemetryEnvelope,
  type TelemetryValues,
  topics,
} from "../contract/index.js";
import { topicMatches } from "../contract/topic-filter.js";
import type { ClockSkewPolicy } from "../core/presence/clock-skew.js";
import type { SilencePolicy } from "../core/presence/silence.js";
import { type DataResult, PresenceTracker } from "../core/presence/tracker.js";
import type { DeviceState, PresenceEffect } from "../core/presence/types.js";
import type { Logger } from "../logging.js";
import { CounterStore } from "../store/counters.js";
import { DeadLetterStore } from "../store/dead-letters.js";
import { DeviceStateWrites } from "../store/device-state-writes.js";
import { DeviceEventStore, type StoredDeviceEvent } from "../store/events.js";
import { PresenceStore } from "../store/presence-store.js";
import type { SqlEngine } from "../store/sql/engine.js";
import { TelemetrySeries, type TelemetrySeriesOptions } from "../store/telemetry-series.js";
import { applyBackoff, endClient } from "../util/reconnect.js";
import { AgentDirectory } from "./agent-directory.js";
import { AgentGate } from "./agent-gate.js";
import { ClockWatch } from "./clock-watch.js";
import { DeadLetterSink } from "./dead-letter-sink.js";
import { DurableIngest, type DurableIngestStats } from "./durable-ingest.js";
import { EventBus } from "./event-bus.js";
import type { AggregatorEvents } from "./events.js";
import { decodeMessageFast, decodeTelemetryValuesFast } from "./fast-decode.js";
import { conflictsIn, DeviceMoveError, dataRejection } from "./ownership.js";
import { PresenceWriter } from "./presence-writer.js";
import { RebirthRequests, type RebirthRetryOptions } from "./rebirth-requests.js";
import { SharedHalls, type SharedHallsOptions } from "./shared-halls.js";
import { IngestTurnBudget } from "./turn-budget.js";
import { WillGrace, type WillGraceOptions } from "./will-grace.js";
import { coalesceWritesPerRead, commitBeforeWrites, corkUntilNextTurn } from "./write-coalescing.js";

/** The once-a-second silence check runs in this many slices, spread over the second. */
const SILENCE_SLICES = 10;
/** Device events kept in memory at most while the store refuses them; beyond, the oldest are dropped (logged). */
const MAX_UNSAVED_EVENTS = 50_000;
/** How often the provisioned agents are read again (revocations and moves made through other nodes). */
const DEFAULT_AGENT_REFRESH_MS = 10_000;

/** A message whose agent is being looked up, with what its processing needs from its arrival. */
interface ParkedMessage {
  message: Decoded & { topic: { hallId: string; agentId: string } };
  topic: string;
  payload: Buffer;
  retained: boolean;
  replaying: boolean;
  nowMs: number;
}

export interface AggregatorOptions {
  brokerUrl: string;
  username: string;
  password: string;
  instanceId?: string;
  /** The SQL port every store of the aggregator (presence, agents, events, dead letters, counters, series) uses. */
  sql: SqlEngine;
  logger: Logger;
  silencePolicy: SilencePolicy;
  maxPayloadBytes?: number;
  deadLetterMaxRows?: number;
  flushIntervalMs?: number;
  /**
   * How long messages are handled in one event-loop turn before timers and the HTTP API get their turn (default
   * 100 ms; see IngestTurnBudget). 0 hands every message to the next turn.
   */
  ingestTurnBudgetMs?: number;
  silenceCheckIntervalMs?: number;
  /** At most one episode of rebirth requests per agent in this period. */
  rebirthMinIntervalMs?: number;
  /**
   * Write-ahead log of received messages (docs/reliability.md). With it the aggregator subscribes with a
   * persistent session (client id `clientId`, default the username; `clean: false`), so the broker keeps what
   * arrives while it is down, and logs each message before its PUBACK.
   */
  ingestLogDir?: string;
  clientId?: string;
  checkpointIntervalMs?: number;
  /** Process messages and announce "online" only once goLive() is called (after every listener is attached). */
  deferLive?: boolean;
  /** How long agents' wills wait before they count, so a broker outage marks no device offline. */
  willGrace?: WillGraceOptions;
  /** How an unanswered rebirth request is repeated (see RebirthRequests). */
  rebirthRetry?: RebirthRetryOptions;
  /** When an agent's time counts as skewed (see judgeClock). */
  clockSkew?: ClockSkewPolicy;
  /** The sampled numeric telemetry kept for charts (see TelemetrySeries). */
  series?: TelemetrySeriesOptions;
  /** How often the provisioned agents are reloaded (default 10 s). */
  agentRefreshMs?: number;
  /**
   * Several nodes share the halls (docs/scale-out.md): this aggregator handles only the halls adopted
   * (adoptHall), subscribes to their topics alone, and writes their state through the fence. No ingest log.
   */
  shared?: SharedHallsOptions;
  now?: () => number;
}

export interface AggregatorStats {
  brokerConnected: boolean;
  messagesReceived: number;
  messagesByType: Record<string, number>;
  deadLettersByReason: Record<string, number>;
  deadLetterOverflow: number;
  lostMessages: number;
  duplicateMessages: number;
  rebirthRequests: number;
  /** Live data messages whose agent time was off by more than the skew threshold. */
  clockSkewedMessages: number;
  devicesByConnectivity: Record<string, number>;
  agentsByConnectivity: Record<string, number>;
  ingestLog: DurableIngestStats | null;
}

/**
 * Where every message enters Hallwatch: subscribes to all agent topics, validates each message,
 * dead-letters what is invalid, keeps presence, persists state, and publishes events on its bus.
 */
export class Aggregator {
  readonly bus: EventBus<AggregatorEvents>;
  readonly presence: PresenceTracker;
  readonly instanceId: string;
  private readonly now: () => number;
  private readonly store: PresenceStore;
  private readonly deadLetterStore: DeadLetterStore;
  private readonly eventStore: DeviceEventStore;
  private readonly seriesStore: TelemetrySeries;
  private readonly counterStore: CounterStore;
  private readonly directory: AgentDirectory;
  private readonly agentGate: AgentGate<ParkedMessage>;
  private readonly deadLetters: DeadLetterSink;
  private client: MqttClient | null = null;
  private cancelReconnect: (() => void) | null = null;
  private timers: NodeJS.Timeout[] = [];
  private readonly writer: PresenceWriter;
  /** The flush under way (and those waiting); see flush(). */
  private flushTail: Promise<void> = Promise.resolve();
  private flushing = 0;
  /** Set by the presence writer's error handler during a flush (see flushEverything). */
  private stateWriteFailed = false;
  private pendingEvents: StoredDeviceEvent[] = [];
  private readonly lastRebirthMs = new Map<string, number>();
  private readonly rebirths: RebirthRequests;
  private readonly clocks: ClockWatch;
  private brokerConnected = false;
  /** Whether what arrives can be stored; while not, the retained status says offline (see setStorageReady). */
  private storageReady = true;
  private stopping = false;
  private messagesReceived = 0;
  private readonly messagesByType = new Map<string, number>();
  private rebirthRequests = 0;
  private readonly durable: DurableIngest | null;
  private readonly turnBudget: IngestTurnBudget;
  private live = false;
  /** Replaying the ingest log: a will in it cannot be checked against a broker loss any more. */
  private replayingLog = false;
  private readonly wills: WillGrace;
  private subscribed = false;
  /** Other topics parts of this node follow on the aggregator's one connection (subscribeTopic). */
  private readonly topicListeners = new Map<string, Set<(topic: string, payload: Buffer) => void>>();
  /** Shared mode: the halls this node handles; null when it handles every hall. */
  private readonly shared: SharedHalls | null;
  /** Without a write-ahead log: what arrived before goLive(). */
  private early: { topic: string; payload: Buffer; retain: boolean; receivedMs: number }[] = [];

  constructor(private readonly options: AggregatorOptions) {
    this.now = options.now ?? Date.now;
    this.instanceId = options.instanceId ?? randomUUID().slice(0, 8);
    this.bus = new EventBus<AggregatorEvents>(options.logger);
    this.presence = new PresenceTracker(this.now(), options.silencePolicy);
    if (options.shared && options.ingestLogDir)
      throw new Error("a node sharing the halls keeps no ingest log (see docs/scale-out.md)");
    this.shared = options.shared
      ? new SharedHalls(options.shared, this.instanceId, () => this.announceStatus())
      : null;
    const fence = this.shared?.fence ?? null;
    this.store = new PresenceStore(options.sql, fence);
    this.deadLetterStore = new DeadLetterStore(options.sql, options.deadLetterMaxRows);
    this.eventStore = new DeviceEventStore(options.sql);
    this.seriesStore = new TelemetrySeries(options.sql, options.series);
    this.counterStore = new CounterStore(options.sql);
    this.directory = new AgentDirectory(options.sql, (err) =>
      options.logger.warn({ err }, "provisioned agents not reloaded; tried again later"),
    );
    this.agentGate = new AgentGate<ParkedMessage>(
      this.directory,
      (hallId, m) => this.releaseParked(hallId, m),
      (err, agentId) => options.logger.warn({ err, agentId }, "agent lookup failed; its messages wait"),
      this.now,
    );
    this.writer = new PresenceWriter(
      this.store,
      new DeviceStateWrites(options.sql, fence),
      (err, lostTransitions) => {
        this.stateWriteFailed = true;
        options.logger.error(
          { err, lostTransitions },
          "failed to persist aggregator state; kept for the next flush",
        );
      },
    );
    this.deadLetters = new DeadLetterSink(options.logger);
    this.wills = new WillGrace(options.willGrace, this.now);
    this.turnBudget = new IngestTurnBudget(options.ingestTurnBudgetMs, undefined, () => {
      const stream = this.client?.stream;
      if (stream) corkUntilNextTurn(stream);
    });
    this.durable = options.ingestLogDir
      ? new DurableIngest({
          dir: options.ingestLogDir,
          logger: options.logger,
          counters: new CounterStore(options.sql), // its own totals, so its own baseline (see CounterStore)
          flushState: () => this.flushForCheckpoint(),
          ...(options.checkpointIntervalMs ? { checkpointIntervalMs: options.checkpointIntervalMs } : {}),
        })
      : null;
    this.clocks = new ClockWatch((change) => this.bus.emit("clock_skew", change), options.clockSkew);
    this.rebirths = new RebirthRequests(
      (hallId, agentId, attempt) => this.sendRebirth(hallId, agentId, attempt),
      options.rebirthRetry,
    );
  }

  /** MQTT messages received so far, valid or not (cheap: for rates; stats() walks every device). */
  get receivedMessages(): number {
    return this.messagesReceived;
  }

  get isBrokerConnected(): boolean {
    return this.brokerConnected;
  }

  /**
   * While the store cannot write (full disk), the aggregator's retained status says offline even though it is
   * connected: agents keep their spools instead of replaying them into a subscriber that cannot keep them, and
   * replay once it says online again. Call before start() to begin offline.
   */
  setStorageReady(ready: boolean): void {
    if (ready === this.storageReady) return;
    this.storageReady = ready;
    this.announceStatus();
  }

  /**
   * "online" once live (the ingest log replayed), subscribed and able to store; "offline" at once when storage
   * fails. Before it is live nothing is said: the previous session's will already says offline.
   */
  private announceStatus(): void {
    const client = this.client;
    if (!client?.connected) return;
    const online = this.storageReady && this.live && this.subscribed;
    if (this.storageReady && !online) return;
    const status: AggregatorStatus = {
      v: 1,
      state: online ? "online" : "offline",
      instanceId: this.instanceId,
      tsMs: this.now(),
    };
    client.publish(topics.aggregatorStatus(), JSON.stringify(status), { qos: 1, retain: true });
  }

  async start(): Promise<void> {
    // Shared: nothing is this node's until adopted (adoptHall loads the hall).
    if (!this.shared) this.presence.restore(await this.store.loadAgents(), await this.store.loadDevices());
    await this.directory.load();
    this.directory.start(this.options.agentRefreshMs ?? DEFAULT_AGENT_REFRESH_MS);
    this.deadLetters.restoreCounts(await this.counterStore.load());
    await this.durable?.open();
    const log = this.options.logger;
    const will: AggregatorStatus = { v: 1, state: "offline", instanceId: this.instanceId, tsMs: this.now() };
    const client = mqtt.connect(this.options.brokerUrl, {
      clientId: this.durable
        ? (this.options.clientId ?? this.options.username)
        : `${this.options.username}-${this.instanceId}`,
      username: this.options.username,
      password: this.options.password,
      clean: this.durable === null,
      reconnectPeriod: 0, // applyBackoff() reconnects with backoff and jitter
      connectTimeout: 10_000,
      will: {
        topic: topics.aggregatorStatus(),
        payload: Buffer.from(JSON.stringify(will)),
        qos: 1,
        retain: true,
      },
    });
    this.client = client;
    // The PUBACK and the next packet wait for the turn budget (MQTT.js calls this after the "message" listener).
    client.handleMessage = (_packet, callback) => this.turnBudget.pass(callback);
    this.cancelReconnect = applyBackoff(client, { maxDelayMs: 10_000 });
    client.on("connect", (connack) => {
      coalesceWritesPerRead(client.stream);
      const durable = this.durable;
      if (durable) commitBeforeWrites(client.stream, () => durable.commit());
      this.onConnected(client, connack.sessionPresent === true);
    });
    client.on("close", () => {
      this.subscribed = false;
      this.wills.brokerLost();
      if (this.brokerConnected && !this.stopping) {
        this.brokerConnected = false;
        log.warn("lost the MQTT broker; device states are unknown until it returns");
        this.applyEffects(this.presence.onBrokerLost(this.now()));
        this.bus.emit("broker_connection", { connected: false, atMs: this.now() });
      }
    });
    client.on("error", (err) => {
      if (!this.stopping) log.warn({ err: err.message }, "MQTT client error");
    });
    // MQTT.js sends the PUBACK after this listener returns (it emits "message" before handleMessage).
    client.on("message", (topic, payload, packet) => this.onIncoming(topic, payload, packet));
    this.timers.push(setInterval(() => this.flushPeriodically(), this.options.flushIntervalMs ?? 1000));
    // A whole silence pass per interval, in ten slices (see PresenceTracker.checkSilence).
    const silenceCheckMs = this.options.silenceCheckIntervalMs ?? 1000;
    this.timers.push(
      setInterval(() => {
        const slice = Math.ceil(this.presence.deviceCount / SILENCE_SLICES) + 1;
        this.applyEffects(this.presence.checkSilence(this.now(), slice));
      }, silenceCheckMs / SILENCE_SLICES),
    );
    await new Promise<void>((resolve) => {
      if (client.connected) resolve();
      else client.once("connect", () => resolve());
    });
    if (!this.options.deferLive) this.goLive();
  }

  /**
   * Replays the write-ahead log (or what arrived before this call) through the normal path, then processes
   * messages as they come and announces the aggregator online, so agents replay their spools into a listener.
   */
  goLive(): void {
    if (this.live) return;
    if (this.durable) {
      this.replayingLog = true;
      try {
        this.durable.replay((m) => this.handleMessage(m.topic, m.payload, m.retain, m.receivedMs));
      } finally {
        this.replayingLog = false;
      }
      this.durable.start();
    } else {
      for (const m of this.early) this.handleMessage(m.topic, m.payload, m.retain, m.receivedMs);
    }
    this.early = [];
    this.live = true;
    this.announceStatus();
  }

  /** Reads the provisioned agents again now (after a revocation or a move through this node). */
  refreshAgents(): Promise<void> {
    return this.directory.load();
  }

  /** A promise per checkpoint that resolves once all handed over so far is durable (e.g. the InfluxDB buffer). */
  addDurabilityBarrier(barrier: () => Promise<void>): void {
    this.durable?.addBarrier(barrier);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.shared?.stop();
    this.wills.stop();
    this.directory.stop();
    this.agentGate.stop();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.rebirths.stopAll();
    this.cancelReconnect?.();
    this.cancelReconnect = null;
    const client = this.client;
    this.client = null;
    if (client) {
      if (client.connected) {
        const status: AggregatorStatus = {
          v: 1,
          state: "offline",
          instanceId: this.instanceId,
          tsMs: this.now(),
        };
        await client
          .publishAsync(topics.aggregatorStatus(), JSON.stringify(status), { qos: 1, retain: true })
          .catch(() => undefined);
      }
      await endClient(client);
    }
    this.brokerConnected = false;
    this.writer.cancel();
    await this.flush();
    await this.durable?.stop();
  }

  stats(): AggregatorStats {
    const devicesByConnectivity: Record<string, number> = { online: 0, offline: 0, unknown: 0 };
    for (const d of this.presence.allDevices()) {
      if (!d.retired)
        devicesByConnectivity[d.connectivity] = (devicesByConnectivity[d.connectivity] ?? 0) + 1;
    }
    const agentsByConnectivity: Record<string, number> = { online: 0, offline: 0, unknown: 0 };
    let lostMessages = 0;
    let duplicateMessages = 0;
    for (const a of this.presence.allAgents()) {
      agentsByConnectivity[a.connectivity] = (agentsByConnectivity[a.connectivity] ?? 0) + 1;
      lostMessages += a.lostMessages;
      duplicateMessages += a.duplicateMessages;
    }
    return {
      brokerConnected: this.brokerConnected,
      messagesReceived: this.messagesReceived,
      messagesByType: Object.fromEntries(this.messagesByType),
      deadLettersByReason: Object.fromEntries(this.deadLetters.countsByReason),
      deadLetterOverflow: this.deadLetters.overflowCount,
      lostMessages,
      duplicateMessages,
      rebirthRequests: this.rebirthRequests,
      clockSkewedMessages: this.clocks.skewedMessages,
      devicesByConnectivity,
      agentsByConnectivity,
      ingestLog: this.durable?.stats() ?? null,
    };
  }

  get deadLetterArchive(): DeadLetterStore {
    return this.deadLetterStore;
  }

  get events(): DeviceEventStore {
    return this.eventStore;
  }

  get series(): TelemetrySeries {
    return this.seriesStore;
  }

  get history(): PresenceStore {
    return this.store;
  }

  /** Publishes on the broker as the aggregator (QoS 1); dropped with a debug line while disconnected. */
  publish(topic: string, payload: string, retain = false): void {
    const client = this.client;
    if (!client?.connected) {
      this.options.logger.debug({ topic }, "not connected: publication dropped");
      return;
    }
    client.publish(topic, payload, { qos: 1, retain });
  }

  /** Sends a command to an agent on its command topic. */
  async sendCommand(
    hallId: string,
    agentId: string,
    command: CommandFields,
    id: string = randomUUID(),
  ): Promise<string> {
    const client = this.client;
    if (!client?.connected) throw new Error("not connected to the MQTT broker");
    const message = { v: 1, id, tsMs: this.now(), ...command };
    await client.publishAsync(topics.command(hallId, agentId), JSON.stringify(message), { qos: 1 });
    return id;
  }

  /**
   * Writes all pending state, events, dead letters and counters to the store now, in a few transactions; resolves
   * once they are written. Flushes run one at a time: a call made while one runs waits for it and then writes what
   * has come since, so a reader that awaited flush() sees everything processed before its call.
   */
  flush(): Promise<void> {
    return this.flushEverything().then(() => undefined);
  }

  /**
   * What a reader of the store's history needs written before it reads: connectivity transitions and the rows that
   * changed, device events, dead letters, chart samples. Not the last-seen times and values of devices that only
   * sent data: readers take those from memory, and writing them for every device of a province (flush()) on each
   * page view held the ingest loop (554 ms for 50,000 devices in one measurement). Ordered with the other flushes like flush().
   */
  flushForReads(): Promise<void> {
    return this.enqueueFlush(async () => {
      await this.agentGate.settled();
      await this.writer.flushChanged();
      await this.flushRecords();
    });
  }

  /**
   * Like flush(), but rejects unless the store took all of it: an ingest-log checkpoint deletes the log only
   * after this, so that what the store refused (disk full, database away) is still in the log for a crash.
   */
  private async flushForCheckpoint(): Promise<void> {
    if (!(await this.flushEverything({ sliced: true })))
      throw new Error("the store refused part of the state");
    // Messages held behind a failed agent lookup are processed in no state yet: the log must keep them.
    if (this.agentGate.retrying) throw new Error("messages wait for an agent lookup the database refused");
  }

  /**
   * Resolves true when everything pending was written, false when the store refused some (kept for later).
   * `sliced`: the devices that only sent data are written a slice per event-loop turn (a checkpoint, which
   * nobody waits for) rather than in one write (a reader that must see the latest state, a stop).
   */
  private flushEverything(options: { sliced?: boolean } = {}): Promise<boolean> {
    return this.enqueueFlush(async () => {
      await this.agentGate.settled(); // messages received before this call, waiting for their agent's lookup
      this.stateWriteFailed = false;
      // Never rejects: a refused write sets stateWriteFailed through its onError.
      await (options.sliced ? this.writer.flushAllInSlices() : this.writer.flushAll());
      const stateWritten = !this.stateWriteFailed;
      return (await this.flushRecords()) && stateWritten;
    });
  }

  /** The timer's flush: devices that only sent data are written in slices (see PresenceWriter). */
  private flushPeriodically(): void {
    if (this.flushing > 0) return; // the flush under way writes it, or the next tick will
    void this.enqueueFlush(async () => {
      await this.writer.flushInSlices();
      await this.flushRecords();
    });
  }

  private enqueueFlush<T>(write: () => T | Promise<T>): Promise<T> {
    this.flushing += 1;
    const run = this.flushTail.then(write).finally(() => {
      this.flushing -= 1;
    });
    // A failed write is logged by the writer; the chain goes on.
    this.flushTail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * Writes the events, sampled series, dead letters and counters held so far. Each batch is taken before the first
   * await (what arrives meanwhile waits for the next flush); a batch the store refuses is logged and put back for
   * the next flush, within a bound beyond which the oldest are dropped and logged as lost. Never rejects;
   * resolves false when a batch was refused.
   */
  private async flushRecords(): Promise<boolean> {
    let written = true;
    const log = this.options.logger;
    const events = this.pendingEvents;
    this.pendingEvents = [];
    const letters = this.deadLetters.drain();
    const counters = this.deadLetters.countersForStorage();
    try {
      await this.eventStore.saveBatch(events);
    } catch (err) {
      const kept = events.concat(this.pendingEvents);
      const lost = kept.length - MAX_UNSAVED_EVENTS;
      this.pendingEvents = lost > 0 ? kept.slice(lost) : kept;
      log.error({ err, events: events.length, lost: Math.max(0, lost) }, "failed to persist device events");
      written = false;
    }
    try {
      await this.seriesStore.flush(); // keeps what it could not write for the next flush
    } catch (err) {
      log.error({ err }, "failed to persist telemetry series");
      written = false;
    }
    try {
      await this.deadLetterStore.saveBatch(letters);
    } catch (err) {
      const lost = this.deadLetters.requeue(letters);
      log.error({ err, letters: letters.length, lost }, "failed to persist dead letters");
      written = false;
    }
    try {
      // Adds only what grew since the last save: no statement at all when nothing did.
      await this.counterStore.saveAll(counters);
    } catch (err) {
      log.error({ err }, "failed to persist dead-letter counts");
      written = false;
    }
    return written;
  }

  private onConnected(client: MqttClient, sessionPresent: boolean): void {
    const nowMs = this.now();
    this.brokerConnected = true;
    this.presence.onBrokerConnected(nowMs);
    this.wills.brokerConnected(sessionPresent);
    // "online" only once subscribed, so no agent replays its spool before there is a subscription to take it.
    if (!this.storageReady) this.announceStatus();
    const subscriptions = [
      ...(this.shared?.subscriptions() ?? topics.aggregatorSubscriptions()),
      ...this.topicListeners.keys(),
    ];
    client.subscribe(subscriptions, { qos: 1 }, (err) => {
      if (err) {
        this.options.logger.error({ err: err.message }, "subscribe failed");
        return;
      }
      this.subscribed = true;
      this.announceStatus();
    });
    this.options.logger.info(
      { brokerUrl: this.options.brokerUrl, instanceId: this.instanceId, storageReady: this.storageReady },
      this.storageReady
        ? "aggregator connected"
        : "aggregator connected, announced offline: storage cannot write",
    );
    this.bus.emit("broker_connection", { connected: true, atMs: nowMs });
  }

  /** Logged before it is processed and acknowledged; processed at once when live, else replayed by goLive(). */
  private onIncoming(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (this.shared) {
      const route = this.shared.route(topic);
      if (route === "status") this.shared.onStatus(payload);
      // Listeners follow what this node does not process itself: an owned hall's messages never pay for them.
      if (route !== "process") {
        if (this.topicListeners.size > 0) this.notifyTopicListeners(topic, payload);
        return;
      }
    } else if (this.topicListeners.size > 0) this.notifyTopicListeners(topic, payload);
    const receivedMs = this.now();
    const retain = packet.retain === true;
    this.durable?.record({ topic, payload, receivedMs, retain });
    if (this.live) this.handleMessage(topic, payload, retain, receivedMs);
    else if (!this.durable) this.early.push({ topic, payload, retain, receivedMs });
  }

  private handleMessage(topic: string, payload: Buffer, retained: boolean, nowMs: number): void {
    this.messagesReceived += 1;
    try {
      const decoded = decodeMessageFast(topic, payload, this.options.maxPayloadBytes);
      if (!decoded.ok) {
        this.deadLetters.record(decoded.reason, topic, payload, decoded.detail, nowMs);
        return;
      }
      this.messagesByType.set(decoded.value.type, (this.messagesByType.get(decoded.value.type) ?? 0) + 1);
      this.route(decoded.value, topic, payload, retained, nowMs);
    } catch (err) {
      // Never let one message take the pipeline down; keep it for inspection instead.
      this.options.logger.error({ err, topic }, "failed to process message");
      this.deadLetters.record(
        "schema_mismatch",
        topic,
        payload,
        `processing error: ${(err as Error).message}`,
        nowMs,
      );
    }
  }

  private route(message: Decoded, topic: string, payload: Buffer, retained: boolean, nowMs: number): void {
    if (message.type === "aggregator_status" || message.type === "alert_event" || message.type === "cmd")
      return;
    const { agentId } = message.topic;
    const hallId = this.agentGate.check(agentId, nowMs);
    if (hallId !== undefined) {
      this.routeChecked(hallId, message, topic, payload, retained, this.replayingLog, nowMs);
      return;
    }
    // Not in memory (provisioned since the last load, or never): held until a lookup answers, then processed in
    // order or dead-lettered (see AgentGate).
    const parked = { message, topic, payload, retained, replaying: this.replayingLog, nowMs };
    if (!this.agentGate.park(agentId, parked))
      this.deadLetters.record(
        "unknown_agent",
        topic,
        payload,
        `agent ${agentId} not confirmed: too many messages wait for agent lookups`,
        nowMs,
      );
  }

  private releaseParked(hallId: string | null, m: ParkedMessage): void {
    try {
      this.routeChecked(hallId, m.message, m.topic, m.payload, m.retained, m.replaying, m.nowMs);
    } catch (err) {
      this.options.logger.error({ err, topic: m.topic }, "failed to process message");
      this.deadLetters.record(
        "schema_mismatch",
        m.topic,
        m.payload,
        `processing error: ${(err as Error).message}`,
        m.nowMs,
      );
    }
  }

  /** A message whose agent's hall is known (`provisionedHall`; null when it is not provisioned). */
  private routeChecked(
    provisionedHall: string | null,
    message: ParkedMessage["message"],
    topic: string,
    payload: Buffer,
    retained: boolean,
    replaying: boolean,
    nowMs: number,
  ): void {
    const { hallId, agentId } = message.topic;
    const reject = (reason: RejectReason, detail: string) =>
      this.deadLetters.record(reason, topic, payload, detail, nowMs);
    if (provisionedHall === null) {
      // An agent revoked while connected: the broker cuts it off and publishes its will (only the broker can, the
      // agent can no longer connect). That last "offline" takes its devices offline, as any will does.
      const knownHere = this.presence.agent(agentId)?.hallId === hallId;
      if (!(knownHere && message.type === "status" && message.message.state === "offline")) {
        reject("unknown_agent", `agent ${agentId} is not provisioned`);
        return;
      }
      provisionedHall = hallId;
    }
    if (provisionedHall !== hallId) {
      reject("hall_mismatch", `agent ${agentId} belongs to hall ${provisionedHall}, not ${hallId}`);
      return;
    }
    switch (message.type) {
      case "status": {
        const status = message.message;
        const apply = (atMs: number) => {
          this.applyEffects(this.presence.onAgentStatus(hallId, agentId, status, atMs));
          this.agentChanged(agentId);
        };
        if (status.state === "offline")
          this.wills.offline(agentId, retained || replaying, status.reason, () => apply(this.now()));
        else {
          this.wills.release(agentId);
          apply(nowMs);
        }
        return;
      }
      case "birth": {
        if (message.message.agent.id !== agentId) {
          reject("schema_mismatch", `birth names agent ${message.message.agent.id} on ${agentId}'s topic`);
          return;
        }
        if (!retained) {
          this.wills.release(agentId);
          this.rebirths.settle(agentId);
        }
        const effects = this.presence.onBirth(hallId, agentId, message.message, retained, nowMs);
        // A retained birth is a replay (at every subscribe) of one already judged when it was live; after an
        // admin moved a device, the former agent's retained birth still lists it until that agent births again.
        this.applyEffects(retained ? effects.filter((e) => e.type !== "device_conflict") : effects);
        this.agentChanged(agentId);
        const conflicts = retained ? null : conflictsIn(effects);
        if (conflicts) reject("device_conflict", conflicts);
        return;
      }
      case "telemetry": {
        const { deviceId } = message.topic;
        const known = this.presence.device(hallId, deviceId);
        let values = null;
        let invalid = false;
        if (known && known.agentId === agentId && !known.retired) {
          const checked = decodeTelemetryValuesFast(known.kind, message.message.values);
          invalid = !checked.ok;
          if (!checked.ok) reject("schema_mismatch", checked.detail);
          else values = checked.values;
        }
        const { envelope, pointTimeMs, skewMs } = this.judgeClock(
          hallId,
          agentId,
          deviceId,
          message.message,
          nowMs,
        );
        const result = this.onData(hallId, agentId, deviceId, envelope, values, nowMs, invalid);
        if (!result.ok) {
          reject(result.reason, dataRejection(result.reason, hallId, agentId, deviceId));
          return;
        }
        if (skewMs !== undefined) result.device.clockSkewMs = skewMs;
        if (values !== null) {
          this.seriesStore.record(result.device, pointTimeMs, values);
          this.bus.emit("telemetry", {
            device: result.device,
            values,
            envelope: message.message,
            receivedMs: nowMs,
            pointTimeMs,
          });
        }
        return;
      }
      case "event": {
        const { deviceId } = message.topic;
        const { envelope, skewMs } = this.judgeClock(hallId, agentId, deviceId, message.message, nowMs);
        const result = this.onData(hallId, agentId, deviceId, envelope, null, nowMs);
        if (!result.ok) {
          reject(result.reason, dataRejection(result.reason, hallId, agentId, deviceId));
          return;
        }
        if (skewMs !== undefined) result.device.clockSkewMs = skewMs;
        const event = message.message;
        this.pendingEvents.push({
          hallId,
          deviceId,
          tsMs: event.tsMs,
          receivedMs: nowMs,
          type: event.type,
          message: event.message ?? null,
          data: event.data ?? null,
          historical: event.historical === true,
        });
        this.bus.emit("device_event", { device: result.device, event, receivedMs: nowMs });
        return;
      }
      case "reply":
        this.options.logger.debug(
          { agentId, id: message.message.id, ok: message.message.ok },
          "command reply",
        );
        this.bus.emit("command_reply", { hallId, agentId, reply: message.message, receivedMs: nowMs });
        return;
    }
  }

  /**
   * A live data message's clock (see judgeClock): for presence, a skewed message counts at its receive time, so
   * one message from a clock an hour ahead cannot keep the device's later values from applying for an hour.
   * Historical replays keep the agent's time and say nothing about the clock now (`skewMs` undefined).
   */
  private judgeClock<E extends TelemetryEnvelope | DeviceEvent>(
    hallId: string,
    agentId: string,
    deviceId: string,
    message: E,
    nowMs: number,
  ): { envelope: E; pointTimeMs: number; skewMs?: number | null } {
    if (message.historical) return { envelope: message, pointTimeMs: message.tsMs };
    const { pointTimeMs, skewMs } = this.clocks.observe(hallId, agentId, deviceId, message.tsMs, nowMs);
    const envelope = pointTimeMs === message.tsMs ? message : { ...message, tsMs: pointTimeMs };
    return { envelope, pointTimeMs, skewMs };
  }

  /**
   * A data message through presence. Its device's row needs only last-seen and values written; its agent's row
   * only when something stored changed (a new session, a counted loss or duplicate), not once per message.
   */
  private onData(
    hallId: string,
    agentId: string,
    deviceId: string,
    envelope: TelemetryEnvelope | DeviceEvent,
    values: TelemetryValues | null,
    nowMs: number,
    rejected = false,
  ): DataResult {
    const agent = this.presence.agent(agentId);
    const session = agent?.session;
    const counted = agent ? agent.lostMessages + agent.duplicateMessages : 0;
    const result = this.presence.onData(hallId, agentId, deviceId, envelope, values, nowMs, rejected);
    this.applyEffects(result.effects);
    if (!agent || agent.session !== session || agent.lostMessages + agent.duplicateMessages !== counted)
      this.agentChanged(agentId);
    if (result.ok) this.writer.deviceSeen(result.device);
    return result;
  }

  private agentChanged(agentId: string): void {
    const agent = this.presence.agent(agentId);
    if (agent) this.writer.agentChanged(agent);
  }

  private applyEffects(effects: readonly PresenceEffect[]): void {
    for (const effect of effects) {
      switch (effect.type) {
        case "device_connectivity":
          this.writer.deviceChanged(effect.device);
          this.writer.transition({
            device: effect.device,
            to: effect.to,
            reason: effect.reason,
            atMs: effect.atMs,
          });
          this.bus.emit("device_connectivity", effect);
          break;
        case "agent_connectivity":
          if (effect.to !== "online") this.rebirths.settle(effect.agent.agentId);
          this.writer.agentChanged(effect.agent);
          this.bus.emit("agent_connectivity", effect);
          break;
        case "device_registered":
        case "device_retired":
          this.writer.deviceChanged(effect.device);
          break;
        case "sequence_gap":
          this.writer.agentChanged(effect.agent);
          this.options.logger.warn(
            { agentId: effect.agent.agentId, expected: effect.expectedSeq, received: effect.receivedSeq },
            "sequence gap: messages lost",
          );
          break;
        case "request_rebirth":
          this.requestRebirth(effect.hallId, effect.agentId, effect.why);
          break;
        case "device_conflict":
          this.options.logger.warn(
            {
              hallId: effect.hallId,
              deviceId: effect.deviceId,
              owner: effect.ownerAgentId,
              claimant: effect.claimantAgentId,
            },
            "an agent claimed another agent's device: refused",
          );
          this.bus.emit("device_conflict", { ...effect, atMs: this.now() });
          break;
      }
    }
  }

  /**
   * Moves a device to another agent of its hall (the admin API's device move). Throws with a clear message
   * when the device or the agent is unknown, or the agent belongs to another hall.
   */
  /**
   * Shared mode: this node now owns the hall (docs/scale-out.md, takeover). Its stored agents and devices are loaded
   * with connectivity unknown (which opens and closes nothing; silence counts from now), then its topics are
   * subscribed (the retained statuses and births arrive) and its agents are asked for a rebirth. Adopt the hall's
   * alerts first (AlertService.adoptHall), so that what the devices report carries on the alerts left there.
   */
  async adoptHall(hallId: string): Promise<void> {
    const shared = this.requireShared();
    if (shared.has(hallId)) return;
    const { agents, devices } = await this.store.loadHall(hallId);
    if (!shared.add(hallId)) return;
    this.applyEffects(this.presence.adoptHall(hallId, agents, devices, this.now()));
    const client = this.client;
    if (client?.connected) {
      try {
        await client.subscribeAsync(topics.hallSubscription(hallId), { qos: 1 });
      } catch (err) {
        // Subscribed again with every owned hall at the next connect.
        this.options.logger.warn({ err, hallId }, "could not subscribe to an adopted hall");
      }
    }
    for (const agent of agents) {
      this.lastRebirthMs.delete(agent.agentId);
      this.requestRebirth(hallId, agent.agentId, "takeover");
    }
  }

  /**
   * Shared mode: this node hands the hall over. Nothing more of it is processed; what was processed is written
   * (fenced, while the lease is still this node's), then the hall is forgotten here.
   */
  async releaseHall(hallId: string): Promise<void> {
    if (!this.requireShared().delete(hallId)) return;
    this.unsubscribeHall(hallId);
    await this.flush();
    this.forgetHall(hallId);
  }

  /** Shared mode: the hall was taken over (or its lease expired) before it could be handed over: forgotten at once. */
  loseHall(hallId: string): void {
    if (!this.requireShared().delete(hallId)) return;
    this.unsubscribeHall(hallId);
    this.forgetHall(hallId);
  }

  /**
   * Follows an MQTT topic filter on the aggregator's connection (subscribed again after every reconnect): a broker
   * that takes a client id from the username (Mosquitto's use_username_as_clientid) allows this node one
   * connection. For topics the aggregator does not process itself (system topics, halls another node owns): in
   * shared mode an owned hall's messages are not offered to listeners. Returns how to stop.
   */
  subscribeTopic(filter: string, onMessage: (topic: string, payload: Buffer) => void): () => void {
    let listeners = this.topicListeners.get(filter);
    if (!listeners) {
      listeners = new Set();
      this.topicListeners.set(filter, listeners);
      if (this.client?.connected) this.client.subscribe(filter, { qos: 1 });
    }
    listeners.add(onMessage);
    return () => {
      listeners.delete(onMessage);
      if (listeners.size > 0 || this.topicListeners.get(filter) !== listeners) return;
      this.topicListeners.delete(filter);
      if (this.client?.connected) this.client.unsubscribe(filter);
    };
  }

  private notifyTopicListeners(topic: string, payload: Buffer): void {
    for (const [filter, listeners] of this.topicListeners) {
      if (!topicMatches(filter, topic)) continue;
      for (const listener of listeners) {
        try {
          listener(topic, payload);
        } catch (err) {
          this.options.logger.error({ err, topic }, "a topic listener failed");
        }
      }
    }
  }

  /** The halls this node handles (shared mode), or null when it handles every hall. */
  get ownedHalls(): ReadonlySet<string> | null {
    return this.shared?.halls ?? null;
  }

  private requireShared(): SharedHalls {
    if (!this.shared) throw new Error("only an aggregator sharing the halls adopts and releases them");
    return this.shared;
  }

  private unsubscribeHall(hallId: string): void {
    const client = this.client;
    if (client?.connected)
      client.unsubscribe(topics.hallSubscription(hallId), (err) => {
        if (err) this.options.logger.warn({ err, hallId }, "could not unsubscribe from a released hall");
      });
  }

  private forgetHall(hallId: string): void {
    for (const agent of [...this.presence.allAgents()]) {
      if (agent.hallId !== hallId) continue;
      this.rebirths.settle(agent.agentId);
      this.wills.release(agent.agentId);
    }
    this.presence.releaseHall(hallId);
  }

  async moveDevice(
    hallId: string,
    deviceId: string,
    toAgentId: string,
  ): Promise<{ from: string; device: DeviceState }> {
    const nowMs = this.now();
    const device = this.presence.device(hallId, deviceId);
    if (!device) throw new DeviceMoveError("not_found", `no device ${deviceId} in hall ${hallId}`);
    const agentHall = await this.directory.hallOf(toAgentId, nowMs);
    if (agentHall !== hallId)
      throw new DeviceMoveError(
        "invalid",
        agentHall === null
          ? `agent ${toAgentId} is not provisioned`
          : `agent ${toAgentId} belongs to hall ${agentHall}, not ${hallId}`,
      );
    const from = device.agentId;
    this.presence.moveDevice(hallId, deviceId, toAgentId, nowMs);
    this.writer.deviceChanged(device);
    for (const id of [from, toAgentId]) this.agentChanged(id);
    await this.flush();
    return { from, device };
  }

  /** An admin's name and zone for a device (kept over births); null when there is no such device. */
  async relabelDevice(
    hallId: string,
    deviceId: string,
    labels: { name?: string | null; zone?: string | null },
  ): Promise<DeviceState | null> {
    const device = this.presence.relabelDevice(hallId, deviceId, labels);
    if (!device) return null;
    this.writer.deviceChanged(device);
    await this.flush();
    return device;
  }

  /** An admin retires a device that is gone; null when there is no such device. */
  async retireDevice(hallId: string, deviceId: string): Promise<DeviceState | null> {
    const effects = this.presence.retireDevice(hallId, deviceId, this.now());
    if (!effects) return null;
    this.applyEffects(effects);
    await this.flush();
    return this.presence.device(hallId, deviceId) ?? null;
  }

  private requestRebirth(hallId: string, agentId: string, why: string): void {
    const nowMs = this.now();
    const last = this.lastRebirthMs.get(agentId);
    if (last !== undefined && nowMs - last < (this.options.rebirthMinIntervalMs ?? 30_000)) return;
    if (this.rebirths.isPending(agentId)) return;
    this.lastRebirthMs.set(agentId, nowMs);
    this.options.logger.info({ agentId, why }, "requesting rebirth");
    this.rebirths.request(hallId, agentId);
  }

  private sendRebirth(hallId: string, agentId: string, attempt: number): void {
    this.rebirthRequests += 1;
    if (attempt > 0)
      this.options.logger.debug({ agentId, attempt }, "repeating an unanswered rebirth request");
    this.sendCommand(hallId, agentId, { cmd: "rebirth" }).catch((err: Error) =>
      this.options.logger.warn({ agentId, err: err.message }, "rebirth request failed"),
    );
  }
}
