// Fault → alert latency: the probe plays a hall agent with many kiosks, sends one faulty reading (a printer jam,
// raised at once by default) per sample on a fresh kiosk, and times from the publish to the alert's "opened" event,
// both ends in this process. The event is read on GET /api/alerts/stream (SSE) of one node, or on the broker's
// `hallwatch/v1/_system/alerts/+`, where whichever node owns the hall publishes it (the way to follow a cluster).
import mqtt, { type MqttClient } from "mqtt";
import { type AlertEvent, topics } from "../../src/contract/index.js";
import {
  BENCH_PASSWORD,
  BENCH_SESSION,
  PROBE_AGENT,
  PROBE_DEVICES,
  PROBE_HALL,
  telemetryPayload,
} from "./load-scenario.js";
import { sleep } from "./stats.js";

export const probeDeviceId = (i: number) => `probe-${i}`;

/** Where the probe hears the alert: one node's live stream, or every owner's MQTT alert topic. */
export type AlertSource = { apiUrl: string; token: string } | "mqtt";

export class LatencyProbe {
  private client: MqttClient | null = null;
  private readonly controller = new AbortController();
  private readonly arrivals = new Map<string, number>();
  private readonly openedAt = new Map<string, { openedMs: number; heardMs: number }>();
  private seq = 0;
  /** Kiosks already faulted: a later run() starts past them, so each sample opens a new alert. */
  private used = 0;

  constructor(
    private readonly brokerUrl: string,
    private readonly source: AlertSource,
  ) {}

  /** Connects the probe agent, announces its kiosks, and opens the live stream. */
  async start(): Promise<void> {
    this.client = await mqtt.connectAsync(this.brokerUrl, {
      clientId: PROBE_AGENT,
      username: PROBE_AGENT,
      password: BENCH_PASSWORD,
      reconnectPeriod: 0,
    });
    const birth = {
      v: 1,
      session: BENCH_SESSION,
      seq: 0,
      tsMs: Date.now(),
      agent: { id: PROBE_AGENT, version: "bench" },
      devices: Array.from({ length: PROBE_DEVICES }, (_, i) => ({
        id: probeDeviceId(i + 1),
        kind: "kiosk",
        model: "K",
        zone: "z",
        reportIntervalSec: 3600,
      })),
    };
    await this.client.publishAsync(topics.birth(PROBE_HALL, PROBE_AGENT), JSON.stringify(birth), {
      qos: 1,
      retain: true,
    });
    if (this.source === "mqtt") {
      this.client.on("message", (_topic, payload) =>
        this.heard(JSON.parse(String(payload)), performance.now()),
      );
      await this.client.subscribeAsync(topics.alertEvents(PROBE_HALL), { qos: 0 });
      return;
    }
    const response = await fetch(`${this.source.apiUrl}/api/alerts/stream`, {
      signal: this.controller.signal,
      headers: { authorization: `Bearer ${this.source.token}` },
    });
    if (!response.ok || !response.body) throw new Error(`alert stream: HTTP ${response.status}`);
    void this.read(response.body.getReader());
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const at = performance.now();
        buffer += decoder.decode(value, { stream: true });
        let cut = buffer.indexOf("\n\n");
        while (cut >= 0) {
          const data = buffer
            .slice(0, cut)
            .split("\n")
            .find((l) => l.startsWith("data: "));
          buffer = buffer.slice(cut + 2);
          if (data) this.heard(JSON.parse(data.slice(6)), at);
          cut = buffer.indexOf("\n\n");
        }
      }
    } catch {
      // aborted by stop()
    }
  }

  private heard(event: Pick<AlertEvent, "action" | "alert">, at: number): void {
    if (event.alert.hallId === PROBE_HALL && event.action === "opened" && event.alert.deviceId) {
      this.arrivals.set(event.alert.deviceId, at);
      this.openedAt.set(event.alert.deviceId, { openedMs: event.alert.openedMs, heardMs: Date.now() });
    }
  }

  /** Fresh kiosks left for later samples. */
  get remaining(): number {
    return PROBE_DEVICES - this.used;
  }

  /** Runs `samples` faults one after the other, `gapMs` apart; returns the latencies that arrived (ms). */
  async run(
    samples: number,
    gapMs: number,
    timeoutMs = 5000,
  ): Promise<{ latencies: number[]; missing: number; split: string[] }> {
    const client = this.client;
    if (!client) throw new Error("probe not started");
    const latencies: number[] = [];
    /** Per sample, "until the alert was opened + until it was heard" in ms (wall clock; same machine). */
    const split: string[] = [];
    let missing = 0;
    const first = this.used + 1;
    const last = Math.min(this.used + samples, PROBE_DEVICES);
    this.used = last;
    for (let i = first; i <= last; i++) {
      const deviceId = probeDeviceId(i);
      this.seq += 1;
      const payload = telemetryPayload(
        this.seq,
        Date.now(),
        '{"appOk":true,"printerState":"jam","paperPct":50,"cpuPct":5,"memPct":5,"diskPct":5}',
      );
      const sentAt = performance.now();
      const sentMs = Date.now();
      client.publish(topics.telemetry(PROBE_HALL, PROBE_AGENT, deviceId), payload, { qos: 1 });
      while (!this.arrivals.has(deviceId) && performance.now() - sentAt < timeoutMs) await sleep(1);
      const at = this.arrivals.get(deviceId);
      if (at === undefined) missing += 1;
      else latencies.push(at - sentAt);
      const opened = this.openedAt.get(deviceId);
      if (opened) split.push(`${opened.openedMs - sentMs}+${opened.heardMs - opened.openedMs}`);
      await sleep(gapMs);
    }
    return { latencies, missing, split };
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.client?.endAsync();
  }
}
