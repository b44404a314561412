import type { Agent } from "node:https";
import webpush, { WebPushError } from "web-push";
import type { PushSubscriptionRecord } from "../people/person-record.js";
import type { VapidKeys } from "../people/vapid.js";
import { type Channel, ChannelError, type ChannelOptions, type SendReceipt } from "./channel.js";
import { linkOf, type PersonalMessage } from "./personal-text.js";

export interface WebPushTarget {
  subscriptions: PushSubscriptionRecord[];
  vapid: VapidKeys;
  subject: string;
  /** Called for a subscription the push service says is gone (404/410). */
  onGone: (endpoint: string) => void;
  agent?: Agent;
}

/**
 * Web push (VAPID, aes128gcm) to every browser of one person. Delivered when at least one push service took
 * it; dead subscriptions are removed on the way.
 */
export class WebPushChannel implements Channel {
  constructor(
    private readonly target: WebPushTarget,
    private readonly options: ChannelOptions,
  ) {}

  async send(message: PersonalMessage): Promise<SendReceipt> {
    const { target } = this;
    const payload = JSON.stringify({
      title: message.title.slice(0, 200),
      body: message.text.slice(0, 1000),
      url: linkOf(message),
      tag: message.key ?? null,
    });
    const urgent = message.severity === "critical" || message.severity === "major";
    let delivered: number | null = null;
    let lastError: ChannelError | null = null;
    for (const sub of target.subscriptions) {
      try {
        const result = await webpush.sendNotification({ endpoint: sub.endpoint, keys: sub.keys }, payload, {
          vapidDetails: {
            subject: target.subject,
            publicKey: target.vapid.publicKey,
            privateKey: target.vapid.privateKey,
          },
          contentEncoding: "aes128gcm",
          TTL: 3600,
          urgency: urgent ? "high" : "normal",
          timeout: this.options.timeoutMs,
          ...(target.agent ? { agent: target.agent } : {}),
        });
        delivered = result.statusCode;
      } catch (err) {
        if (err instanceof WebPushError) {
          if (err.statusCode === 404 || err.statusCode === 410) target.onGone(sub.endpoint);
          lastError = new ChannelError("http_status", `push service HTTP ${err.statusCode}`, err.statusCode);
        } else {
          const text = String((err as Error).message ?? err);
          lastError = /timeout|ETIMEDOUT/i.test(text)
            ? new ChannelError("timeout", "push service timed out")
            : new ChannelError("network", `push service: ${text}`.slice(0, 200));
        }
      }
    }
    if (delivered !== null) return { httpStatus: delivered };
    throw lastError ?? new ChannelError("channel_missing", "no push subscription");
  }
}
