import { existsSync } from "node:fs";
import { join } from "node:path";
import { DeviceCookies } from "../auth/device-cookie.js";
import { clusterForwardingKey } from "../cluster/node-signature.js";
import type { HallwatchConfig } from "../config/config.js";
import { hasSealedVapidKey } from "../notify/people/vapid.js";
import { NotifyStore } from "../notify/store.js";
import { deriveKey, loadSecretKey, SecretBox, SecretKeyError } from "../security/secret-key.js";
import type { SqlEngine } from "../store/sql/engine.js";
import { claimKeyFingerprint, keyFingerprint, recordedKeyFingerprint } from "./key-check.js";

/**
 * The key kept outside the database (HALLWATCH_SECRET_KEY, or the key file, `<dataDir>/secret.key` by
 * default) and what it protects: channel settings sealed at rest (plain ones left by older versions are
 * sealed now), the signature of known-device cookies and of action links. A wrong or missing key stops the start with a
 * SecretKeyError that says what to do, before anything is changed.
 */
export async function openSecrets(
  config: HallwatchConfig,
  sql: SqlEngine,
): Promise<{
  notifyStore: NotifyStore;
  deviceCookies: DeviceCookies;
  box: SecretBox;
  calendarFeedKey: Buffer;
  actionLinkKey: Buffer;
  clusterForwardingKey: Buffer;
}> {
  const keyFile = config.secretKeyFile ?? join(config.dataDir, "secret.key");
  // Read before the key is loaded: a new key may be made only while the database knows no key at all.
  const recorded = await recordedKeyFingerprint(sql);
  if (recorded !== null && config.secretKey === null && !existsSync(keyFile))
    throw new SecretKeyError(
      `the secret key file ${keyFile} is missing (and HALLWATCH_SECRET_KEY is unset), but this database is used ` +
        "with a key: copy it from another node of this database or from your backup",
    );
  const nothingSealed =
    recorded === null && !(await NotifyStore.hasSealedChannels(sql)) && !(await hasSealedVapidKey(sql));
  const master = loadSecretKey({ key: config.secretKey, file: keyFile }, () => nothingSealed);
  const fingerprint = keyFingerprint(master);
  if ((await claimKeyFingerprint(sql, fingerprint, Date.now())) !== fingerprint)
    throw new SecretKeyError(
      `this node's secret key (${config.secretKey !== null ? "HALLWATCH_SECRET_KEY" : keyFile}) differs from the ` +
        "key this database is used with (wrong key?): every node of one database needs the same key (docs/scale-out.md)",
    );
  const box = new SecretBox(master);
  const notifyStore = new NotifyStore(sql, box);
  await notifyStore.sealPlainChannels();
  return {
    notifyStore,
    deviceCookies: new DeviceCookies(deriveKey(master, "device cookies")),
    calendarFeedKey: deriveKey(master, "calendar feeds"),
    box,
    // Signs the one-tap action links of personal notices (issue 14).
    actionLinkKey: deriveKey(master, "action links"),
    // Signs the alert actions one node forwards to a hall's owner (docs/scale-out.md, "Alerts across nodes").
    clusterForwardingKey: clusterForwardingKey(master),
  };
}
