import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import {
  type AgentStatus,
  type Command,
  type CommandReply,
  decodeMessage,
  topics,
} from "../../src/contract/index.js";
import { type Logger, silentLogger } from "../../src/logging.js";
import { applyBackoff, endClient, type ReconnectOptions } from "../../src/util/reconnect.js";
import {
  type ActionCommand,
  type ActionOutcome,
  expiredError,
  isActionCommand,
  runAction,
} from "./actions.js";
import { buildBirth, readCommandId } from "./birth.js";
import { discreteChanges, discreteLeaves } from "./discrete-changes.js";
import type { DeviceDriver } from "./driver.js";
import { SessionStore } from "./session-store.js";
import { Spool, type SpooledMessage } from "./spool.js";

export { AGENT_VERSION } from "./birth.js";

export interface AgentOptions {
  brokerUrl: string;
  hallId: string;
  agentId: string;
  password: string;
  /** Session number and spool live here. */
  stateDir: string;
  drivers: DeviceDriver[];
  logger?: Logger;
  /** How often drivers are read to catch discrete changes between reports (default 1000). */
  sampleIntervalMs?: number;
  /** Bounds of the on-disk queue (default 50 MiB, no message bound); past them the oldest is dropped. */
  spoolMaxBytes?: number;
  spoolMaxMessages?: number;
  /** Backoff between reconnect attempts (default 0.5 s doubling to 30 s, half of each delay random). */
  reconnect?: Omit<ReconnectOptions, "beforeReconnect">;
  keepaliveSec?: number;
  connectTimeoutMs?: number;
  now?: () => number;
  /** Told every data message the agent generates, before it is published or spooled (tests, benchmarks). */
  onGenerated?: (message: SpooledMessage) => void;
}

interface DeviceRuntime {
  driver: DeviceDriver;
  reportIntervalSec: number;
  nextReportMs: number;
  lastDiscrete: Map<string, string | boolean> | null;
  reading: boolean;
}

const REPLAY_WINDOW = 50;

/**
 * One agent: connects as its own identity with a last will, announces itself (status, birth), reports
 * every device on its interval and at once on discrete changes, answers commands, and keeps data on disk
 * while the broker or the aggregator is away. See docs/protocol.md for the behaviour on the wire.
 */
export class Agent {
  private client: MqttClient | null = null;
  private detachBackoff: (() => void) | null = null;
  private readonly logger: Logger;
  private readonly sessions: SessionStore;
  private readonly spool: Spool;
  private readonly devices: DeviceRuntime[];
  private session = 0;
  private seq = 0;
  private aggregatorOnline = true;
  private replaying = false;
  private sampleTimer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private stopped = false;
  /**
   * Publishes waiting for their PUBACK. MQTT.js forgets them when it reconnects (a new outgoing store) and never
   * settles their callbacks, so on "close" they are failed here: live ones go to the spool, and a replay batch
   * keeps them on disk. Sent again they may arrive twice; the aggregator and InfluxDB take a repeat as one.
   */
  private readonly inFlight = new Set<(err: Error) => void>();
  published = 0;

  constructor(private readonly options: AgentOptions) {
    this.now = options.now ?? Date.now;
    // The agent names itself on every line; a caller's logger must not bind agentId too, or lines carry it twice.
    this.logger = (options.logger ?? silentLogger()).child({ agentId: options.agentId });
    this.sessions = new SessionStore(options.stateDir);
    this.spool = new Spool({
      dir: join(options.stateDir, "spool"),
      maxBytes: options.spoolMaxBytes ?? 50 * 1024 * 1024,
      ...(options.spoolMaxMessages === undefined ? {} : { maxMessages: options.spoolMaxMessages }),
    });
    this.devices = options.drivers.map((driver) => ({
      driver,
      reportIntervalSec: driver.spec.reportIntervalSec,
      nextReportMs: 0,
      lastDiscrete: null,
      reading: false,
    }));
  }

  get agentId(): string {
    return this.options.agentId;
  }

  get currentSession(): number {
    return this.session;
  }

  get isConnected(): boolean {
    return this.client?.connected === true;
  }

  get spooledBytes(): number {
    return this.spool.sizeBytes;
  }

  /** Messages waiting on disk for the broker and the aggregator. */
  get spooledMessages(): number {
    return this.spool.size;
  }

