import nodemailer from "nodemailer";
import type { ChannelConfigOf } from "../channels.js";
import type { NotificationMessage } from "../message.js";
import { type Channel, ChannelError, type ChannelOptions, type SendReceipt } from "./channel.js";

/** Attachments with their content; one still by reference was not resolved by the dispatcher and is left out. */
function mailAttachments(message: NotificationMessage) {
  return (message.attachments ?? []).flatMap((a) =>
    a.contentBase64 === undefined
      ? []
      : [
          {
            filename: a.filename,
            contentType: a.contentType,
            content: Buffer.from(a.contentBase64, "base64"),
          },
        ],
  );
}

/** E-mail through an SMTP server: implicit TLS with `secure`, else STARTTLS as configured. */
export class EmailChannel implements Channel {
  constructor(
    private readonly config: ChannelConfigOf<"email">,
    private readonly options: ChannelOptions,
  ) {}

  async send(message: NotificationMessage): Promise<SendReceipt> {
    const { config } = this;
    const transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: !config.secure && config.starttls === "required",
      ignoreTLS: !config.secure && config.starttls === "off",
      ...(config.user ? { auth: { user: config.user, pass: config.password ?? "" } } : {}),
      connectionTimeout: this.options.timeoutMs,
      greetingTimeout: this.options.timeoutMs,
      socketTimeout: this.options.timeoutMs,
    });
    try {
      await transport.sendMail({
        from: config.from,
        to: config.to.join(", "),
        subject: message.title,
        text: message.text,
        ...(message.attachments?.length ? { attachments: mailAttachments(message) } : {}),
      });
      return { httpStatus: null };
    } catch (err) {
      const e = err as Error & { code?: string; responseCode?: number };
      const code = e.code === "ETIMEDOUT" ? "timeout" : "smtp";
      // nodemailer's messages name the server and the SMTP reply, never the password.
      throw new ChannelError(
        code,
        `smtp${e.responseCode ? ` ${e.responseCode}` : ""}: ${e.message}`.slice(0, 300),
      );
    } finally {
      transport.close();
    }
  }
}
