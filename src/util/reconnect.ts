import type { MqttClient } from "mqtt";
import { Backoff, type BackoffOptions } from "./backoff.js";

export interface ReconnectOptions extends Partial<BackoffOptions> {
  /** Runs right before every automatic reconnect, e.g. to put a new session into the last will. */
  beforeReconnect?: () => void;
  /** Told every delay it waits (for logs and tests). */
  onScheduled?: (delayMs: number) => void;
}

/**
 * Reconnects an MQTT.js client with capped exponential backoff and jitter. The client must be created with
 * `reconnectPeriod: 0`: MQTT.js's own retry runs on a fixed period, and adjusting `options.reconnectPeriod`
 * from its events left a stray retry timer that dropped a fresh connection (seen in tests), so the retry is
 * scheduled here instead: after every "close", wait the next backoff delay, run `beforeReconnect`, then
 * `client.reconnect()`. "connect" resets the backoff. Returns a function that cancels and detaches.
 */
export function applyBackoff(client: MqttClient, options: ReconnectOptions = {}): () => void {
  const backoff = new Backoff({
    initialDelayMs: options.initialDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    ...(options.factor === undefined ? {} : { factor: options.factor }),
    ...(options.jitter === undefined ? {} : { jitter: options.jitter }),
    ...(options.random === undefined ? {} : { random: options.random }),
  });
  let timer: NodeJS.Timeout | null = null;
  let detached = false;
  const onConnect = () => backoff.reset();
  const onClose = () => {
    if (detached || timer || client.disconnecting) return;
    const delayMs = backoff.nextDelayMs();
    options.onScheduled?.(delayMs);
    timer = setTimeout(() => {
      timer = null;
      if (detached || client.connected || client.disconnecting) return;
      options.beforeReconnect?.();
      client.reconnect();
    }, delayMs);
  };
  client.on("connect", onConnect);
  client.on("close", onClose);
  return () => {
    detached = true;
    if (timer) clearTimeout(timer);
    timer = null;
    client.off("connect", onConnect);
    client.off("close", onClose);
  };
}

/**
 * Ends an MQTT.js client whatever state it is in: gracefully (flushing in-flight messages) when connected,
 * forced otherwise, and forced anyway after `timeoutMs`.
 */
export async function endClient(client: MqttClient, timeoutMs = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      client.end(true);
      resolve();
    }, timeoutMs);
  });
  await Promise.race([client.endAsync(!client.connected).catch(() => undefined), timeout]);
  clearTimeout(timer);
}
