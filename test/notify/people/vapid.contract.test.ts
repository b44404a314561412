import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { ensureVapidKeys, hasSealedVapidKey } from "../../../src/notify/people/vapid.js";
import { SecretBox } from "../../../src/security/secret-key.js";
import { describeEachEngine } from "../../helpers/engines.js";

describeEachEngine("the VAPID key pair", (fresh, engine) => {
  it("is made once, its private key sealed at rest and opened with the same key only", async () => {
    const sql = await fresh();
    const box = new SecretBox(randomBytes(32));
    expect(await hasSealedVapidKey(sql)).toBe(false);
    const first = await ensureVapidKeys(sql, box, () => 1000);
    expect(Buffer.from(first.publicKey, "base64url")).toHaveLength(65);
    const rows = await sql.all<{ private_key: string; created_ms: number }>(
      "SELECT private_key, created_ms FROM vapid_keys",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.private_key).not.toContain(first.privateKey);
    expect(SecretBox.isSealed(rows[0]?.private_key ?? "")).toBe(true);
    expect(rows[0]?.created_ms).toBe(1000);
    expect(await hasSealedVapidKey(sql)).toBe(true);
    expect(await ensureVapidKeys(sql, box)).toEqual(first);
    await expect(ensureVapidKeys(sql, new SecretBox(randomBytes(32)))).rejects.toThrow();
    await expect(ensureVapidKeys(sql, null)).rejects.toThrow(/encrypted/);
  });

  it("keeps a key pair made without a secret key in plain, and reads it back", async () => {
    const sql = await fresh();
    const first = await ensureVapidKeys(sql, null);
    expect(await hasSealedVapidKey(sql)).toBe(false);
    expect(await ensureVapidKeys(sql, null)).toEqual(first);
  });

  it(`ends with one key pair when several nodes make it at once (${engine})`, async () => {
    const sql = await fresh();
    const box = new SecretBox(randomBytes(32));
    // Open several pooled connections first (PostgreSQL), so the calls below really overlap.
    await Promise.all([1, 2, 3, 4].map(() => sql.all("SELECT 1 AS warm")));
    const made = await Promise.all([1, 2, 3, 4].map(() => ensureVapidKeys(sql, box)));
    for (const keys of made) expect(keys).toEqual(made[0]);
    expect(await sql.all("SELECT id FROM vapid_keys")).toHaveLength(1);
  });
});
