import { join } from "node:path";
import { DeviceCookies } from "../auth/device-cookie.js";
import type { HallwatchConfig } from "../config/config.js";
import { hasSealedVapidKey } from "../notify/people/vapid.js";
import { NotifyStore } from "../notify/store.js";
import { deriveKey, loadSecretKey, SecretBox } from "../security/secret-key.js";
import type { SqlEngine } from "../store/sql/engine.js";

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
}> {
  // Read before the key is loaded: a new key may be made only while nothing is sealed under an old one.
  const nothingSealed = !(await NotifyStore.hasSealedChannels(sql)) && !(await hasSealedVapidKey(sql));
  const master = loadSecretKey(
    { key: config.secretKey, file: config.secretKeyFile ?? join(config.dataDir, "secret.key") },
    () => nothingSealed,
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
  };
}
