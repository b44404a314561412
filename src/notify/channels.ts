import { z } from "zod";

const url = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL");
const keyword = z.string().min(1).max(40).optional();

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
const SECRET_KEYS = new Set(["secret", "password"]);

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
