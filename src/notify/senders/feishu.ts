import { createHmac } from "node:crypto";
import type { ChannelConfigOf } from "../channels.js";
import { neutralizeTags } from "../markdown.js";
import type { NotificationMessage } from "../message.js";
import type { Channel, ChannelOptions, SendReceipt } from "./channel.js";
import { withKeyword } from "./dingtalk.js";
import { checkRobotAnswer, postJson } from "./http.js";

/** Feishu / Lark 签名校验: sign = base64(HMAC-SHA256(key = timestamp + "\n" + secret, empty message)), timestamp in seconds. */
export function feishuSign(secret: string, timestampSec: number): string {
  return createHmac("sha256", `${timestampSec}\n${secret}`).update("").digest("base64");
}

const HEADER_COLOUR = {
  critical: "red",
  major: "orange",
  operational: "yellow",
  minor: "blue",
  warning: "grey",
};

/** Feishu / Lark group robot: a text message or an interactive card; `timestamp` and `sign` in the body when signed. */
export class FeishuChannel implements Channel {
  constructor(
    private readonly config: ChannelConfigOf<"feishu">,
    private readonly options: ChannelOptions,
  ) {}

  async send(message: NotificationMessage): Promise<SendReceipt> {
    const { secret, keyword } = this.config;
    const timestampSec = Math.floor(this.options.now() / 1000);
    const signature = secret
      ? { timestamp: String(timestampSec), sign: feishuSign(secret, timestampSec) }
      : {};
    const content =
      this.config.msgType === "interactive"
        ? {
            msg_type: "interactive",
            card: {
              header: {
                title: { tag: "plain_text", content: withKeyword(message.title, keyword) },
                template: HEADER_COLOUR[message.severity ?? "warning"],
              },
              elements: [{ tag: "div", text: { tag: "lark_md", content: message.markdown } }],
            },
          }
        : { msg_type: "text", content: { text: withKeyword(neutralizeTags(message.text), keyword) } };
    const answer = await postJson(
      this.config.url,
      JSON.stringify({ ...signature, ...content }),
      this.options.timeoutMs,
    );
    checkRobotAnswer("feishu", answer, "code", "msg");
    return { httpStatus: answer.httpStatus };
  }
}
