import type { ChannelConfig } from "../channels.js";
import { type Channel, ChannelError, type ChannelOptions } from "./channel.js";
import { DingtalkChannel } from "./dingtalk.js";
import { EmailChannel } from "./email.js";
import { FeishuChannel } from "./feishu.js";
import { WebhookChannel } from "./webhook.js";
import { WecomChannel } from "./wecom.js";

/** A personal provider has no recipient of its own: it sends only through `PersonalSenders`. */
class ProviderOnlyChannel implements Channel {
  constructor(private readonly type: string) {}
  async send(): Promise<never> {
    throw new ChannelError("channel_missing", `${this.type} sends only to people, not to a group`);
  }
}

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
    case "aliyun_sms":
    case "tencent_sms":
    case "wecom_app":
    case "dingtalk_notice":
      return new ProviderOnlyChannel(config.type);
  }
}
