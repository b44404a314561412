import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logging.js";
import { NotificationDispatcher } from "../../src/notify/dispatcher.js";
import type { NotificationMessage } from "../../src/notify/message.js";
import { ReportScheduleStore } from "../../src/reports/schedule-store.js";
import { openDatabase } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { waitFor } from "../helpers/wait.js";
import { SMTP_PASSWORD, SMTP_USER, startHttpReceivers, startSmtpReceiver } from "../notify/receivers.js";
import { mailAttachments } from "./mime.js";

let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let http: Awaited<ReturnType<typeof startHttpReceivers>>;
const dir = mkdtempSync(join(tmpdir(), "hallwatch-report-delivery-"));
beforeAll(async () => {
  smtp = await startSmtpReceiver();
  http = await startHttpReceivers();
});
afterAll(async () => {
  await smtp.close();
  await http.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("report messages through the outbox: attachments by e-mail, the summary to robots", () => {
  it("loads a stored attachment at send time, inlines small ones, and robots get text only", async () => {
    const db = openDatabase(join(dir, "a.db"));
    const files = new ReportScheduleStore(new SqliteEngine(db));
    const dispatcher = new NotificationDispatcher({
      sql: new SqliteEngine(db),
      subscribe: () => () => {},
      logger: silentLogger(),
      pollIntervalMs: 10,
      loadAttachment: (ref) => files.loadFile(ref),
    });
    dispatcher.start();
    try {
      const mail = await dispatcher.store.addChannel({
        name: "hq",
        language: "zh",
        config: {
          type: "email",
          host: "127.0.0.1",
          port: smtp.port,
          user: SMTP_USER,
          password: SMTP_PASSWORD,
          from: "hw@example.org",
          to: ["hq-delivery@example.org"],
        },
      });
      const robot = await dispatcher.store.addChannel({
        name: "group",
        language: "zh",
        config: { type: "wecom", url: `${http.base}/wecom` },
      });
      const big = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(200_000, 0x41)]);
      const message: NotificationMessage = {
        title: "[月报] 测试厅 · 2026-11",
        markdown: "**[月报] 测试厅 · 2026-11**\n> 可用率: 99.00 %",
        text: "[月报] 测试厅 · 2026-11\n\n可用率: 99.00 %",
        payload: {},
        attachments: [
          {
            filename: "r.csv",
            contentType: "text/csv",
            contentBase64: Buffer.from("a,b\n").toString("base64"),
          },
          { filename: "r.pdf", contentType: "application/pdf", ref: await files.saveFile(big, 0) },
          { filename: "gone.pdf", contentType: "application/pdf", ref: "report-file:missing" },
        ],
      };
      const queued = await dispatcher.enqueueMessages([
        { key: "k-mail", target: mail.id, action: "report_month", message },
        { key: "k-robot", target: robot.id, action: "report_month", message },
      ]);
      expect(queued).toEqual(["k-mail", "k-robot"]);
      // The outbox rows keep the reference, not the 200 kB file (checked before any timer can deliver them).
      const stored = db.prepare("SELECT MAX(LENGTH(message_json)) AS n FROM notify_outbox").get() as {
        n: number;
      };
      expect(stored.n).toBeGreaterThan(100);
      expect(stored.n).toBeLessThan(10_000);
      // A key is queued once.
      expect(
        await dispatcher.enqueueMessages([
          { key: "k-mail", target: mail.id, action: "report_month", message },
        ]),
      ).toEqual([]);
      await dispatcher.deliverDue();
      await waitFor(
        () => smtp.mails.some((m) => m.includes("hq-delivery@example.org")) && http.at("/wecom").length === 1,
        "mail and robot",
        10_000,
      );
      const raw = smtp.mails.find((m) => m.includes("hq-delivery@example.org")) as string;
      const attached = mailAttachments(raw);
      expect([...attached.keys()].sort()).toEqual(["r.csv", "r.pdf"]);
      expect(attached.get("r.pdf")?.content.equals(big)).toBe(true);
      expect(attached.get("r.csv")?.content.toString()).toBe("a,b\n");
      expect(http.at("/wecom")[0]?.body.markdown.content).toContain("可用率");
    } finally {
      await dispatcher.stop();
    }
  });
});
