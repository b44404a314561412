import type { Birth } from "../../src/contract/index.js";

/** Agent a1's birth (session 1) listing a kiosk reporting every 10 s for each id. */
export function kioskBirth(ids: string[]): Birth {
  return {
    v: 1,
    session: 1,
    seq: 0,
    tsMs: 0,
    agent: { id: "a1", version: "1" },
    devices: ids.map((id) => ({ id, kind: "kiosk", model: "K", zone: "z", reportIntervalSec: 10 })),
  };
}
