import { z } from "zod";
import { deviceIdSchema, deviceKindSchema, hallIdSchema, severitySchema } from "../../contract/index.js";
import type { Alert } from "../alerts/alert.js";

/** The longest a silence may last: a longer quiet is a maintenance window or a routing change, not a silence. */
export const MAX_SILENCE_MS = 30 * 24 * 3600_000;

/** What a silence matches: every matcher given must match; at least one is required. */
export const silenceMatchersSchema = z
  .strictObject({
    hallId: hallIdSchema.optional(),
    kind: deviceKindSchema.optional(),
    deviceId: deviceIdSchema.optional(),
    faultType: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,63}$/, "a fault type such as gateway_down")
      .optional(),
    severity: severitySchema.optional(),
  })
  .refine((m) => Object.values(m).some((v) => v !== undefined), {
    message: "at least one matcher (hall, kind, device, fault type or severity) is required",
  });
export type SilenceMatchers = z.infer<typeof silenceMatchersSchema>;

/** A silence as people create it: matchers, why, and when it starts and ends. */
export const silenceInputSchema = z
  .strictObject({
    matchers: silenceMatchersSchema,
    reason: z.string().trim().min(1).max(500),
    /** Epoch ms; omitted: now. */
    startsMs: z.number().int().nonnegative().optional(),
    /** When it ends (epoch ms), or `durationMs` from its start (a phone's clock may be off): one of the two. */
    endsMs: z.number().int().positive().optional(),
    durationMs: z.number().int().positive().optional(),
  })
  .refine((s) => (s.endsMs === undefined) !== (s.durationMs === undefined), {
    message: "give either endsMs or durationMs",
    path: ["endsMs"],
  });
export type SilenceInput = z.infer<typeof silenceInputSchema>;

export interface Silence {
  id: string;
  matchers: SilenceMatchers;
  reason: string;
  createdBy: string;
  createdMs: number;
  startsMs: number;
  endsMs: number;
  /** Lifted early: who and when (then `endsMs` is the lift time). */
  liftedBy: string | null;
  liftedMs: number | null;
}

export type SilenceProblem = "ends_in_past" | "ends_before_start" | "too_long";

/** Why the times of a new silence are refused, or null (pure: `nowMs` is the caller's clock). */
export function checkSilenceTimes(startsMs: number, endsMs: number, nowMs: number): SilenceProblem | null {
  if (endsMs <= nowMs) return "ends_in_past";
  if (endsMs <= startsMs) return "ends_before_start";
  if (endsMs - Math.max(startsMs, nowMs) > MAX_SILENCE_MS) return "too_long";
  return null;
}

/** In force at an instant: started, not yet ended (a lifted silence ends at its lift). */
export const isSilenceActive = (s: Pick<Silence, "startsMs" | "endsMs">, atMs: number): boolean =>
  s.startsMs <= atMs && atMs < s.endsMs;

type Matchable = Pick<Alert, "hallId" | "kind" | "deviceId" | "faultType" | "severity" | "affected">;

/** Whether every matcher given matches the alert. A device matcher also matches a dependency alert standing for it. */
export function silenceMatches(matchers: SilenceMatchers, alert: Matchable): boolean {
  if (matchers.hallId !== undefined && matchers.hallId !== alert.hallId) return false;
  if (matchers.kind !== undefined && matchers.kind !== alert.kind) return false;
  if (
    matchers.deviceId !== undefined &&
    matchers.deviceId !== alert.deviceId &&
    !(alert.deviceId === null && alert.affected.includes(matchers.deviceId))
  )
    return false;
  if (matchers.faultType !== undefined && matchers.faultType !== alert.faultType) return false;
  if (matchers.severity !== undefined && matchers.severity !== alert.severity) return false;
  return true;
}

/** The first silence in force that matches the alert (the earliest ending first, so the answer is stable). */
export function findSilence<S extends Silence>(
  silences: readonly S[],
  alert: Matchable,
  atMs: number,
): S | null {
  let found: S | null = null;
  for (const s of silences) {
    if (!isSilenceActive(s, atMs) || !silenceMatches(s.matchers, alert)) continue;
    if (!found || s.endsMs < found.endsMs) found = s;
  }
  return found;
}
