import { createHmac } from "node:crypto";
import type { ChannelConfigOf } from "../channels.js";
import type { NotificationMessage } from "../message.js";
import type { Channel, ChannelOptions, SendReceipt } from "./channel.js";
import { checkRobotAnswer, postJson } from "./http.js";

/** DingTalk 加签: sign = base64(HMAC-SHA256(secret, timestamp + "\n" + secret)), both as URL query parameters. */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac("sha256", secret).update(`${timestampMs}\n${secret}`).digest("base64");
}

export function dingtalkSignedUrl(url: string, secret: string, timestampMs: number): string {
  const signed = new URL(url);
  signed.searchParams.set("timestamp", String(timestampMs));
  // URLSearchParams percent-encodes the base64 (+, /, =), as DingTalk requires.
  signed.searchParams.set("sign", dingtalkSign(secret, timestampMs));
  return signed.toString();
}

/** DingTalk (钉钉) group robot: markdown, signed when a secret is set, the keyword prepended when one is set. */
export class DingtalkChannel implements Channel {
  constructor(
    private readonly config: ChannelConfigOf<"dingtalk">,
    private readonly options: ChannelOptions,
  ) {}

  async send(message: NotificationMessage): Promise<SendReceipt> {
    const { secret, keyword } = this.config;
    const url = secret ? dingtalkSignedUrl(this.config.url, secret, this.options.now()) : this.config.url;
    const text = withKeyword(message.markdown, keyword);
    const body = JSON.stringify({ msgtype: "markdown", markdown: { title: message.title, text } });
    const answer = await postJson(url, body, this.options.timeoutMs);
    checkRobotAnswer("dingtalk", answer, "errcode", "errmsg");
    return { httpStatus: answer.httpStatus };
  }
}

/** Robots with a keyword filter drop messages without it. */
export function withKeyword(text: string, keyword: string | undefined): string {
  return keyword && !text.includes(keyword) ? `${keyword}\n${text}` : text;
}
