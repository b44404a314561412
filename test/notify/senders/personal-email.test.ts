import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeMail, SMTP_PASSWORD, SMTP_USER, startSmtpReceiver } from "../receivers.js";
import { notice, personalSetup } from "./personal-setup.js";

let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
beforeAll(async () => {
  smtp = await startSmtpReceiver();
});
afterAll(async () => {
  await smtp.close();
});

describe("personal e-mail through the e-mail channel's SMTP server", () => {
  it("goes to the person's own address (not the channel's list), with the action link", async () => {
    const s = await personalSetup();
    await s.store.addChannel({
      name: "mail",
      config: {
        type: "email",
        host: "127.0.0.1",
        port: smtp.port,
        starttls: "off",
        user: SMTP_USER,
        password: SMTP_PASSWORD,
        from: "hallwatch@hall.example",
        to: ["group@hall.example"],
      },
    });
    await s.person("duty", { email: "duty.manager@hall.example", media: ["email"] });
    await (await s.sender("duty", "email"))!.send(notice);
    const raw = smtp.mails.at(-1)!;
    expect(raw).toMatch(/^To: duty\.manager@hall\.example\r?$/m);
    expect(raw).not.toContain("group@hall.example");
    const mail = decodeMail(raw);
    expect(mail.subject).toContain("充电桩温度过高");
    expect(mail.body).toContain("https://hall.example/a/tok123");
    expect(await s.sender("nobody", "email")).toBeNull();
  });
});
