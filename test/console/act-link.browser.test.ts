import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/free-port.js";
import { waitFor } from "../helpers/wait.js";
import { Contacts, localSenders, peopleParts, recipientOf, ShiftList } from "../notify/people-parts.js";
import { decodeMail, startSmtpReceiver } from "../notify/receivers.js";
import { ConsoleStack, SMALL_PHONE } from "./console-stack.js";

/** A notice's signed link on the duty manager's phone: one tap to acknowledge; a second use is refused. */
describe("the one-tap page of an action link, on a phone", () => {
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let stack: ConsoleStack;
  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    const port = await freePort();
    stack = new ConsoleStack(
      // The link is under test, not storm grouping (its own test): the notice goes out without the 30 s window.
      { http: { port }, publicUrl: `http://127.0.0.1:${port}`, notify: { groupWindowMs: 0 } },
      {
        people: peopleParts(
          new ShiftList([
            { hallId: "demo-hall", role: "duty_manager", username: "duty", fromMs: 0, toMs: 8.64e15 },
          ]),
          new Contacts({ duty: { media: ["push"] } }),
          localSenders(smtp.port),
        ),
      },
    );
    await stack.start();
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await smtp?.close();
  });

  it("opens the link without signing in, acknowledges with one tap, and refuses the used link in the reader's language", async () => {
    stack.simulator.inject("demo-hall", "queue-1", "printer_jam"); // critical, for the duty manager
    const mail = await waitFor(
      () =>
        smtp.mails.find((m) => recipientOf(m) === "duty:push" && decodeMail(m).subject.includes("queue-1")),
      "the duty manager's notice",
      20_000,
    );
    const link = /http:\/\/127\.0\.0\.1:\d+\/#\/act\/[A-Za-z0-9_.-]+/.exec(decodeMail(mail).body)?.[0];
    if (!link) throw new Error("no action link in the notice");

    const phone = await stack.browser.newPage({ viewport: SMALL_PHONE, locale: "zh-CN" });
    await phone.addInitScript(`localStorage.setItem("hallwatch.lang", "zh")`);
    await phone.goto(link);
    const ack = phone.getByRole("button", { name: "确认告警（我来处理）" });
    await ack.waitFor();
    await expect(phone.locator(".act-alert h2").textContent()).resolves.toBe("取号机卡纸，无法取号");
    // Phone first: nothing wider than the screen, and the button is a real tap target.
    expect(await phone.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(
      SMALL_PHONE.width,
    );
    expect((await ack.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
    await stack.shot(phone, "act-link-phone");
    await ack.click();
    await expect(phone.locator("[data-testid=act-done]").textContent()).resolves.toContain("已确认");
    await stack.shot(phone, "act-link-done");

    const alerts = await stack.api<{
      items: { id: string; deviceId: string; status: string; acknowledged: { by: string } }[];
    }>("admin", "GET", "/api/alerts?deviceId=queue-1&status=active");
    expect(alerts.body.items[0]).toMatchObject({ status: "acknowledged", acknowledged: { by: "duty" } });

    const again = await stack.browser.newPage({ viewport: SMALL_PHONE, locale: "zh-CN" });
    await again.addInitScript(`localStorage.setItem("hallwatch.lang", "zh")`);
    await again.goto(link);
    await expect(again.locator("[data-testid=act-refused]").textContent()).resolves.toBe(
      "此处理链接已使用过，每个链接只能使用一次",
    );
    await stack.shot(again, "act-link-used");

    // The alert's timeline says who was told, how, and when it was delivered, in the reader's words.
    const id = alerts.body.items[0]?.id ?? "";
    const admin = await stack.signIn("admin", { viewport: SMALL_PHONE, hash: `#/alerts/${id}` });
    const notified = admin.locator("[data-testid=timeline] li[data-action=notified]").first();
    await expect(notified.textContent()).resolves.toMatch(/已通知.*浏览器推送/);
    const delivered = admin.locator("[data-testid=timeline] li[data-action=delivered]").first();
    await expect(delivered.textContent()).resolves.toMatch(/已送达.*浏览器推送/);
    await stack.shot(admin, "act-link-timeline");
    await admin.close();
    await phone.close();
    await again.close();
  }, 90_000);
});
