import { createHmac } from "node:crypto";
import type { ChannelConfig } from "../channels.js";
import type { NotificationMessage } from "../message.js";
import { postJson } from "./http.js";

export const SIGNATURE_HEADER = "x-hallwatch-signature";
export const TIMESTAMP_HEADER = "x-hallwatch-timestamp";

/** `sha256=<hex>` of HMAC-SHA256(secret, timestamp + "." + body): the timestamp inside the signature stops replays. */
export function webhookSignature(secret: string, timestampMs: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestampMs}.${body}`).digest("hex")}`;
}

export async function sendWebhook(
  config: Extract<ChannelConfig, { type: "webhook" }>,
  message: NotificationMessage,
  nowMs = Date.now(),
): Promise<void> {
  const body = JSON.stringify({ title: message.title, text: message.text, ...(message.payload as object) });
  await postJson(config.url, body, {
    [SIGNATURE_HEADER]: webhookSignature(config.secret, nowMs, body),
    [TIMESTAMP_HEADER]: String(nowMs),
  });
}