  /** Messages dropped because the on-disk queue was full (oldest first). */
  get droppedMessages(): number {
    return this.spool.droppedMessages;
  }

  /** Data messages published and not yet acknowledged by the broker. */
  get inFlightMessages(): number {
    return this.inFlight.size;
  }

  get isAggregatorOnline(): boolean {
    return this.aggregatorOnline;
  }

  /** Report a device at the next sample instead of waiting for its interval (e.g. after a fault injection). */
  reportSoon(deviceId: string): void {
    const d = this.devices.find((x) => x.driver.spec.id === deviceId);
    if (d) d.nextReportMs = 0;
  }

  driver(deviceId: string): DeviceDriver | undefined {
    return this.devices.find((d) => d.driver.spec.id === deviceId)?.driver;
  }

  /** Connects (in the background) and starts sampling; a no-op while already started. */
  start(): void {
    if (this.client) return;
    const { hallId, agentId } = this.options;
    this.stopped = false;
    this.session = this.sessions.next();
    const client = mqtt.connect(this.options.brokerUrl, {
      clientId: agentId,
      username: agentId,
      password: this.options.password,
      clean: true,
      keepalive: this.options.keepaliveSec ?? 30,
      reconnectPeriod: 0, // applyBackoff() reconnects, with backoff and jitter
      connectTimeout: this.options.connectTimeoutMs ?? 10_000,
      will: this.will(),
    });
    this.client = client;
    this.detachBackoff = applyBackoff(client, {
      ...this.options.reconnect,
      // Every connect attempt is a new session, and the will the broker keeps must carry it.
      beforeReconnect: () => {
        this.session = this.sessions.next();
        client.options.will = this.will();
      },
    });
    client.on("connect", () => this.onConnect(client));
    client.on("message", (topic, payload) => this.onMessage(topic, payload));
    client.on("error", (err) => this.logger.debug({ err: err.message }, "mqtt error"));
    client.on("close", () => {
      this.logger.debug({ inFlight: this.inFlight.size }, "disconnected");
      this.failInFlight();
    });
    this.sampleTimer = setInterval(() => this.sample(), this.options.sampleIntervalMs ?? 1000);
    this.logger.info({ hallId, session: this.session }, "agent starting");
  }

  /** Clean stop: retained offline status ("shutdown"), then disconnect. Nothing is lost: unsent data stays spooled. */
  async stop(): Promise<void> {
    const client = this.halt();
    if (client?.connected) {
      const status: AgentStatus = {
        v: 1,
        state: "offline",
        session: this.session,
        tsMs: this.now(),
        reason: "shutdown",
      };
      const { hallId, agentId } = this.options;
      await client
        .publishAsync(topics.agentStatus(hallId, agentId), JSON.stringify(status), { qos: 1, retain: true })
        .catch(() => undefined);
    }
    if (client) await endClient(client);
    for (const d of this.devices) await d.driver.close?.();
  }

  /**
   * Dies like a power cut: the socket drops without DISCONNECT (the broker sends the will) and nothing
   * reconnects until start() is called again. What it had spooled stays on disk.
   */
  crash(): void {
    const client = this.halt();
    (client as unknown as { stream?: { destroy(): void } } | null)?.stream?.destroy();
    client?.end(true);
  }

  private failInFlight(): void {
    const fails = [...this.inFlight];
    this.inFlight.clear();
    for (const fail of fails) fail(new Error("connection lost before the broker acknowledged"));
  }

  /** Stops sampling and reconnecting, and hands back the client for the caller to close its own way. */
  private halt(): MqttClient | null {
    this.stopped = true;
    if (this.sampleTimer) clearInterval(this.sampleTimer);
    this.sampleTimer = null;
    this.detachBackoff?.();
    this.detachBackoff = null;
    const client = this.client;
    this.client = null;
    return client;
  }

  /** Drops the connection without DISCONNECT, as a cable pull would (the broker sends the will); it reconnects. */
  kill(): void {
    const stream = (this.client as unknown as { stream?: { destroy(): void } } | null)?.stream;
    stream?.destroy();
  }

  private will() {
    const status: AgentStatus = {
      v: 1,
      state: "offline",
      session: this.session,
      tsMs: this.now(),
      reason: "will",
    };
    const { hallId, agentId } = this.options;
    return {
      topic: topics.agentStatus(hallId, agentId),
      payload: Buffer.from(JSON.stringify(status)),
      qos: 1 as const,
      retain: true,
    };
  }

