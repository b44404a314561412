import type { ChannelConfigOf } from "../channels.js";
import { type AccessTokens, getJson, TOKEN_ERRORS } from "./access-token.js";
import { type Channel, ChannelError, type ChannelOptions, type SendReceipt } from "./channel.js";
import { checkRobotAnswer, postJson } from "./http.js";
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
      const body = await getJson(`${this.base}/cgi-bin/gettoken?${q}`, this.options.timeoutMs);
      if (body.errcode !== 0 || typeof body.access_token !== "string")
        throw new ChannelError(
          "robot_error",
          `wecom gettoken errcode ${String(body.errcode)}: ${String(body.errmsg ?? "")}`.slice(0, 300),
          200,
        );
      return { token: body.access_token, expiresInS: Number(body.expires_in ?? 7200) };
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
    for (let attempt = 0; ; attempt++) {
      const token = await this.token();
      const answer = await postJson(
        `${this.base}/cgi-bin/message/send?access_token=${encodeURIComponent(token)}`,
        body,
        this.options.timeoutMs,
      );
      const errcode = (answer.json as { errcode?: number } | null)?.errcode;
      if (attempt === 0 && errcode !== undefined && TOKEN_ERRORS.has(errcode)) {
        this.tokens.forget(this.cacheKey);
        continue;
      }
      checkRobotAnswer("wecom app", answer, "errcode", "errmsg");
      return { httpStatus: answer.httpStatus };
    }
  }
}
