import { expect, it } from "vitest";
import { silentLogger } from "../../../src/logging.js";
import type { OutboxPort } from "../../../src/notify/outbox.js";
import { ChainStore, chainSchema } from "../../../src/notify/people/chains.js";
import { PersonalNotifier } from "../../../src/notify/people/personal-notifier.js";
import { NotifyStore } from "../../../src/notify/store.js";
import { describeEachEngine } from "../../helpers/engines.js";
import { asChange, opened } from "../fixtures.js";
import { Contacts, ShiftList } from "../people-parts.js";

const T0 = Date.UTC(2026, 11, 1, 18, 0);

describeEachEngine("an escalation step's notices and its chain progress", (fresh) => {
  it("commit together: when queueing a notice fails the step is not marked done, and the next tick runs it", async () => {
    const sql = await fresh();
    const outbox = new NotifyStore(sql).outbox;
    let failNext = true;
    // The real outbox, except that the first write fails after the transaction has begun.
    const failing = new Proxy(outbox, {
      get: (target, key) =>
        key === "enqueue"
          ? (...args: Parameters<OutboxPort["enqueue"]>) => {
              if (failNext) {
                failNext = false;
                return Promise.reject(new Error("outbox write failed"));
              }
              return target.enqueue(...args);
            }
          : Reflect.get(target, key, target),
    }) as OutboxPort;
    const chains = new ChainStore(sql);
    await chains.put(
      chainSchema.parse({
        severity: "critical",
        steps: [{ afterMin: 0, target: { onDuty: "duty_manager" }, via: ["email"] }],
      }),
      T0,
    );
    const raised = opened("a-1", {}, T0);
    const notices: string[] = [];
    const notifier = new PersonalNotifier({
      sql,
      chains,
      outbox: failing,
      subscribe: () => () => {},
      alerts: {
        get: (id) => (id === "a-1" ? { alert: raised.alert } : null),
        recordNotice: (_id, username) => notices.push(username),
      },
      duty: new ShiftList([
        { hallId: "h", role: "duty_manager", username: "dm", fromMs: T0 - 3_600_000, toMs: T0 + 3_600_000 },
      ]),
      contacts: new Contacts({ dm: { media: ["email"] } }),
      languageOf: () => "zh",
      linkBaseUrl: null,
      logger: silentLogger(),
      tickIntervalMs: 3_600_000,
      now: () => T0,
    });
    notifier.start();
    await notifier.idle();
    await expect(notifier.onChange(asChange(raised), T0)).rejects.toThrow("outbox write failed");
    expect((await chains.running()).map((p) => p.stepsDone)).toEqual([0]);
    expect(notices).toEqual([]);
    await notifier.tick();
    expect((await chains.running()).map((p) => p.stepsDone)).toEqual([1]);
    expect(notices).toEqual(["dm"]);
    expect(await outbox.notifiedChannels("a-1")).toEqual(["person:dm:email"]);
    expect(await sql.get("SELECT count(*) AS n FROM notify_outbox")).toEqual({ n: 1 });
    await notifier.stop();
  });
});
