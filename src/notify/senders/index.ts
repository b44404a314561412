import type { ChannelConfig } from "../channels.js";
import type { NotificationMessage } from "../message.js";
import { sendEmail } from "./email.js";
import { sendDingtalk, sendFeishu, sendWecom } from "./robots.js";
import { sendWebhook } from "./webhook.js";

/** Sends through the channel's type (registry by type). Throws a DeliveryError on failure. */
export function send(config: ChannelConfig, message: NotificationMessage, nowMs: number): Promise<void> {
  switch (config.type) {
    case "webhook":
      return sendWebhook(config, message, nowMs);
    case "wecom":
      return sendWecom(config, message);
    case "dingtalk":
      return sendDingtalk(config, message, nowMs);
    case "feishu":
      return sendFeishu(config, message, nowMs);
    case "email":
      return sendEmail(config, message);
  }
}
