import { sms } from "tencentcloud-sdk-nodejs-sms";
import type { ChannelConfigOf } from "../channels.js";
import type { Language } from "../message.js";
import { sdkFailure, splitEndpoint } from "./aliyun-sms.js";
import { type Channel, ChannelError, type ChannelOptions, type SendReceipt } from "./channel.js";
import { type PersonalMessage, smsParams } from "./personal-text.js";

const Client = sms.v20210111.Client;

/** Tencent Cloud SMS (2021-01-11 SendSms) through the official SDK, to one mobile number. */
export class TencentSmsChannel implements Channel {
  constructor(
    private readonly config: ChannelConfigOf<"tencent_sms">,
    private readonly phone: string,
    private readonly language: Language,
    private readonly options: ChannelOptions,
  ) {}

  async send(message: PersonalMessage): Promise<SendReceipt> {
    const { host, protocol } = splitEndpoint(this.config.endpoint);
    const client = new Client({
      credential: { secretId: this.config.secretId, secretKey: this.config.secretKey },
      region: this.config.region,
      profile: {
        httpProfile: {
          endpoint: host,
          protocol: `${protocol}://`,
          reqTimeout: Math.max(1, Math.ceil(this.options.timeoutMs / 1000)),
        },
      },
    });
    const values = smsParams(message, this.language);
    let answer: Awaited<ReturnType<InstanceType<typeof Client>["SendSms"]>>;
    try {
      answer = await client.SendSms({
        PhoneNumberSet: [this.phone],
        SmsSdkAppId: this.config.sdkAppId,
        SignName: this.config.signName,
        TemplateId: this.config.templateId,
        TemplateParamSet: this.config.templateParams.map((name) => values[name]),
        ...(message.key ? { SessionContext: message.key.slice(0, 512) } : {}),
      });
    } catch (err) {
      throw sdkFailure("tencent sms", err);
    }
    const status = answer.SendStatusSet?.[0];
    if (status?.Code !== "Ok")
      throw new ChannelError(
        "robot_error",
        `tencent sms ${status?.Code ?? "(no status)"}: ${status?.Message ?? ""}`.slice(0, 300),
        200,
      );
    return { httpStatus: 200 };
  }
}
