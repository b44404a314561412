import { IANAZone } from "luxon";
import { z } from "zod";
import { HHMM_PATTERN } from "../../core/calendar/local-time.js";
import { PERSONAL_MEDIA, type PersonalMedium } from "./ports.js";

const userId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.@-]{1,64}$/, "letters, digits, _ . @ - (at most 64)");
const hhmm = z.string().regex(HHMM_PATTERN, "HH:mm, 00:00–23:59");

/** What a person (or an admin for them) may set. Empty strings clear an address. */
export const contactsInputSchema = z
  .strictObject({
    email: z
      .union([z.literal(""), z.email()])
      .nullable()
      .default(null),
    /** E.164: "+" then the country code and number, 8 to 15 digits. */
    mobile: z
      .union([
        z.literal(""),
        z
          .string()
          .trim()
          .regex(/^\+[1-9]\d{7,14}$/, "E.164, e.g. +8613800138000"),
      ])
      .nullable()
      .default(null),
    wecomUserId: z
      .union([z.literal(""), userId])
      .nullable()
      .default(null),
    dingtalkUserId: z
      .union([z.literal(""), userId])
      .nullable()
      .default(null),
    /** The media to use, most preferred first. */
    media: z
      .array(z.enum(PERSONAL_MEDIA))
      .max(PERSONAL_MEDIA.length)
      .refine((m) => new Set(m).size === m.length, "each medium once")
      .default([]),
    quietHours: z.strictObject({ start: hhmm, end: hhmm }).nullable().default(null),
    zone: z
      .string()
      .refine((zone) => IANAZone.isValidZone(zone), "an IANA time zone, e.g. Asia/Shanghai")
      .default("Asia/Shanghai"),
  })
  .superRefine((c, ctx) => {
    const address: Record<Exclude<PersonalMedium, "push">, unknown> = {
      email: c.email,
      sms: c.mobile,
      wecom: c.wecomUserId,
      dingtalk: c.dingtalkUserId,
    };
    c.media.forEach((m, i) => {
      if (m !== "push" && !address[m])
        ctx.addIssue({ code: "custom", path: ["media", i], message: `no address for ${m}` });
    });
  });
export type ContactsInput = z.infer<typeof contactsInputSchema>;

export interface Contacts {
  username: string;
  email: string | null;
  mobile: string | null;
  wecomUserId: string | null;
  dingtalkUserId: string | null;
  media: PersonalMedium[];
  quietHours: { start: string; end: string } | null;
  zone: string;
  /** The person's browsers (endpoint shown only as its host: the rest is a credential). */
  pushSubscriptions: { id: string; host: string; label: string | null; createdMs: number }[];
}

const base64url = (bytes: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, "base64url")
    .refine((v) => Buffer.from(v, "base64url").length === bytes, `${bytes} bytes`);

/** A browser's PushSubscription.toJSON(), as the console sends it. */
export const pushSubscriptionSchema = z.strictObject({
  endpoint: z
    .string()
    .url()
    .max(2000)
    .refine((u) => u.startsWith("https://"), "must be an https URL"),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({
    p256dh: base64url(65).refine((v) => Buffer.from(v, "base64url")[0] === 4, "an uncompressed P-256 key"),
    auth: base64url(16),
  }),
  label: z.string().trim().max(80).optional(),
});
export type PushSubscriptionInput = z.infer<typeof pushSubscriptionSchema>;
