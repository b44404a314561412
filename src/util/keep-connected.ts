import type { MqttClient } from "mqtt";
import { Backoff } from "./backoff.js";

export interface KeepConnectedOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  /** Runs right before each reconnect attempt, e.g. to put a new session number into the last will. */
  beforeReconnect?: () => void;
}

/**
 * Reconnects an MQTT.js client (created with `reconnectPeriod: 0`) with capped exponential backoff and
 * jitter. MQTT.js itself retries at a fixed period, which makes a whole hall reconnect in lockstep.
 * Returns a function that cancels any pending attempt (call it before ending the client).
 */
export function keepConnected(client: MqttClient, options: KeepConnectedOptions = {}): () => void {
  const backoff = new Backoff({
    initialMs: options.initialDelayMs ?? 500,
    maxMs: options.maxDelayMs ?? 30_000,
    ...(options.random ? { random: options.random } : {}),
  });
  let timer: NodeJS.Timeout | null = null;
  let cancelled = false;
  const onConnect = () => backoff.reset();
  const onClose = () => {
    if (cancelled || timer || client.disconnecting) return;
    timer = setTimeout(() => {
      timer = null;
      if (cancelled || client.connected || client.disconnecting) return;
      options.beforeReconnect?.();
      client.reconnect();
    }, backoff.nextDelayMs());
  };
  client.on("connect", onConnect);
  client.on("close", onClose);
  return () => {
    cancelled = true;
    if (timer) clearTimeout(timer);
    timer = null;
    client.off("connect", onConnect);
    client.off("close", onClose);
  };
}

/**
 * Ends an MQTT.js client whatever state it is in. A client that is between reconnect attempts never
 * completes a graceful end, so it is forced; a graceful end is also bounded in time.
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
