// Every node of one database must hold the same secret key: it seals channel secrets and signs action links,
// calendar feeds and known-device cookies, so a node with another key would refuse what its peers signed. A node
// whose key differs from the one the database was first used with stops at start with a clear error, even when
// nothing is sealed yet; one without any key does not make up a new one. Run on both engines (two nodes on one
// PostgreSQL, or two starts on one SQLite file).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openSecrets } from "../../src/app/secrets-at-rest.js";
import { parseConfig } from "../../src/config/config.js";
import { SecretKeyError } from "../../src/security/secret-key.js";
import { describeEachEngine } from "../helpers/engines.js";

const KEY_A = Buffer.alloc(32, 7).toString("base64");
const KEY_B = Buffer.alloc(32, 9).toString("base64");
const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const nodeConfig = (secretKey: string | null) => {
  const dataDir = mkdtempSync(join(tmpdir(), "hallwatch-node-key-"));
  roots.push(dataDir);
  return parseConfig({ dataDir, secretKey, demo: { enabled: false } });
};

describeEachEngine("one secret key for every node of a database", (fresh) => {
  it("refuses a node whose key differs, or that has none, before anything is sealed; the same key starts", async () => {
    const sql = await fresh();
    const first = await openSecrets(nodeConfig(KEY_A), sql);
    expect(await first.notifyStore.channels()).toEqual([]); // nothing sealed: before, any key was taken

    const other = openSecrets(nodeConfig(KEY_B), sql);
    await expect(other).rejects.toBeInstanceOf(SecretKeyError);
    await expect(other).rejects.toThrow(/differs from the key this database is used with/);

    const keyless = nodeConfig(null);
    await expect(openSecrets(keyless, sql)).rejects.toThrow(/secret\.key is missing.*HALLWATCH_SECRET_KEY/);
    expect(existsSync(join(keyless.dataDir, "secret.key"))).toBe(false);

    const second = await openSecrets(nodeConfig(KEY_A), sql);
    expect(second.actionLinkKey.equals(first.actionLinkKey)).toBe(true);
  });

  it("a first node without a key makes one, and records it for the next", async () => {
    const sql = await fresh();
    const config = nodeConfig(null);
    await openSecrets(config, sql);
    expect(existsSync(join(config.dataDir, "secret.key"))).toBe(true);
    await openSecrets(config, sql); // the same node again, its key file kept
    await expect(openSecrets(nodeConfig(KEY_B), sql)).rejects.toBeInstanceOf(SecretKeyError);
  });
});
