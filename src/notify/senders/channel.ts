import type { NotificationMessage } from "../message.js";

/** Why a send failed, stable for the delivery log and the API. */
export type ChannelErrorCode =
  | "timeout"
  | "network"
  | "http_status"
  | "robot_error"
  | "bad_answer"
  | "smtp"
  | "channel_missing"
  | "channel_disabled";

export class ChannelError extends Error {
  constructor(
    readonly code: ChannelErrorCode,
    message: string,
    readonly httpStatus: number | null = null,
  ) {
    super(message);
    this.name = "ChannelError";
  }
}

/** What the receiver answered on success (HTTP status, null for e-mail). */
export interface SendReceipt {
  httpStatus: number | null;
}

/** One way of telling people. `send` resolves once the receiver accepted the message, else throws a ChannelError. */
export interface Channel {
  send(message: NotificationMessage): Promise<SendReceipt>;
}

export interface ChannelOptions {
  timeoutMs: number;
  now: () => number;
}
