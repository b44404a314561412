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

const commandBase = { v, id: z.string().min(1).max(64), tsMs: epochMsSchema };
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
]);
export type Command = z.infer<typeof commandSchema>;
export type CommandName = Command["cmd"];

export const commandReplySchema = z.strictObject({
  v,
  id: z.string().min(1).max(64),
  tsMs: epochMsSchema,
  ok: z.boolean(),
  error: z.string().max(512).optional(),
});
export type CommandReply = z.infer<typeof commandReplySchema>;

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
