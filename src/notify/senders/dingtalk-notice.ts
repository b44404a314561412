import type { ChannelConfigOf } from "../channels.js";
import { type AccessTokens, fetchAccessToken, postWithToken } from "./access-token.js";
import type { Channel, ChannelOptions, SendReceipt } from "./channel.js";
import { checkRobotAnswer } from "./http.js";
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
      return fetchAccessToken("dingtalk", `${this.base}/gettoken?${q}`, this.options.timeoutMs);
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
    const answer = await postWithToken(
      this.tokens,
      this.cacheKey,
      () => this.token(),
      (token) =>
        `${this.base}/topapi/message/corpconversation/asyncsend_v2?access_token=${encodeURIComponent(token)}`,
      body,
      this.options.timeoutMs,
    );
    checkRobotAnswer("dingtalk notice", answer, "errcode", "errmsg");
    return { httpStatus: answer.httpStatus };
  }
}
