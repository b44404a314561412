import { createHmac } from "node:crypto";
import type { ChannelConfigOf } from "../channels.js";
import type { NotificationMessage } from "../message.js";
import type { Channel, ChannelOptions, SendReceipt } from "./channel.js";
import { postJson } from "./http.js";

export const SIGNATURE_HEADER = "x-hallwatch-signature";
export const TIMESTAMP_HEADER = "x-hallwatch-timestamp";
/** The same for every retry of one message, so a receiver can drop a duplicate. */
export const DELIVERY_HEADER = "x-hallwatch-delivery";

/** `sha256=<hex>` of HMAC-SHA256(secret, timestamp + "." + body): the timestamp is signed, so a replay with a new one fails. */
export function webhookSignature(secret: string, timestampMs: number, rawBody: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestampMs}.${rawBody}`).digest("hex")}`;
}

/** Generic webhook: the message and the machine-readable change as JSON, signed with the channel secret. */
export class WebhookChannel implements Channel {
  constructor(
    private readonly config: ChannelConfigOf<"webhook">,
    private readonly options: ChannelOptions,
  ) {}

  async send(message: NotificationMessage): Promise<SendReceipt> {
    const body = JSON.stringify({ title: message.title, text: message.text, ...message.payload });
    const timestampMs = this.options.now();
    const answer = await postJson(this.config.url, body, this.options.timeoutMs, {
      [SIGNATURE_HEADER]: webhookSignature(this.config.secret, timestampMs, body),
      [TIMESTAMP_HEADER]: String(timestampMs),
      ...(message.key ? { [DELIVERY_HEADER]: message.key } : {}),
    });
    return { httpStatus: answer.httpStatus };
  }
}
