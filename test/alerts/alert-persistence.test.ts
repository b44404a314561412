import { describe, expect, it } from "vitest";
import { AlertPersistence } from "../../src/alerts/alert-persistence.js";
import type { Alert } from "../../src/core/alerts/alert.js";
import { silentLogger } from "../../src/logging.js";
import type { AlertChangeRecord, AlertPort, ConditionRecord } from "../../src/store/alerts.js";

/** A store that records committed batches and refuses while `refuse` is set. */
class FakeStore {
  batches: { changes: string[]; conditions: string[] }[] = [];
  refuse: Error | null = null;
  /** Alert ids whose write is refused for a reason other than storage. */
  bad = new Set<string>();

  async saveBatch(changes: readonly AlertChangeRecord[], conditions: readonly ConditionRecord[]) {
    await Promise.resolve();
    if (this.refuse) throw this.refuse;
    if (changes.some((c) => this.bad.has(c.alert.id))) throw new Error("CHECK constraint failed");
    this.batches.push({
      changes: changes.map((c) => `${c.alert.id}:${c.alert.count}`),
      conditions: conditions.map((c) => `${c.hallId}/${c.deviceId}`),
    });
    return { refusedHalls: [] };
  }
}

const alert = (id: string, count = 1) => ({ id, count }) as Alert;
const coded = (code: string) => Object.assign(new Error(code), { code });

function persistence(store: FakeStore, clock: { ms: number }) {
  const storageErrors: unknown[] = [];
  const p = new AlertPersistence({
    store: store as unknown as AlertPort,
    logger: silentLogger(),
    now: () => clock.ms,
    onStorageError: (err) => storageErrors.push(err),
    retry: { initialDelayMs: 1_000, maxDelayMs: 1_000 },
    maxBatch: 2,
  });
  return { p, storageErrors };
}

describe("alert persistence", () => {
  it("writes what waits in batches, in order, one transaction each", async () => {
    const store = new FakeStore();
    const { p } = persistence(store, { ms: 0 });
    p.saveAlert(alert("a"), null);
    p.saveAlert(alert("b"), null);
    p.saveAlert(alert("a", 2), null);
    p.saveConditions("h1", "d1", {});
    await p.flush();
    expect(p.pending).toBe(0);
    expect(store.batches.flatMap((b) => b.changes)).toEqual(["a:1", "b:1", "a:2"]);
    expect(store.batches.flatMap((b) => b.conditions)).toEqual(["h1/d1"]);
    expect(store.batches.every((b) => b.changes.length + b.conditions.length <= 2)).toBe(true);
  });

  it("keeps every write while the store refuses (full disk, PostgreSQL gone) and retries after the backoff", async () => {
    const store = new FakeStore();
    const clock = { ms: 0 };
    const { p, storageErrors } = persistence(store, clock);
    store.refuse = coded("SQLITE_FULL");
    p.saveAlert(alert("a"), null);
    p.saveConditions("h1", "d1", {});
    await p.flush();
    expect(p.pending).toBe(2);
    expect(p.pendingAlert("a")).toMatchObject({ id: "a" });
    store.refuse = coded("ECONNREFUSED");
    clock.ms = 1_000;
    await p.flush();
    store.refuse = coded("57P01"); // PostgreSQL shutting down
    clock.ms = 2_000;
    p.saveAlert(alert("b"), null);
    await p.flush();
    expect(storageErrors).toHaveLength(3);
    expect(p.pending).toBe(3);
    store.refuse = null;
    await p.flush(); // within the backoff: not tried
    expect(store.batches).toHaveLength(0);
    clock.ms = 3_000;
    await p.flush();
    expect(p.pending).toBe(0);
    expect(store.batches.flatMap((b) => b.changes)).toEqual(["a:1", "b:1"]);
    expect(p.pendingAlert("a")).toBeNull();
  });

  it("drops only the write refused for another reason, after retrying its batch one write at a time", async () => {
    const store = new FakeStore();
    const { p, storageErrors } = persistence(store, { ms: 0 });
    store.bad.add("bad");
    p.saveAlert(alert("a"), null);
    p.saveAlert(alert("bad"), null);
    p.saveAlert(alert("c"), null);
    await p.flush();
    expect(p.pending).toBe(0);
    expect(store.batches.flatMap((b) => b.changes)).toEqual(["a:1", "c:1"]);
    expect(storageErrors).toHaveLength(0);
  });

  it("keeps a condition state that changed while its older state was being written", async () => {
    const store = new FakeStore();
    const { p } = persistence(store, { ms: 0 });
    p.saveConditions("h1", "d1", { x: { active: false, pendingSinceMs: 1, lastObserved: 1 } });
    const first = p.flush();
    p.saveConditions("h1", "d1", { x: { active: true, pendingSinceMs: null, lastObserved: 2 } });
    await first;
    await p.flush();
    expect(p.pending).toBe(0);
    expect(store.batches.flatMap((b) => b.conditions)).toEqual(["h1/d1", "h1/d1"]);
  });

  it("writes a change saved in the same step as a flush that found nothing to write", async () => {
    const store = new FakeStore();
    const { p } = persistence(store, { ms: 0 });
    const idle = p.flush(); // the tick's flush, with nothing waiting
    p.saveAlert(alert("a"), null); // raised by the same tick
    await idle;
    expect(p.pending).toBe(0);
    expect(store.batches.flatMap((b) => b.changes)).toEqual(["a:1"]);
  });
});
