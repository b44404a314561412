import { z } from "zod";
import { agentIdSchema, deviceIdSchema } from "./ids.js";
import { deviceKindSchema } from "./kinds/index.js";

/** Payload format version; bumped together with the topic version. */
export const PAYLOAD_VERSION = 1;
const v = z.literal(PAYLOAD_VERSION);

/** Milliseconds since the Unix epoch (UTC). */
export const epochMsSchema = z.number().int().min(0);
/** Incremented by the agent at every connect; lets the aggregator ignore a late will of an older session. */
export const sessionSchema = z.number().int().min(0);
/** Per session: the birth is 0, every later data message (telemetry, event) of the session adds one. */
export const seqSchema = z.number().int().min(0);

/** An agent's retained presence; the same schema is used for its last will (state "offline"). */
export const agentStatusSchema = z.strictObject({
  v,
  state: z.enum(["online", "offline"]),
  session: sessionSchema,
  tsMs: epochMsSchema,
  /** Why it went offline: "will" for the last will, "shutdown" for a clean stop. */
  reason: z.enum(["will", "shutdown"]).optional(),
});
export type AgentStatus = z.infer<typeof agentStatusSchema>;

export const birthDeviceSchema = z.strictObject({
  id: deviceIdSchema,
  kind: deviceKindSchema,
  model: z.string().min(1).max(64),
  zone: z.string().min(1).max(64),
  reportIntervalSec: z.number().int().min(1).max(86_400),
  name: z.string().max(128).optional(),
});
export type BirthDevice = z.infer<typeof birthDeviceSchema>;

export const birthSchema = z
  .strictObject({
    v,
    session: sessionSchema,
    seq: z.literal(0),
    tsMs: epochMsSchema,
    agent: z.strictObject({
      id: agentIdSchema,
      version: z.string().min(1).max(32),
      platform: z.string().max(32).optional(),
      hostname: z.string().max(128).optional(),
    }),
    devices: z.array(birthDeviceSchema).max(500),
  })
  .refine((b) => new Set(b.devices.map((d) => d.id)).size === b.devices.length, {
    message: "device ids must be unique within a birth",
    path: ["devices"],
  });
export type Birth = z.infer<typeof birthSchema>;

const dataEnvelope = {
  v,
  session: sessionSchema,
  seq: seqSchema.min(1),
  tsMs: epochMsSchema,
  /** True when the message was kept by the agent while the aggregator or broker was away and replayed later. */
  historical: z.boolean().optional(),
};

/** `values` is checked against the device kind's schema (see kinds/) once the device is known. */
export const telemetrySchema = z.strictObject({
  ...dataEnvelope,
  values: z.record(z.string(), z.unknown()),
});
export type TelemetryEnvelope = z.infer<typeof telemetrySchema>;

const jsonScalar = z.union([z.string().max(256), z.number(), z.boolean(), z.null()]);

export const eventSchema = z.strictObject({
  ...dataEnvelope,
  /** e.g. "changed" (a discrete value changed: data.field, data.from, data.to), "identify", "fault_injected". */
  type: z.string().regex(/^[a-z][a-z0-9_.]{0,63}$/),
  message: z.string().max(512).optional(),
  data: z.record(z.string().max(64), jsonScalar).optional(),
});
export type DeviceEvent = z.infer<typeof eventSchema>;

const commandBase = {
  v,
  id: z.string().min(1).max(64),
  tsMs: epochMsSchema,
  /** After this instant (aggregator time) the agent must refuse the command with "expired" (see commandExpiryMs). */
  expiresMs: epochMsSchema.optional(),
};
export const commandSchema = z.discriminatedUnion("cmd", [
  z.strictObject({ ...commandBase, cmd: z.literal("rebirth") }),
  z.strictObject({
    ...commandBase,
    cmd: z.literal("set_report_interval"),
    /** Absent: every device of the agent. */
    deviceId: deviceIdSchema.optional(),
    reportIntervalSec: z.number().int().min(1).max(86_400),
  }),
  z.strictObject({
    ...commandBase,
    cmd: z.literal("identify"),
    deviceId: deviceIdSchema,
    durationSec: z.number().int().min(1).max(600).default(30),
  }),
  /** Restart the application of a kiosk or queue machine (e.g. its systemd unit). */
  z.strictObject({ ...commandBase, cmd: z.literal("restart_app"), deviceId: deviceIdSchema }),
  /** Reboot the machine that hosts the device; `confirm: true` must be spelt out. */
  z.strictObject({
    ...commandBase,
    cmd: z.literal("reboot_host"),
    deviceId: deviceIdSchema,
    confirm: z.literal(true),
  }),
  /** Capture what a kiosk's or signage box's screen shows; the image comes back in the reply's result. */
  z.strictObject({ ...commandBase, cmd: z.literal("screenshot"), deviceId: deviceIdSchema }),
]);
export type Command = z.infer<typeof commandSchema>;
export type CommandName = Command["cmd"];
/** A command without its envelope (`v`, `id`, `tsMs`), as a sender fills it in; one member per command. */
export type CommandFields = Command extends infer C
  ? C extends Command
    ? Omit<C, "v" | "id" | "tsMs">
    : never
  : never;
export const COMMAND_NAMES = [
  "rebirth",
  "set_report_interval",
  "identify",
  "restart_app",
  "reboot_host",
  "screenshot",
] as const satisfies readonly CommandName[];

/**
 * No command is carried out later than this after its `tsMs`, whatever its `expiresMs` says, so an agent that
 * reconnects an hour late never reboots a host for a request nobody waits for any more.
 */
export const COMMAND_MAX_AGE_MS = 5 * 60_000;

