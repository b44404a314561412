import mqtt, { type MqttClient } from "mqtt";
import { type Birth, type BirthDevice, topics } from "../../src/contract/index.js";

/**
 * A hand-driven agent speaking the wire protocol directly, for aggregator tests: every message is
 * exactly what the test says, so the aggregator's handling of odd sequences can be checked.
 */
export class RawAgent {
  client: MqttClient | null = null;
  seq = 0;
  readonly commands: unknown[] = [];

  constructor(
    readonly url: string,
    readonly hallId: string,
    readonly agentId: string,
    public session: number,
    readonly devices: BirthDevice[],
    readonly auth?: { username: string; password: string },
  ) {}

  /** With `subscribe: false` the agent does not listen to its command topic until `subscribeCommands()`. */
  async connect(options: { subscribe?: boolean } = {}): Promise<void> {
    const will = { v: 1, state: "offline", session: this.session, tsMs: Date.now(), reason: "will" };
    this.client = await mqtt.connectAsync(this.url, {
      clientId: this.agentId,
      reconnectPeriod: 0,
      ...(this.auth ?? {}),
      will: {
        topic: topics.agentStatus(this.hallId, this.agentId),
        payload: Buffer.from(JSON.stringify(will)),
        qos: 1,
        retain: true,
      },
    });
    this.client.on("message", (_t, payload) => this.commands.push(JSON.parse(payload.toString())));
    if (options.subscribe !== false) await this.subscribeCommands();
  }

  async subscribeCommands(): Promise<void> {
    if (!this.client) throw new Error("not connected");
    await this.client.subscribeAsync(topics.command(this.hallId, this.agentId), { qos: 1 });
  }

  async online(): Promise<void> {
    await this.publish(
      topics.agentStatus(this.hallId, this.agentId),
      { v: 1, state: "online", session: this.session, tsMs: Date.now() },
      true,
    );
  }

  async birth(): Promise<void> {
    this.seq = 0;
    const birth: Birth = {
      v: 1,
      session: this.session,
      seq: 0,
      tsMs: Date.now(),
      agent: { id: this.agentId, version: "test" },
      devices: this.devices,
    };
    await this.publish(topics.birth(this.hallId, this.agentId), birth, true);
  }

  async telemetry(deviceId: string, values: unknown, extra: Record<string, unknown> = {}): Promise<void> {
    this.seq += 1;
    await this.publish(topics.telemetry(this.hallId, this.agentId, deviceId), {
      v: 1,
      session: this.session,
      seq: this.seq,
      tsMs: Date.now(),
      values,
      ...extra,
    });
  }

  async event(deviceId: string, type: string, extra: Record<string, unknown> = {}): Promise<void> {
    this.seq += 1;
    await this.publish(topics.event(this.hallId, this.agentId, deviceId), {
      v: 1,
      session: this.session,
      seq: this.seq,
      tsMs: Date.now(),
      type,
      ...extra,
    });
  }

  async publish(topic: string, body: unknown, retain = false): Promise<void> {
    if (!this.client) throw new Error("not connected");
    await this.client.publishAsync(topic, typeof body === "string" ? body : JSON.stringify(body), {
      qos: 1,
      retain,
    });
  }

  /** Drops the TCP connection without DISCONNECT, so the broker publishes the will. */
  kill(): void {
    (this.client as unknown as { stream: { destroy(): void } }).stream.destroy();
    this.client?.end(true);
    this.client = null;
  }

  async stop(): Promise<void> {
    await this.client?.endAsync();
    this.client = null;
  }
}

export const kioskValues = {
  appOk: true,
  printerState: "ok",
  paperPct: 80,
  cpuPct: 12,
  memPct: 40,
  diskPct: 55,
};
