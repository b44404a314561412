import { describe, expect, it } from "vitest";
import { renderMessage, withActionUrl } from "../../src/notify/message.js";
import { asChange, opened } from "./fixtures.js";

describe("a personal notice's action link", () => {
  it("is in the text (e-mail, Feishu text, webhook), the markdown (robots, WeCom, DingTalk) and the payload", () => {
    const url = "https://hw.example.org/#/act/abc.def";
    for (const lang of ["zh", "en"] as const) {
      const m = withActionUrl(renderMessage(asChange(opened("a1")), lang, null), url, lang);
      expect(m.actionUrl).toBe(url);
      expect(m.text).toContain(url);
      expect(m.markdown).toContain(`](${url})`);
      expect(m.payload.actionUrl).toBe(url);
    }
  });
});
