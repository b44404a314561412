import { expect, it } from "vitest";
import { ActionLinks } from "../../../src/notify/people/action-links.js";
import { LinkPolicy } from "../../../src/notify/people/link-policy.js";
import type { SqlEngine } from "../../../src/store/sql/engine.js";
import { describeEachEngine } from "../../helpers/engines.js";
import { secondNode } from "../../helpers/second-node.js";

const KEY = Buffer.alloc(32, 7);
const T0 = Date.UTC(2026, 2, 10, 1, 0, 0);

const addUser = (sql: SqlEngine, username: string) =>
  sql.run(
    `INSERT INTO users (username, display_name, password_hash, roles_json, halls_json, created_ms, password_changed_ms)
     VALUES (?, ?, 'x', '["duty_manager"]', '["*"]', ?, ?)`,
    [username, username, T0, T0],
  );

describeEachEngine("ActionLinks", (fresh) => {
  it("verifies a link it signed until it expires; a tampered one is invalid", async () => {
    const links = new ActionLinks(KEY, await fresh(), 60_000);
    const token = links.issue("a1", "li", T0);
    const verified = await links.verify(token, T0 + 59_999);
    expect(verified).toMatchObject({
      ok: true,
      claims: { alertId: "a1", username: "li", expiresMs: T0 + 60_000 },
    });
    expect(await links.verify(token, T0 + 60_000)).toEqual({ ok: false, reason: "link_expired" });
    expect(await links.verify(`${token}x`, T0)).toEqual({ ok: false, reason: "link_invalid" });
    expect(await links.verify("garbage", T0)).toEqual({ ok: false, reason: "link_invalid" });
    const other = new ActionLinks(Buffer.alloc(32, 8), await fresh(), 60_000);
    expect(await other.verify(token, T0)).toEqual({ ok: false, reason: "link_invalid" });
  });

  it("is single use: consumed once, then refused as used", async () => {
    const links = new ActionLinks(KEY, await fresh(), 60_000);
    const token = links.issue("a1", "li", T0);
    const verified = await links.verify(token, T0);
    if (!verified.ok) throw new Error("not verified");
    expect(await links.consume(verified.claims, T0 + 1)).toBe(true);
    expect(await links.consume(verified.claims, T0 + 2)).toBe(false);
    expect(await links.verify(token, T0 + 3)).toEqual({ ok: false, reason: "link_used" });
    const second = await links.verify(links.issue("a1", "li", T0), T0);
    expect(second.ok).toBe(true);
  });

  it("lets exactly one of two nodes redeeming a link at the same moment act (they share the nonce table)", async () => {
    const sql = await fresh();
    const other = secondNode(sql);
    try {
      const nodeA = new ActionLinks(KEY, sql, 60_000);
      const nodeB = new ActionLinks(KEY, other.engine, 60_000);
      for (let round = 0; round < 20; round += 1) {
        const token = nodeA.issue(`a${round}`, "li", T0);
        const [seenA, seenB] = await Promise.all([nodeA.verify(token, T0), nodeB.verify(token, T0)]);
        if (!seenA.ok || !seenB.ok) throw new Error("not verified");
        const used = await Promise.all([
          nodeA.consume(seenA.claims, T0 + 1),
          nodeB.consume(seenB.claims, T0 + 1),
        ]);
        expect(used.filter(Boolean)).toHaveLength(1);
      }
    } finally {
      await other.close();
    }
  });

  it("gives a released nonce back: the link works again", async () => {
    const links = new ActionLinks(KEY, await fresh(), 60_000);
    const token = links.issue("a1", "li", T0);
    const verified = await links.verify(token, T0);
    if (!verified.ok) throw new Error("not verified");
    expect(await links.consume(verified.claims, T0)).toBe(true);
    await links.release(verified.claims);
    expect((await links.verify(token, T0)).ok).toBe(true);
    expect(await links.consume(verified.claims, T0)).toBe(true);
  });
});

describeEachEngine("LinkPolicy", (fresh) => {
  it("uses the server's default until a user has their own policy; refuses a missing user", async () => {
    const sql = await fresh();
    await addUser(sql, "li");
    const policy = new LinkPolicy(sql, true);
    expect(await policy.needsSignIn("li")).toBe(true);
    expect(await policy.own("li")).toBeNull();
    expect(await policy.set("li", false)).toBe(true);
    expect(await policy.needsSignIn("li")).toBe(false);
    expect(await policy.own("li")).toBe(false);
    expect(await new LinkPolicy(sql, false).needsSignIn("li")).toBe(false);
    expect(await policy.set("li", true)).toBe(true);
    expect(await new LinkPolicy(sql, false).needsSignIn("li")).toBe(true);
    expect(await policy.set("li", null)).toBe(true);
    expect(await policy.own("li")).toBeNull();
    expect(await new LinkPolicy(sql, false).needsSignIn("li")).toBe(false);
    expect(await policy.set("ghost", true)).toBe(false);
    expect(await policy.needsSignIn("ghost")).toBe(true);
    expect(await policy.own("ghost")).toBeNull();
  });
});