  private onConnect(client: MqttClient): void {
    const { hallId, agentId } = this.options;
    this.logger.info({ session: this.session }, "agent connected");
    const status: AgentStatus = { v: 1, state: "online", session: this.session, tsMs: this.now() };
    client.publish(topics.agentStatus(hallId, agentId), JSON.stringify(status), { qos: 1, retain: true });
    this.publishBirth();
    for (const d of this.devices) d.nextReportMs = 0; // report everything right after (re)connecting
    // Replay once subscribed, so a retained "aggregator offline" has had its chance to arrive first.
    client
      .subscribeAsync([topics.command(hallId, agentId), topics.aggregatorStatus()], { qos: 1 })
      .catch((err: Error) => this.logger.debug({ err: err.message }, "subscribe failed"))
      .finally(() => void this.replay());
  }

  private publishBirth(): void {
    const client = this.client;
    if (!client?.connected) return;
    const { hallId, agentId } = this.options;
    this.seq = 0;
    const birth = buildBirth({
      agentId,
      session: this.session,
      nowMs: this.now(),
      devices: this.devices.map((d) => ({ spec: d.driver.spec, reportIntervalSec: d.reportIntervalSec })),
    });
    client.publish(topics.birth(hallId, agentId), JSON.stringify(birth), { qos: 1, retain: true });
  }

  private get canPublishLive(): boolean {
    return this.client?.connected === true && this.aggregatorOnline && !this.replaying && this.spool.isEmpty;
  }

  /** Reads every device that is due, or all of them to catch discrete changes between reports. */
  private sample(): void {
    const nowMs = this.now();
    for (const d of this.devices) {
      if (d.reading) continue;
      d.reading = true;
      Promise.resolve()
        .then(() => d.driver.read(nowMs))
        .then((values) => this.onReading(d, values as Record<string, unknown>, nowMs))
        .catch((err: Error) =>
          this.logger.warn({ deviceId: d.driver.spec.id, err: err.message }, "driver read failed"),
        )
        .finally(() => {
          d.reading = false;
        });
    }
  }

  private onReading(d: DeviceRuntime, values: Record<string, unknown>, nowMs: number): void {
    if (this.stopped) return;
    const leaves = discreteLeaves(values);
    const changes = discreteChanges(d.lastDiscrete, leaves);
    d.lastDiscrete = leaves;
    const { hallId, agentId } = this.options;
    const deviceId = d.driver.spec.id;
    for (const change of changes) {
      this.emit({
        topic: topics.event(hallId, agentId, deviceId),
        tsMs: nowMs,
        body: { type: "changed", data: { ...change } },
      });
    }
    if (changes.length > 0 || nowMs >= d.nextReportMs) {
      d.nextReportMs = nowMs + d.reportIntervalSec * 1000;
      this.emit({ topic: topics.telemetry(hallId, agentId, deviceId), tsMs: nowMs, body: { values } });
    }
  }

  /** Publishes live, or keeps the message on disk until the broker and the aggregator are both there. */
  private emit(message: SpooledMessage): void {
    this.options.onGenerated?.(message);
    if (!this.canPublishLive) {
      this.toSpool(message);
      return;
    }
    this.publishData(message, false).catch(() => this.toSpool(message));
  }

  private toSpool(message: SpooledMessage): void {
    this.spool.append(message);
    // A live publish that failed while still connected would otherwise wait for the next reconnect.
    if (!this.replaying && this.client?.connected && this.aggregatorOnline) void this.replay();
  }

