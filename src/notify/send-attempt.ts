import { performance } from "node:perf_hooks";
import type { Logger } from "../logging.js";
import type { DeliveryLogPort } from "./delivery-log.js";
import type { NotificationMessage } from "./message.js";
import type { Channel } from "./senders/channel.js";
import { ChannelError } from "./senders/index.js";

export interface SendOutcome {
  ok: boolean;
  error: string | null;
  errorCode: string | null;
  httpStatus: number | null;
  durationMs: number;
}

export interface AttemptDeps {
  now: () => number;
  logger: Logger;
  log: DeliveryLogPort;
  /** Loads an attachment stored by reference (scheduled reports' PDFs), at send time. */
  loadAttachment?: (ref: string) => Promise<Buffer | null> | Buffer | null;
}

/** The message with its attachments' content loaded; a stored file that is gone is left out (and logged). */
export async function withAttachments(
  deps: AttemptDeps,
  message: NotificationMessage,
): Promise<NotificationMessage> {
  if (!message.attachments?.some((a) => a.ref !== undefined)) return message;
  const loaded = await Promise.all(
    message.attachments.map(async (a) =>
      a.ref === undefined ? null : ((await deps.loadAttachment?.(a.ref)) ?? null),
    ),
  );
  const attachments = message.attachments.flatMap((a, i) => {
    if (a.ref === undefined) return [a];
    const content = loaded[i] ?? null;
    if (!content) {
      deps.logger.warn({ ref: a.ref, filename: a.filename }, "attachment no longer stored: sent without it");
      return [];
    }
    return [{ filename: a.filename, contentType: a.contentType, contentBase64: content.toString("base64") }];
  });
  return { ...message, attachments };
}

/** One send through one channel, timed and written to the delivery log whatever its outcome. */
export async function sendAttempt(
  deps: AttemptDeps,
  channelId: string,
  makeSender: () => Channel,
  message: NotificationMessage,
  meta: { alertId: string | null; action: string; attempt: number },
  group: { size: number; summary: string } | null = null,
): Promise<SendOutcome> {
  const atMs = deps.now();
  const started = performance.now();
  let outcome: Omit<SendOutcome, "durationMs">;
  try {
    const sender = makeSender();
    const receipt = await sender.send(await withAttachments(deps, message));
    outcome = { ok: true, error: null, errorCode: null, httpStatus: receipt.httpStatus };
  } catch (err) {
    const e = err instanceof ChannelError ? err : null;
    outcome = {
      ok: false,
      error: (err as Error).message.slice(0, 500),
      errorCode: e?.code ?? "internal",
      httpStatus: e?.httpStatus ?? null,
    };
    deps.logger.debug(
      { channelId, alertId: meta.alertId, errorCode: outcome.errorCode },
      "notification attempt failed",
    );
  }
  const durationMs = Math.round(performance.now() - started);
  await deps.log.add({
    ...meta,
    ...outcome,
    atMs,
    channelId,
    durationMs,
    groupSize: group?.size ?? null,
    summary: group?.summary ?? null,
  });
  return { ...outcome, durationMs };
}
