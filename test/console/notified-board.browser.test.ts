import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/wait.js";
import { Contacts, localSenders, peopleParts, recipientOf, ShiftList } from "../notify/people-parts.js";
import { startSmtpReceiver } from "../notify/receivers.js";
import { ConsoleStack, PHONE } from "./console-stack.js";

const PASSWORD = "Lantern-Queue-Nine-7";

/**
 * Issue 14, part 3: "a notified person's board shows the alert". A regional manager whose own hall is another one
 * is told of the demo hall's alert by an escalation step; their board shows it next to their own hall's.
 */
describe("the board of a person told about another hall's alert", () => {
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let stack: ConsoleStack;
  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    stack = new ConsoleStack(
      // Immediate notices: the board is under test, not storm grouping.
      { notify: { groupWindowMs: 0 } },
      {
        people: peopleParts(
          new ShiftList([]),
          new Contacts({ regional: { media: ["email"] } }),
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

  it("shows the alert they were escalated to, though its hall is not theirs", async () => {
    expect((await stack.api("admin", "POST", "/api/halls", { id: "north", name: "North hall" })).status).toBe(
      200,
    );
    const user = await stack.api("admin", "POST", "/api/users", {
      username: "regional",
      displayName: "Regional manager",
      password: PASSWORD,
      roles: ["duty_manager"],
      halls: ["north"],
      language: "en",
    });
    expect(user.status).toBe(200);
    const chain = await stack.api("admin", "PUT", "/api/escalation-chains", {
      severity: "critical",
      hallId: "demo-hall",
      steps: [{ afterMin: 0, target: { user: "regional" } }],
    });
    expect(chain.status).toBe(200);

    stack.simulator.inject("demo-hall", "queue-1", "printer_jam"); // critical
    await waitFor(
      () => smtp.mails.some((m) => recipientOf(m) === "regional:email"),
      "the regional manager's notice",
      20_000,
    );

    const page = await stack.browser.newPage({ viewport: PHONE, locale: "en-GB" });
    await page.addInitScript(`localStorage.setItem("hallwatch.lang", "en")`);
    await page.goto(`${stack.at.httpUrl}/#/board`);
    await page.fill("input[name=username]", "regional");
    await page.fill("input[name=password]", PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForSelector("header");
    // The API lets them see it (docs/notifications.md, "Who was told may see the alert"); the board must show it.
    const listed = await page.evaluate(
      `fetch("/api/alerts?status=active").then((r) => r.json()).then((b) => b.items.map((a) => a.faultType))`,
    );
    expect(listed).toContain("printer_jam");
    const card = page.locator("[data-testid=board] article[data-fault=printer_jam]");
    await card.waitFor({ timeout: 10_000 });
    await expect(card.locator("h3").textContent()).resolves.toContain("jam");
    await stack.shot(page, "notified-board-phone-en");
    await page.close();
  }, 90_000);
});
