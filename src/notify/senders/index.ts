import type { ChannelConfig } from "../channels.js";
import type { Channel, ChannelOptions } from "./channel.js";
import { DingtalkChannel } from "./dingtalk.js";
import { EmailChannel } from "./email.js";
import { FeishuChannel } from "./feishu.js";
import { WebhookChannel } from "./webhook.js";
import { WecomChannel } from "./wecom.js";

export { type Channel, ChannelError, type ChannelErrorCode, type SendReceipt } from "./channel.js";

/** The sender for a channel's configuration (registry by type). */
export function createChannel(config: ChannelConfig, options: ChannelOptions): Channel {
  switch (config.type) {
    case "webhook":
      return new WebhookChannel(config, options);
    case "wecom":
      return new WecomChannel(config, options);
    case "dingtalk":
      return new DingtalkChannel(config, options);
    case "feishu":
      return new FeishuChannel(config, options);
    case "email":
      return new EmailChannel(config, options);
  }
}
