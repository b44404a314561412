import type { Agent } from "node:https";
import type { ChannelRecord } from "../channels.js";
import { AccessTokens } from "../senders/access-token.js";
import { AliyunSmsChannel } from "../senders/aliyun-sms.js";
import type { Channel, ChannelOptions } from "../senders/channel.js";
import { DingtalkNoticeChannel } from "../senders/dingtalk-notice.js";
import { EmailChannel } from "../senders/email.js";
import type { PersonalMessage } from "../senders/personal-text.js";
import { TencentSmsChannel } from "../senders/tencent-sms.js";
import { WebPushChannel } from "../senders/web-push.js";
import { WecomAppChannel } from "../senders/wecom-app.js";
import type { ContactAddresses } from "./contact-view.js";
import type { PersonalMedium, PersonalSenders } from "./ports.js";
import type { VapidKeys } from "./vapid.js";

export interface PersonalSenderDeps {
  /** Every channel with its secrets (NotifyStore.channels()), read at send time. */
  channels: () => Promise<ChannelRecord[]>;
  /** Read synchronously: the contact view (contact-view.ts). */
  contacts: ContactAddresses;
  vapid: () => VapidKeys | null;
  /** The VAPID subject: "mailto:…" or the console's https URL. */
  vapidSubject: string;
  /** For tests: the TLS agent for push services (a local receiver's certificate). */
  pushAgent?: Agent;
}

/** E-mail renders `text` as it is: the action link (if any) goes at its top, where a phone shows it first. */
function withActionLink(channel: Channel): Channel {
  return {
    send: (message: PersonalMessage) => {
      const link = message.actionUrl;
      if (!link || message.text.includes(link)) return channel.send(message);
      return channel.send({ ...message, text: `${link}\n\n${message.text}` });
    },
  };
}

/**
 * A person's address + the first enabled provider channel of the medium (by name) → a sender. E-mail uses the
 * first enabled e-mail channel's SMTP settings with the person as the only recipient.
 */
export class PersonalSenderRegistry implements PersonalSenders {
  private readonly tokens = new AccessTokens();

  constructor(private readonly deps: PersonalSenderDeps) {}

  private async provider<T extends ChannelRecord["config"]["type"]>(...types: T[]) {
    const found = (await this.deps.channels()).find(
      (c) => c.enabled && (types as string[]).includes(c.config.type),
    );
    return found as (ChannelRecord & { config: Extract<ChannelRecord["config"], { type: T }> }) | undefined;
  }

  async senderFor(
    username: string,
    medium: PersonalMedium,
    options: ChannelOptions,
  ): Promise<Channel | null> {
    const { contacts } = this.deps;
    if (medium === "push") {
      const subscriptions = contacts.subscriptions(username);
      const vapid = this.deps.vapid();
      if (subscriptions.length === 0 || !vapid) return null;
      return new WebPushChannel(
        {
          subscriptions,
          vapid,
          subject: this.deps.vapidSubject,
          onGone: (endpoint) => contacts.forget(endpoint),
          ...(this.deps.pushAgent ? { agent: this.deps.pushAgent } : {}),
        },
        options,
      );
    }
    const address = contacts.address(username, medium);
    if (!address) return null;
    switch (medium) {
      case "email": {
        const mail = await this.provider("email");
        return mail ? withActionLink(new EmailChannel({ ...mail.config, to: [address] }, options)) : null;
      }
      case "sms": {
        const sms = await this.provider("aliyun_sms", "tencent_sms");
        if (!sms) return null;
        return sms.config.type === "aliyun_sms"
          ? new AliyunSmsChannel(sms.config, address, sms.language, options)
          : new TencentSmsChannel(sms.config, address, sms.language, options);
      }
      case "wecom": {
        const app = await this.provider("wecom_app");
        return app ? new WecomAppChannel(app.config, address, this.tokens, options) : null;
      }
      case "dingtalk": {
        const app = await this.provider("dingtalk_notice");
        return app ? new DingtalkNoticeChannel(app.config, address, this.tokens, options) : null;
      }
    }
  }
}
