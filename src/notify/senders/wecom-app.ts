import type { ChannelConfigOf } from "../channels.js";
import { type AccessTokens, fetchAccessToken, postWithToken } from "./access-token.js";
import type { Channel, ChannelOptions, SendReceipt } from "./channel.js";
import { checkRobotAnswer } from "./http.js";
import { linkOf, type PersonalMessage } from "./personal-text.js";
import { truncateUtf8 } from "./wecom.js";

/** WeCom (企业微信) application message to one user id: a text card with the link, else text. */
export class WecomAppChannel implements Channel {
  constructor(
    private readonly config: ChannelConfigOf<"wecom_app">,
    private readonly userId: string,
    private readonly tokens: AccessTokens,
    private readonly options: ChannelOptions,
  ) {}

  private get base() {
    return this.config.apiBaseUrl.replace(/\/+$/, "");
  }
  private get cacheKey() {
    return `wecom:${this.base}:${this.config.corpId}:${this.config.agentId}`;
  }

  private token(): Promise<string> {
    return this.tokens.get(this.cacheKey, this.options.now(), async () => {
      const q = new URLSearchParams({ corpid: this.config.corpId, corpsecret: this.config.corpSecret });
      return fetchAccessToken("wecom", `${this.base}/cgi-bin/gettoken?${q}`, this.options.timeoutMs);
    });
  }

  async send(message: PersonalMessage): Promise<SendReceipt> {
    const link = linkOf(message);
    const body = JSON.stringify({
      touser: this.userId,
      agentid: this.config.agentId,
      ...(link
        ? {
            msgtype: "textcard",
            textcard: {
              title: truncateUtf8(message.title, 128),
              description: truncateUtf8(message.text, 500),
              url: link,
              btntxt: "›",
            },
          }
        : { msgtype: "text", text: { content: truncateUtf8(message.text, 2000) } }),
    });
    const answer = await postWithToken(
      this.tokens,
      this.cacheKey,
      () => this.token(),
      (token) => `${this.base}/cgi-bin/message/send?access_token=${encodeURIComponent(token)}`,
      body,
      this.options.timeoutMs,
    );
    checkRobotAnswer("wecom app", answer, "errcode", "errmsg");
    return { httpStatus: answer.httpStatus };
  }
}
