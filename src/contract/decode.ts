import type { z } from "zod";
import { type DeviceKind, KIND_SPECS, type TelemetryValuesByKind } from "./kinds/index.js";
import {
  type AgentStatus,
  type AggregatorStatus,
  type AlertEvent,
  agentStatusSchema,
  aggregatorStatusSchema,
  alertEventSchema,
  type Birth,
  birthSchema,
  type Command,
  type CommandReply,
  commandReplySchema,
  commandSchema,
  type DeviceEvent,
  eventSchema,
  type TelemetryEnvelope,
  telemetrySchema,
} from "./messages.js";
import { type AgentTopic, parseTopic } from "./topics.js";

export type RejectReason =
  | "bad_topic"
  | "too_large"
  | "bad_json"
  | "schema_mismatch"
  | "unknown_agent"
  | "unknown_device"
  | "hall_mismatch"
  /** A birth or data from an agent for a device that belongs to another agent of the hall. */
  | "device_conflict";

export type Decoded =
  | { type: "status"; topic: AgentTopic & { type: "status" }; message: AgentStatus }
  | { type: "birth"; topic: AgentTopic & { type: "birth" }; message: Birth }
  | { type: "telemetry"; topic: AgentTopic & { type: "telemetry" }; message: TelemetryEnvelope }
  | { type: "event"; topic: AgentTopic & { type: "event" }; message: DeviceEvent }
  | { type: "reply"; topic: AgentTopic & { type: "reply" }; message: CommandReply }
  | { type: "cmd"; topic: AgentTopic & { type: "cmd" }; message: Command }
  | { type: "aggregator_status"; message: AggregatorStatus }
  | { type: "alert_event"; hallId: string; message: AlertEvent };

export type DecodeResult = { ok: true; value: Decoded } | { ok: false; reason: RejectReason; detail: string };

/** Largest payload any Hallwatch component accepts (the broker may be configured lower). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

const schemaByType = {
  status: agentStatusSchema,
  birth: birthSchema,
  telemetry: telemetrySchema,
  event: eventSchema,
  reply: commandReplySchema,
  cmd: commandSchema,
  aggregator_status: aggregatorStatusSchema,
  alert_event: alertEventSchema,
} as const;

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}

/**
 * Turns a raw MQTT message into a typed one, or says precisely why it cannot be used.
 * Never throws. Telemetry `values` are checked later with {@link decodeTelemetryValues},
 * once the device's kind is known.
 */
export function decodeMessage(
  topic: string,
  payload: Uint8Array,
  maxBytes = MAX_PAYLOAD_BYTES,
): DecodeResult {
  const parsedTopic = parseTopic(topic);
  if (parsedTopic === null)
    return { ok: false, reason: "bad_topic", detail: `not a hallwatch/v1 topic: ${topic}` };
  if (payload.byteLength > maxBytes) {
    return { ok: false, reason: "too_large", detail: `${payload.byteLength} bytes > ${maxBytes}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString("utf8"));
  } catch (err) {
    return { ok: false, reason: "bad_json", detail: (err as Error).message };
  }
  const result = schemaByType[parsedTopic.type].safeParse(json);
  if (!result.success) return { ok: false, reason: "schema_mismatch", detail: describeIssues(result.error) };
  if (parsedTopic.type === "aggregator_status") {
    return { ok: true, value: { type: "aggregator_status", message: result.data as AggregatorStatus } };
  }
  if (parsedTopic.type === "alert_event") {
    return {
      ok: true,
      value: { type: "alert_event", hallId: parsedTopic.hallId, message: result.data as AlertEvent },
    };
  }
  return { ok: true, value: { type: parsedTopic.type, topic: parsedTopic, message: result.data } as Decoded };
}

export type ValuesResult<K extends DeviceKind> =
  | { ok: true; values: TelemetryValuesByKind[K] }
  | { ok: false; reason: "schema_mismatch"; detail: string };

export function decodeTelemetryValues<K extends DeviceKind>(kind: K, values: unknown): ValuesResult<K> {
  const result = KIND_SPECS[kind].valuesSchema.safeParse(values);
  if (!result.success) {
    return {
      ok: false,
      reason: "schema_mismatch",
      detail: `values (${kind}): ${describeIssues(result.error)}`,
    };
  }
  return { ok: true, values: result.data as TelemetryValuesByKind[K] };
}
