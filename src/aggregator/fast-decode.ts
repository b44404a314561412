import {
  type DecodeResult,
  type DeviceKind,
  decodeMessage,
  decodeTelemetryValues,
  KIND_SPECS,
  MAX_PAYLOAD_BYTES,
  parseTopic,
  type TelemetryValuesByKind,
  telemetrySchema,
  type ValuesResult,
} from "../contract/index.js";
import { compileFastCheck, type FastCheck } from "./fast-validate.js";

const telemetryEnvelope = compileFastCheck(telemetrySchema);
const valuesByKind = new Map<DeviceKind, FastCheck | null>();

/**
 * decodeMessage with a fast path for the message that is nearly all traffic: a valid telemetry envelope is
 * accepted by a check compiled from its zod schema; everything else, and anything the check does not accept,
 * goes through decodeMessage, which decides and says why. Same results, a fraction of the work.
 */
export function decodeMessageFast(
  topic: string,
  payload: Uint8Array,
  maxBytes = MAX_PAYLOAD_BYTES,
): DecodeResult {
  if (telemetryEnvelope === null || payload.byteLength > maxBytes)
    return decodeMessage(topic, payload, maxBytes);
  const parsedTopic = parseTopic(topic);
  if (parsedTopic === null || parsedTopic.type !== "telemetry")
    return decodeMessage(topic, payload, maxBytes);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString("utf8"));
  } catch {
    return decodeMessage(topic, payload, maxBytes);
  }
  if (!telemetryEnvelope(json)) return decodeMessage(topic, payload, maxBytes);
  const telemetryTopic = parsedTopic as typeof parsedTopic & { type: "telemetry" };
  return { ok: true, value: { type: "telemetry", topic: telemetryTopic, message: json as never } };
}

/** decodeTelemetryValues with the same fast path, compiled once per kind from the kind's zod schema. */
export function decodeTelemetryValuesFast<K extends DeviceKind>(kind: K, values: unknown): ValuesResult<K> {
  let check = valuesByKind.get(kind);
  if (check === undefined) {
    check = compileFastCheck(KIND_SPECS[kind].valuesSchema);
    valuesByKind.set(kind, check);
  }
  if (check?.(values)) return { ok: true, values: values as TelemetryValuesByKind[K] };
  return decodeTelemetryValues(kind, values);
}
