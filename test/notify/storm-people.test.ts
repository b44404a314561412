import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/wait.js";
import { fleetStack } from "./fleet-stack.js";
import { Contacts, localSenders, recipientOf, ShiftList } from "./people-parts.js";
import { decodeMail, startHttpReceivers, startSmtpReceiver } from "./receivers.js";

let http: Awaited<ReturnType<typeof startHttpReceivers>>;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
const dir = mkdtempSync(join(tmpdir(), "hallwatch-storm-people-"));
beforeAll(async () => {
  http = await startHttpReceivers();
  smtp = await startSmtpReceiver();
});
afterAll(async () => {
  await http.close();
  await smtp.close();
  rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 5, 15, 18, 0, 0); // any instant: only differences matter
const WINDOW_MS = 30_000;
const HALLS = Array.from({ length: 200 }, (_, i) => `xc-${String(i + 1).padStart(3, "0")}`);

describe("storm grouping for people", () => {
  it("tells the maintenance lead on duty for 200 halls once, by the medium they chose, and once when they are back", {
    timeout: 120_000,
  }, async () => {
    // One maintenance lead is on duty for all 200 halls (a city's night shift) and wants SMS; the duty
    // managers' rosters are empty at night.
    const duty = new ShiftList(
      HALLS.map((hallId) => ({ hallId, role: "maintenance", username: "lead", fromMs: 0, toMs: 8.64e15 })),
    );
    const s = await fleetStack({
      dir,
      receiverBase: http.base,
      startMs: T0,
      groupWindowMs: WINDOW_MS,
      actions: ["opened", "resolved"],
      halls: HALLS.map((id) => ({ id, name: `西城 ${id}`, region: "西城区" })),
      people: {
        duty,
        contacts: new Contacts({ lead: { media: ["sms"] } }),
        senders: localSenders(smtp.port),
      },
    });
    const toLead = () => smtp.mails.filter((m) => recipientOf(m) === "lead:sms");
    try {
      HALLS.forEach((hallId, i) => {
        s.clock.ms = T0 + i * 50; // 200 halls in 10 s
        s.fleet.gatewayDown(hallId);
        s.alerts.tick();
      });
      // The notifier queues after the alert service's events (a microtask): let it, then wait for any send.
      await new Promise((r) => setImmediate(r));
      await s.dispatcher.deliverDue();
      // Within the window nothing goes out: no attempt logged (deliverDue waits for every send under way).
      const toLeadLogged = async () =>
        (await s.dispatcher.deliveries({})).items.filter((d) => d.channelId === "person:lead:sms");
      expect(await toLeadLogged()).toHaveLength(0);
      expect(toLead()).toHaveLength(0);

      // The notifier reads alert changes after the alert service's tick: its window opens by the last hall (+10 s).
      s.clock.ms = T0 + 10_000 + WINDOW_MS;
      await waitFor(
        async () => toLead().length >= 1 && (await s.store.pending()) === 0,
        "the lead's grouped notice",
        30_000,
      );
      expect(toLead()).toHaveLength(1);
      expect((await toLeadLogged()).map((d) => d.groupSize)).toEqual([200]);
      const opened = decodeMail(toLead()[0] ?? "");
      expect(`${opened.subject}\n${opened.body}`).toContain("西城区 200 个营业厅");

      const back = T0 + 2 * 60_000; // before critical alerts escalate (5 min)
      HALLS.forEach((hallId, i) => {
        s.clock.ms = back + i * 50;
        s.fleet.gatewayUp(hallId);
        s.alerts.tick();
      });
      await s.dispatcher.deliverDue(); // the notifier queues the resolutions at the clock of the last one
      s.clock.ms = back + 10_000 + WINDOW_MS;
      await waitFor(
        async () => toLead().length >= 2 && (await s.store.pending()) === 0,
        "the lead's grouped resolution",
        30_000,
      );
      expect(toLead()).toHaveLength(2);
      const resolved = decodeMail(toLead()[1] ?? "");
      expect(`${resolved.subject}\n${resolved.body}`).toContain("已恢复");
      expect(`${resolved.subject}\n${resolved.body}`).toContain("200 个营业厅");
    } finally {
      await s.close();
    }
  });
});
