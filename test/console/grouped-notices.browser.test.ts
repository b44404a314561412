import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../helpers/chromium.js";
import { requireInCi } from "../helpers/external-servers.js";
import { waitFor } from "../helpers/wait.js";
import { overheat } from "../notify/fixtures.js";
import { startHttpReceivers } from "../notify/receivers.js";
import { ConsoleStack, PHONE } from "./console-stack.js";

const available = requireInCi(CHROMIUM, "chromium");
const HALLS = ["xc-1", "xc-2", "xc-3"];

/**
 * Issue 14, "the console shows silences and groups": a storm grouped into one notice shows on the silences page,
 * for admins, with its size, its summary, the channel and whether it was sent.
 */
describe.skipIf(!available)("grouped notices in the console", () => {
  // A short group window: the test waits for it to close in real time.
  const stack = new ConsoleStack({ notify: { groupWindowMs: 1500 } });
  let http: Awaited<ReturnType<typeof startHttpReceivers>>;
  beforeAll(async () => {
    http = await startHttpReceivers();
    await stack.start();
  }, 60_000);
  afterAll(async () => {
    await stack.stop();
    await http?.close();
  });

  it("an admin sees one grouped notice for three halls' alerts: its size, region, channel and that it was sent", async () => {
    for (const id of HALLS)
      expect(
        (await stack.api("admin", "POST", "/api/halls", { id, name: id, region: "西城区" })).status,
      ).toBe(200);
    const channel = await stack.api<{ id: string }>("admin", "POST", "/api/notify/channels", {
      name: "Xicheng robot",
      config: { type: "wecom", url: `${http.base}/wecom?key=xicheng` },
    });
    expect(channel.status).toBe(200);
    const rule = await stack.api("admin", "POST", "/api/notify/rules", {
      name: "Xicheng security",
      roles: ["security"],
      channelIds: [channel.body.id],
    });
    expect(rule.status).toBe(200);
    // Three halls' chargers overheat within the window (the demo hall's own alerts never reach this rule's channel
    // alone: they would only make the group larger, so the check below looks for this group's region).
    for (const hallId of HALLS)
      stack.server.alerts.reconcileExternal(
        `${hallId}/device/charger-1/overheat`,
        overheat({ hallId, key: `${hallId}/device/charger-1/overheat`, agentId: `${hallId}-charger-1` }),
      );
    await waitFor(() => http.at("/wecom").length > 0, "the grouped notice at the robot", 15_000);
    expect(http.at("/wecom")).toHaveLength(1);

    const page = await stack.signIn("admin", { lang: "en", viewport: PHONE, hash: "#/silences" });
    const group = page.locator("[data-testid=grouped-notices] li", { hasText: "西城区" });
    await group.waitFor();
    const shown = (await group.textContent()) ?? "";
    expect(shown).toContain("3 alerts");
    expect(shown).toContain("Sent");
    expect(shown).toContain("Xicheng robot"); // the channel by its name
    expect(
      await page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
    ).toBe(true);
    await stack.shot(page, "grouped-notices-phone-en");

    // Duty managers manage silences but do not see the delivery log's groups.
    const duty = await stack.signIn("duty", { lang: "en", viewport: PHONE, hash: "#/silences" });
    await duty.locator("[data-testid=silence-form]").waitFor();
    await expect(duty.locator("[data-testid=grouped-notices]").count()).resolves.toBe(0);
  }, 120_000);
});
