import { z } from "zod";

const url = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL");

/** One schema per channel type; secrets are needed to sign, so they are stored, but never returned by the API. */
export const channelConfigSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("webhook"), url, secret: z.string().min(16, "at least 16 characters") }),
  z.strictObject({ type: z.literal("wecom"), url }),
  z.strictObject({ type: z.literal("dingtalk"), url, secret: z.string().min(1).optional() }),
  z.strictObject({ type: z.literal("feishu"), url, secret: z.string().min(1).optional() }),
  z.strictObject({
    type: z.literal("email"),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535),
    secure: z.boolean().default(false),
    user: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    from: z.string().min(3),
    to: z.array(z.string().email()).min(1),
  }),
]);
export type ChannelConfig = z.infer<typeof channelConfigSchema>;

export const channelSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  language: z.enum(["zh", "en"]).default("zh"),
  enabled: z.boolean().default(true),
  config: channelConfigSchema,
});
export type ChannelInput = z.infer<typeof channelSchema>;
export interface Channel extends ChannelInput {
  id: string;
}

const SECRET_KEYS = new Set(["secret", "password"]);

/** The channel as shown to people: secrets replaced by a marker. */
export function maskChannel(channel: Channel): Channel {
  const config = Object.fromEntries(
    Object.entries(channel.config).map(([k, v]) => [k, SECRET_KEYS.has(k) && v ? "••••••" : v]),
  ) as ChannelConfig;
  return { ...channel, config };
}