  private publishData(message: SpooledMessage, historical: boolean): Promise<unknown> {
    const client = this.client;
    if (!client?.connected) return Promise.reject(new Error("not connected"));
    this.seq += 1;
    const payload = {
      v: 1,
      session: this.session,
      seq: this.seq,
      tsMs: message.tsMs,
      ...(historical ? { historical: true } : {}),
      ...message.body,
    };
    this.published += 1;
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error | null) => {
        if (settled) return;
        settled = true;
        this.inFlight.delete(settle);
        if (err) reject(err);
        else resolve(undefined);
      };
      this.inFlight.add(settle);
      client.publish(message.topic, JSON.stringify(payload), { qos: 1 }, (err) => settle(err ?? null));
    });
  }

  /** Sends what was kept on disk, oldest first, marked historical; deletes only what the broker acknowledged. */
  private async replay(): Promise<void> {
    if (this.replaying || this.spool.isEmpty) return;
    this.replaying = true;
    try {
      while (!this.spool.isEmpty && this.client?.connected && this.aggregatorOnline) {
        const batch = this.spool.peek(REPLAY_WINDOW);
        if (batch.length === 0) {
          this.spool.ack(0);
          break;
        }
        const results = await Promise.allSettled(batch.map((m) => this.publishData(m, true)));
        const delivered = results.findIndex((r) => r.status === "rejected");
        this.spool.ack(delivered === -1 ? batch.length : delivered);
        if (delivered !== -1) break; // connection lost mid-batch: the rest stays on disk
      }
    } finally {
      this.replaying = false;
    }
  }

  private onMessage(topic: string, payload: Buffer): void {
    const decoded = decodeMessage(topic, payload);
    if (!decoded.ok) {
      this.logger.warn({ topic, reason: decoded.reason, detail: decoded.detail }, "invalid message");
      // A command that fails validation is still answered when its id can be read.
      const id =
        topic === topics.command(this.options.hallId, this.options.agentId) ? readCommandId(payload) : null;
      if (id !== null) {
        const error = `invalid_command: ${decoded.detail}`.slice(0, 512);
        this.reply({ v: 1, id, tsMs: this.now(), ok: false, error });
      }
      return;
    }
    const message = decoded.value;
    if (message.type === "aggregator_status") {
      const wasOnline = this.aggregatorOnline;
      this.aggregatorOnline = message.message.state === "online";
      if (!wasOnline && this.aggregatorOnline) {
        this.publishBirth();
        void this.replay();
      }
      return;
    }
    if (message.type === "cmd") this.handleCommand(message.message);
  }

  private handleCommand(command: Command): void {
    const expired = expiredError(command, this.now());
    if (expired) {
      this.logger.warn({ id: command.id, cmd: command.cmd }, "refused an expired command");
      this.answer(command.id, { error: expired });
      return;
    }
    if (isActionCommand(command)) {
      this.logger.info({ id: command.id, cmd: command.cmd, deviceId: command.deviceId }, "remote action");
      void runAction(this.driver(command.deviceId), command).then((outcome) =>
        this.answer(command.id, outcome),
      );
      return;
    }
    const error = this.runCommand(command);
    this.answer(command.id, error ? { error } : {});
  }

  private answer(id: string, outcome: ActionOutcome): void {
    const { error, result } = outcome;
    this.reply({
      v: 1,
      id,
      tsMs: this.now(),
      ok: error === undefined,
      ...(error === undefined ? {} : { error }),
      ...(result ? { result } : {}),
    });
  }

  /** Carries out a protocol command; returns null on success or what went wrong. */
  private runCommand(command: Exclude<Command, ActionCommand>): string | null {
    switch (command.cmd) {
      case "rebirth":
        this.publishBirth();
        return null;
      case "set_report_interval": {
        const targets = command.deviceId
          ? this.devices.filter((d) => d.driver.spec.id === command.deviceId)
          : this.devices;
        if (targets.length === 0) return `unknown_device: ${command.deviceId}`;
        for (const d of targets) {
          d.reportIntervalSec = command.reportIntervalSec;
          d.nextReportMs = Math.min(d.nextReportMs, this.now() + command.reportIntervalSec * 1000);
        }
        this.publishBirth();
        return null;
      }
      case "identify": {
        const d = this.devices.find((x) => x.driver.spec.id === command.deviceId);
        if (!d) return `unknown_device: ${command.deviceId}`;
        d.driver.identify?.(command.durationSec);
        const { hallId, agentId } = this.options;
        this.emit({
          topic: topics.event(hallId, agentId, command.deviceId),
          tsMs: this.now(),
          body: { type: "identify", data: { durationSec: command.durationSec } },
        });
        return null;
      }
    }
  }

  private reply(reply: CommandReply): void {
    const { hallId, agentId } = this.options;
    this.client?.publish(topics.reply(hallId, agentId), JSON.stringify(reply), { qos: 1 });
  }
}
