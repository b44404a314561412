import { createHmac } from "node:crypto";
import type { ChannelConfig } from "../channels.js";
import type { NotificationMessage } from "../message.js";
import { DeliveryError, postJson } from "./http.js";

/** WeCom (企业微信) group robot: markdown message; `errcode` ≠ 0 in a 200 answer is a failure. */
export async function sendWecom(
  config: Extract<ChannelConfig, { type: "wecom" }>,
  message: NotificationMessage,
): Promise<void> {
  const answer = (await postJson(config.url, {
    msgtype: "markdown",
    markdown: { content: message.markdown },
  })) as { errcode?: number; errmsg?: string } | null;
  if (answer?.errcode)
    throw new DeliveryError(`wecom errcode ${answer.errcode}: ${answer.errmsg ?? ""}`, 200);
}

/** DingTalk (钉钉) robot, signed: timestamp + base64(HMAC-SHA256(secret, timestamp + "\n" + secret)) in the URL. */
export function dingtalkSignedUrl(url: string, secret: string, nowMs: number): string {
  const sign = createHmac("sha256", secret).update(`${nowMs}\n${secret}`).digest("base64");
  const signed = new URL(url);
  signed.searchParams.set("timestamp", String(nowMs));
  signed.searchParams.set("sign", sign);
  return signed.toString();
}

export async function sendDingtalk(
  config: Extract<ChannelConfig, { type: "dingtalk" }>,
  message: NotificationMessage,
  nowMs = Date.now(),
): Promise<void> {
  const url = config.secret ? dingtalkSignedUrl(config.url, config.secret, nowMs) : config.url;
  const answer = (await postJson(url, {
    msgtype: "markdown",
    markdown: { title: message.title, text: message.markdown },
  })) as { errcode?: number; errmsg?: string } | null;
  if (answer?.errcode)
    throw new DeliveryError(`dingtalk errcode ${answer.errcode}: ${answer.errmsg ?? ""}`, 200);
}

/** Feishu / Lark robot, optionally signed: sign = base64(HMAC-SHA256(key = timestamp + "\n" + secret, "")). */
export function feishuSign(secret: string, timestampSec: number): string {
  return createHmac("sha256", `${timestampSec}\n${secret}`).update("").digest("base64");
}

export async function sendFeishu(
  config: Extract<ChannelConfig, { type: "feishu" }>,
  message: NotificationMessage,
  nowMs = Date.now(),
): Promise<void> {
  const timestamp = Math.floor(nowMs / 1000);
  const body = {
    ...(config.secret ? { timestamp: String(timestamp), sign: feishuSign(config.secret, timestamp) } : {}),
    msg_type: "text",
    content: { text: message.text },
  };
  const answer = (await postJson(config.url, body)) as { code?: number; msg?: string } | null;
  if (answer?.code) throw new DeliveryError(`feishu code ${answer.code}: ${answer.msg ?? ""}`, 200);
}
