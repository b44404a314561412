import type { ChannelConfigOf } from "../channels.js";
import type { NotificationMessage } from "../message.js";
import type { Channel, ChannelOptions, SendReceipt } from "./channel.js";
import { checkRobotAnswer, postJson } from "./http.js";

/** WeCom (企业微信) group robot: a markdown message; its `key` is in the URL. */
export class WecomChannel implements Channel {
  constructor(
    private readonly config: ChannelConfigOf<"wecom">,
    private readonly options: ChannelOptions,
  ) {}

  async send(message: NotificationMessage): Promise<SendReceipt> {
    // WeCom refuses markdown content over 4096 bytes; long affected lists are cut rather than lost entirely.
    const content = truncateUtf8(message.markdown, 4000);
    const body = JSON.stringify({ msgtype: "markdown", markdown: { content } });
    const answer = await postJson(this.config.url, body, this.options.timeoutMs);
    checkRobotAnswer("wecom", answer, "errcode", "errmsg");
    return { httpStatus: answer.httpStatus };
  }
}

export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = "";
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > maxBytes - 3) break;
    out += ch;
    bytes += n;
  }
  return `${out}…`;
}
