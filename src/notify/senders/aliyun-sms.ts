import Dysmsapi, { SendSmsRequest } from "@alicloud/dysmsapi20170525";

// A CommonJS module: Node puts its client class under `default`, other loaders hand it over directly.
const loaded = Dysmsapi as unknown as typeof Dysmsapi.default | typeof Dysmsapi;
const SmsClient: typeof Dysmsapi.default = "default" in loaded ? loaded.default : loaded;

import { $OpenApiUtil } from "@alicloud/openapi-core";
import type { ChannelConfigOf } from "../channels.js";
import type { Language } from "../message.js";
import { type Channel, ChannelError, type ChannelOptions, type SendReceipt } from "./channel.js";
import { type PersonalMessage, smsParams } from "./personal-text.js";

/** "host[:port]" and protocol for an SDK: plain http is allowed by the schema only for loopback receivers. */
export function splitEndpoint(endpoint: string): { host: string; protocol: "http" | "https" } {
  const m = /^(https?):\/\/([^/]+)\/?$/.exec(endpoint);
  return m
    ? { host: m[2] as string, protocol: m[1] as "http" | "https" }
    : { host: endpoint, protocol: "https" };
}

/** A failure of an SDK call as a ChannelError (never with the request, which may carry credentials). */
export function sdkFailure(provider: string, err: unknown): ChannelError {
  const e = err as { code?: string; statusCode?: number; message?: string; name?: string };
  const text = `${e.code ?? ""} ${e.message ?? ""}`;
  if (/timeout|ETIMEDOUT|ESOCKETTIMEDOUT/i.test(text))
    return new ChannelError("timeout", `${provider}: timed out`);
  if (typeof e.statusCode === "number" && e.statusCode >= 300)
    return new ChannelError(
      "http_status",
      `${provider} HTTP ${e.statusCode}: ${e.code ?? ""}`.slice(0, 300),
      e.statusCode,
    );
  if (/ECONNREFUSED|ENOTFOUND|ECONNRESET|EAI_AGAIN|socket hang up|fetch failed/i.test(text))
    return new ChannelError("network", `${provider}: ${e.code ?? "request failed"}`.slice(0, 300));
  return new ChannelError("robot_error", `${provider}: ${text.trim()}`.slice(0, 300));
}

/** Alibaba Cloud SMS (dysmsapi 2017-05-25 SendSms) through the official SDK, to one mobile number. */
export class AliyunSmsChannel implements Channel {
  constructor(
    private readonly config: ChannelConfigOf<"aliyun_sms">,
    private readonly phone: string,
    private readonly language: Language,
    private readonly options: ChannelOptions,
  ) {}

  async send(message: PersonalMessage): Promise<SendReceipt> {
    const { host, protocol } = splitEndpoint(this.config.endpoint);
    const client = new SmsClient(
      new $OpenApiUtil.Config({
        accessKeyId: this.config.accessKeyId,
        accessKeySecret: this.config.accessKeySecret,
        endpoint: host,
        protocol,
        readTimeout: this.options.timeoutMs,
        connectTimeout: this.options.timeoutMs,
      }),
    );
    const values = smsParams(message, this.language);
    const templateParam = Object.fromEntries(
      Object.entries(this.config.templateParam).map(([variable, name]) => [variable, values[name]]),
    );
    let answer: Awaited<ReturnType<InstanceType<typeof SmsClient>["sendSms"]>>;
    try {
      answer = await client.sendSms(
        new SendSmsRequest({
          phoneNumbers: this.phone,
          signName: this.config.signName,
          templateCode: this.config.templateCode,
          templateParam: JSON.stringify(templateParam),
          ...(message.key ? { outId: message.key.slice(0, 256) } : {}),
        }),
      );
    } catch (err) {
      throw sdkFailure("aliyun sms", err);
    }
    const code = answer.body?.code;
    if (code !== "OK")
      throw new ChannelError(
        "robot_error",
        `aliyun sms ${code ?? "(no code)"}: ${answer.body?.message ?? ""}`.slice(0, 300),
        answer.statusCode ?? null,
      );
    return { httpStatus: answer.statusCode ?? 200 };
  }
}
