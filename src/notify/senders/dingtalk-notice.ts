import type { ChannelConfigOf } from "../channels.js";
import { type AccessTokens, getJson, TOKEN_ERRORS } from "./access-token.js";
import { type Channel, ChannelError, type ChannelOptions, type SendReceipt } from "./channel.js";
import { checkRobotAnswer, postJson } from "./http.js";
import { linkOf, type PersonalMessage } from "./personal-text.js";
import { truncateUtf8 } from "./wecom.js";

/** DingTalk work notice (工作通知) to one user id: an action card with the link, else markdown. */
export class DingtalkNoticeChannel implements Channel {
  constructor(
    private readonly config: ChannelConfigOf<"dingtalk_notice">,
    private readonly userId: string,
    private readonly tokens: AccessTokens,
    private readonly options: ChannelOptions,
  ) {}

  private get base() {
    return this.config.apiBaseUrl.replace(/\/+$/, "");
  }
  private get cacheKey() {
    return `dingtalk:${this.base}:${this.config.appKey}`;
  }

  private token(): Promise<string> {
    return this.tokens.get(this.cacheKey, this.options.now(), async () => {
      const q = new URLSearchParams({ appkey: this.config.appKey, appsecret: this.config.appSecret });
      const body = await getJson(`${this.base}/gettoken?${q}`, this.options.timeoutMs);
      if (body.errcode !== 0 || typeof body.access_token !== "string")
        throw new ChannelError(
          "robot_error",
          `dingtalk gettoken errcode ${String(body.errcode)}: ${String(body.errmsg ?? "")}`.slice(0, 300),
          200,
        );
      return { token: body.access_token, expiresInS: Number(body.expires_in ?? 7200) };
    });
  }

  async send(message: PersonalMessage): Promise<SendReceipt> {
    const link = linkOf(message);
    const markdown = truncateUtf8(message.markdown, 4000);
    const title = truncateUtf8(message.title, 120);
    const body = JSON.stringify({
      agent_id: this.config.agentId,
      userid_list: this.userId,
      msg: link
        ? { msgtype: "action_card", action_card: { title, markdown, single_title: "›", single_url: link } }
        : { msgtype: "markdown", markdown: { title, text: markdown } },
    });
    for (let attempt = 0; ; attempt++) {
      const token = await this.token();
      const answer = await postJson(
        `${this.base}/topapi/message/corpconversation/asyncsend_v2?access_token=${encodeURIComponent(token)}`,
        body,
        this.options.timeoutMs,
      );
      const errcode = (answer.json as { errcode?: number } | null)?.errcode;
      if (attempt === 0 && errcode !== undefined && TOKEN_ERRORS.has(errcode)) {
        this.tokens.forget(this.cacheKey);
        continue;
      }
      checkRobotAnswer("dingtalk notice", answer, "errcode", "errmsg");
      return { httpStatus: answer.httpStatus };
    }
  }
}
