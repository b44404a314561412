import nodemailer from "nodemailer";
import type { ChannelConfig } from "../channels.js";
import type { NotificationMessage } from "../message.js";
import { DeliveryError } from "./http.js";

/** E-mail through an SMTP server (STARTTLS when offered, TLS with `secure`). */
export async function sendEmail(
  config: Extract<ChannelConfig, { type: "email" }>,
  message: NotificationMessage,
): Promise<void> {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    ...(config.user ? { auth: { user: config.user, pass: config.password ?? "" } } : {}),
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 10_000,
  });
  try {
    await transport.sendMail({
      from: config.from,
      to: config.to.join(", "),
      subject: message.title,
      text: message.text,
    });
  } catch (err) {
    throw new DeliveryError(`smtp: ${(err as Error).message}`);
  } finally {
    transport.close();
  }
}
