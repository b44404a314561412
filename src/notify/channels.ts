import { z } from "zod";

const url = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL");
const keyword = z.string().min(1).max(40).optional();
const text = (max: number) => z.string().trim().min(1).max(max);
/** A provider's host, or "http://127.0.0.1:port" (plain http only to loopback, for local receivers). */
const endpoint = z
  .string()
  .trim()
  .min(1)
  .refine(
    (e) => !/^http:\/\//.test(e) || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(e),
    "plain http only to a loopback address",
  );

/**
 * Personal providers: configured once, they carry no recipient. They reach only people (their mobile, WeCom or
 * DingTalk user id), never a routing rule's group (see `isProviderType`).
 */
const PROVIDER_SCHEMAS = [
  z.strictObject({
    type: z.literal("aliyun_sms"),
    accessKeyId: text(100),
    accessKeySecret: text(200),
    signName: text(40),
    templateCode: text(40),
    endpoint: endpoint.default("dysmsapi.aliyuncs.com"),
    /** Template variable name → the short value Hallwatch fills in (hall, fault, severity, link). */
    templateParam: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,39}$/),
        z.enum(["hall", "fault", "severity", "link"]),
      )
      .default({ hall: "hall", fault: "fault", severity: "severity", link: "link" }),
  }),
  z.strictObject({
    type: z.literal("tencent_sms"),
    secretId: text(100),
    secretKey: text(200),
    sdkAppId: z.string().regex(/^\d{5,20}$/, "digits only"),
    signName: text(40),
    templateId: z.string().regex(/^\d{1,20}$/, "digits only"),
    /** Values for the template's {1}, {2}, … in order. */
    templateParams: z
      .array(z.enum(["hall", "fault", "severity", "link"]))
      .max(10)
      .default(["hall", "fault", "severity", "link"]),
    region: z
      .string()
      .regex(/^[a-z]+-[a-z]+$/)
      .default("ap-guangzhou"),
    endpoint: endpoint.default("sms.tencentcloudapi.com"),
  }),
  z.strictObject({
    type: z.literal("wecom_app"),
    corpId: text(100),
    corpSecret: text(200),
    agentId: z.number().int().positive(),
    apiBaseUrl: url.default("https://qyapi.weixin.qq.com"),
  }),
  z.strictObject({
    type: z.literal("dingtalk_notice"),
    appKey: text(100),
    appSecret: text(200),
    agentId: z.number().int().positive(),
    apiBaseUrl: url.default("https://oapi.dingtalk.com"),
  }),
] as const;

export const PROVIDER_TYPES = ["aliyun_sms", "tencent_sms", "wecom_app", "dingtalk_notice"] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];
/** Provider channels send only to people: routing rules cannot name them. */
export const isProviderType = (type: string): type is ProviderType =>
  (PROVIDER_TYPES as readonly string[]).includes(type);

/** One schema per channel type. Secrets are needed to sign: stored encrypted (NotifyStore), never shown. */
export const channelConfigSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("webhook"), url, secret: z.string().min(16, "at least 16 characters") }),
  z.strictObject({ type: z.literal("wecom"), url }),
  z.strictObject({ type: z.literal("dingtalk"), url, secret: z.string().min(1).optional(), keyword }),
  z.strictObject({
    type: z.literal("feishu"),
    url,
    secret: z.string().min(1).optional(),
    keyword,
    msgType: z.enum(["text", "interactive"]).default("text"),
  }),
  z
    .strictObject({
      type: z.literal("email"),
      host: z.string().min(1),
      port: z.number().int().min(1).max(65_535),
      /** Implicit TLS (usually port 465). */
      secure: z.boolean().default(false),
      /** Without `secure`: upgrade when the server offers it, insist on it, or never. */
      starttls: z.enum(["opportunistic", "required", "off"]).default("opportunistic"),
      user: z.string().min(1).optional(),
      password: z.string().min(1).optional(),
      from: z.string().min(3),
      to: z.array(z.email()).min(1),
    })
    .refine((c) => c.password === undefined || c.user !== undefined, {
      message: "a password needs a user",
      path: ["user"],
    }),
  ...PROVIDER_SCHEMAS,
]);
export type ChannelConfig = z.infer<typeof channelConfigSchema>;
export type ChannelType = ChannelConfig["type"];
export type ChannelConfigOf<T extends ChannelType> = Extract<ChannelConfig, { type: T }>;

export const channelSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  language: z.enum(["zh", "en"]).default("zh"),
  enabled: z.boolean().default(true),
  config: channelConfigSchema,
});
export type ChannelInput = z.infer<typeof channelSchema>;
/** A stored channel. */
export interface ChannelRecord extends ChannelInput {
  id: string;
}
/** @deprecated the stored record; `Channel` in `senders/` is the sending interface. */
export type Channel = ChannelRecord;

export class ChannelConfigError extends Error {
  readonly code = "invalid_channel";
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`invalid channel: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
    this.name = "ChannelConfigError";
  }
}

/** Validates a channel; a ChannelConfigError lists every bad path (e.g. `config.url`, `config.to.1`). */
export function parseChannelInput(input: unknown): ChannelInput {
  const result = channelSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ChannelConfigError(
    result.error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(root)", message: i.message })),
  );
}

export const SECRET_MASK = "••••••";
const SECRET_KEYS = new Set([
  "secret",
  "password",
  "accessKeySecret",
  "secretKey",
  "corpSecret",
  "appSecret",
]);

/**
 * Robot URLs are credentials too (WeCom `key`, DingTalk `access_token`, Feishu's hook id in the path): query
 * values and the last path segment of a robot hook are masked, leaving enough to tell channels apart.
 */
export function maskUrl(raw: string, maskPath: boolean): string {
  try {
    const u = new URL(raw);
    for (const key of [...u.searchParams.keys()]) u.searchParams.set(key, SECRET_MASK);
    if (maskPath) {
      const parts = u.pathname.split("/");
      const last = parts.at(-1) ?? "";
      if (last.length > 4) parts[parts.length - 1] = `${last.slice(0, 4)}${SECRET_MASK}`;
      u.pathname = parts.join("/");
    }
    return decodeURI(u.toString());
  } catch {
    return SECRET_MASK;
  }
}

/** The channel as shown to people: secrets replaced by a marker. */
export function maskChannel(channel: ChannelRecord): ChannelRecord {
  const config = Object.fromEntries(
    Object.entries(channel.config).map(([k, v]) => {
      if (SECRET_KEYS.has(k) && v) return [k, SECRET_MASK];
      if (k === "url" && typeof v === "string") return [k, maskUrl(v, channel.config.type === "feishu")];
      return [k, v];
    }),
  ) as ChannelConfig;
  return { ...channel, config };
}