/** When a command expires: its `expiresMs`, capped at `tsMs` + COMMAND_MAX_AGE_MS. */
export function commandExpiryMs(command: { tsMs: number; expiresMs?: number | undefined }): number {
  const cap = command.tsMs + COMMAND_MAX_AGE_MS;
  return command.expiresMs === undefined ? cap : Math.min(command.expiresMs, cap);
}

/**
 * The largest screenshot a reply carries: 45 000 bytes of image, 60 000 characters of base64, so that the reply
 * stays under the 64 KiB payload limit of the broker and the aggregator (MAX_PAYLOAD_BYTES).
 */
export const SCREENSHOT_MAX_BYTES = 45_000;
export const SCREENSHOT_MAX_BASE64_CHARS = (SCREENSHOT_MAX_BYTES / 3) * 4;

export const screenshotResultSchema = z.strictObject({
  mimeType: z.enum(["image/png", "image/jpeg"]),
  dataBase64: z
    .string()
    .min(4)
    .max(SCREENSHOT_MAX_BASE64_CHARS)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be base64"),
});
export type ScreenshotResult = z.infer<typeof screenshotResultSchema>;

/** What a command produced beyond ok/error; only the commands that define a result send one. */
export const commandResultSchema = z.strictObject({
  screenshot: screenshotResultSchema.optional(),
  /** A short human note from the agent (e.g. the unit it restarted). */
  detail: z.string().max(256).optional(),
});
export type CommandResult = z.infer<typeof commandResultSchema>;

/**
 * Machine-readable refusals an agent puts first in `error` (optionally followed by ": detail"), so the console can
 * translate them; anything else is shown as "the agent reported a failure".
 */
export const COMMAND_ERROR_CODES = [
  "expired",
  "unknown_device",
  "unsupported",
  "not_enabled",
  "screenshot_too_large",
  "failed",
  "invalid_command",
] as const;
export type CommandErrorCode = (typeof COMMAND_ERROR_CODES)[number];

export const commandReplySchema = z.strictObject({
  v,
  id: z.string().min(1).max(64),
  tsMs: epochMsSchema,
  ok: z.boolean(),
  error: z.string().max(512).optional(),
  /** Added in protocol 1.1 for restart_app, reboot_host and screenshot; older replies never carry it. */
  result: commandResultSchema.optional(),
});
export type CommandReply = z.infer<typeof commandReplySchema>;

/** The code at the start of a reply's error ("unknown_device: kiosk-9" → "unknown_device"), or "failed". */
export function commandErrorCode(error: string): CommandErrorCode {
  // Agents before the codes wrote "invalid command: …" and "unknown device kiosk-9".
  if (/^(invalid command|unknown device)\b/.test(error))
    return error.startsWith("invalid") ? "invalid_command" : "unknown_device";
  const head = error.split(":")[0]?.trim() ?? "";
  return (COMMAND_ERROR_CODES as readonly string[]).includes(head) ? (head as CommandErrorCode) : "failed";
}

export const aggregatorStatusSchema = z.strictObject({
  v,
  state: z.enum(["online", "offline"]),
  instanceId: z.string().min(1).max(64),
  tsMs: epochMsSchema,
});
export type AggregatorStatus = z.infer<typeof aggregatorStatusSchema>;

export const severitySchema = z.enum(["critical", "major", "minor", "warning", "operational"]);
export const roleSchema = z.enum(["duty_manager", "floor_staff", "maintenance", "security", "admin"]);

/** Published by the aggregator on `hallwatch/v1/_system/alerts/{hallId}` at every change of an alert. */
export const alertEventSchema = z.strictObject({
  v,
  tsMs: epochMsSchema,
  action: z.enum([
    "opened",
    "updated",
    "reopened",
    "acknowledged",
    "resolved",
    "commented",
    "assigned",
    "escalated",
    "reminded",
    "affected_changed",
    "notified",
    "delivered",
  ]),
  by: z.string().max(128).nullable(),
  alert: z.strictObject({
    id: z.string().min(1).max(64),
    hallId: z.string(),
    deviceId: z.string().nullable(),
    agentId: z.string().nullable(),
    kind: deviceKindSchema.nullable(),
    faultType: z.string().min(1).max(64),
    severity: severitySchema,
    audience: z.array(roleSchema),
    status: z.enum(["open", "acknowledged", "resolved"]),
    summary: z.strictObject({ en: z.string(), zh: z.string() }),
    openedMs: epochMsSchema,
    lastSeenMs: epochMsSchema,
    count: z.number().int().min(1),
    lastObserved: z.union([z.number(), z.string(), z.boolean(), z.null()]),
    affected: z.array(z.string()),
    flapping: z.boolean(),
    escalationLevel: z.number().int().min(0),
    /** Raised during a maintenance window: recorded, not notified. */
    inMaintenance: z.boolean().optional(),
    /** Who acknowledged, resolved, was assigned, and the latest comment: what a card shows. */
    acknowledged: z
      .strictObject({ by: z.string(), atMs: epochMsSchema, comment: z.string().nullable() })
      .nullable()
      .optional(),
    resolved: z
      .strictObject({ by: z.string(), atMs: epochMsSchema, reason: z.string() })
      .nullable()
      .optional(),
    assignee: z
      .strictObject({ username: z.string(), by: z.string(), atMs: epochMsSchema })
      .nullable()
      .optional(),
    lastComment: z
      .strictObject({ by: z.string(), atMs: epochMsSchema, text: z.string() })
      .nullable()
      .optional(),
  }),
});
export type AlertEvent = z.infer<typeof alertEventSchema>;
