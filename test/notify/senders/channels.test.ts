import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChannelConfig } from "../../../src/notify/channels.js";
import { renderMessage } from "../../../src/notify/message.js";
import { ChannelError, createChannel } from "../../../src/notify/senders/index.js";
import { asChange, opened } from "../fixtures.js";
import {
  DING_SECRET,
  decodeMail,
  FEISHU_SECRET,
  SMTP_PASSWORD,
  SMTP_USER,
  startHttpReceivers,
  startSmtpReceiver,
  WEBHOOK_SECRET,
} from "../receivers.js";

let http: Awaited<ReturnType<typeof startHttpReceivers>>;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
beforeAll(async () => {
  http = await startHttpReceivers();
  smtp = await startSmtpReceiver();
});
afterAll(async () => {
  await http.close();
  await smtp.close();
});

const zh = renderMessage(asChange(opened("a-1")), "zh", null);
const en = renderMessage(asChange(opened("a-1")), "en", null);
const channel = (config: ChannelConfig, timeoutMs = 2000) =>
  createChannel(config, { timeoutMs, now: Date.now });
const failure = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChannelError);
  return err as ChannelError;
};

describe("channels against real local receivers", () => {
  it("webhook: signed JSON the receiver verifies; a wrong secret is refused (401) and is a failure", async () => {
    const receipt = await channel({
      type: "webhook",
      url: `${http.base}/webhook`,
      secret: WEBHOOK_SECRET,
    }).send({
      ...zh,
      key: "a-1:opened:1000:c",
    });
    expect(receipt.httpStatus).toBe(200);
    const got = http.at("/webhook").at(-1)!;
    expect(got.body).toMatchObject({ title: zh.title, action: "opened", alert: { id: "a-1" } });
    expect(got.headers["x-hallwatch-delivery"]).toBe("a-1:opened:1000:c");
    const err = await failure(
      channel({ type: "webhook", url: `${http.base}/webhook`, secret: "not-the-receivers-secret" }).send(zh),
    );
    expect(err.code).toBe("http_status");
    expect(err.httpStatus).toBe(401);
  });

  it("wecom: a markdown message; errcode ≠ 0 in an HTTP 200 answer is a failure", async () => {
    await channel({ type: "wecom", url: `${http.base}/wecom?key=abc` }).send(zh);
    const got = http.at("/wecom").at(-1)!;
    expect(got.body.msgtype).toBe("markdown");
    expect(got.body.markdown.content).toContain("充电桩温度过高");
    const err = await failure(channel({ type: "wecom", url: `${http.base}/wecom?key=revoked` }).send(zh));
    expect(err.code).toBe("robot_error");
    expect(err.httpStatus).toBe(200);
    expect(err.message).toContain("93000");
  });

  it("dingtalk: signed in the query (checked by the receiver), markdown with title and text; a wrong secret fails", async () => {
    await channel({
      type: "dingtalk",
      url: `${http.base}/dingtalk?access_token=t0k`,
      secret: DING_SECRET,
    }).send(zh);
    const got = http.at("/dingtalk").at(-1)!;
    expect(new URL(got.url, "http://x").searchParams.get("access_token")).toBe("t0k");
    expect(got.body.markdown.title).toContain("严重");
    const err = await failure(
      channel({ type: "dingtalk", url: `${http.base}/dingtalk?access_token=t0k`, secret: "SECwrong" }).send(
        zh,
      ),
    );
    expect(err.code).toBe("robot_error");
    expect(err.message).toContain("310000");
  });

  it("dingtalk: a keyword is added when the robot filters by keyword", async () => {
    await channel({
      type: "dingtalk",
      url: `${http.base}/dingtalk`,
      secret: DING_SECRET,
      keyword: "监控",
    }).send(zh);
    expect(http.at("/dingtalk").at(-1)!.body.markdown.text.startsWith("监控\n")).toBe(true);
  });

  it("feishu: signed text and interactive card messages; a wrong secret fails", async () => {
    await channel({
      type: "feishu",
      url: `${http.base}/feishu`,
      secret: FEISHU_SECRET,
      msgType: "text",
    }).send(en);
    expect(http.at("/feishu").at(-1)!.body.content.text).toContain("Charger over temperature");
    await channel({
      type: "feishu",
      url: `${http.base}/feishu`,
      secret: FEISHU_SECRET,
      msgType: "interactive",
    }).send(zh);
    const card = http.at("/feishu").at(-1)!.body.card;
    expect(card.header.template).toBe("red");
    expect(card.elements[0].text.content).toContain("充电桩温度过高");
    const err = await failure(
      channel({ type: "feishu", url: `${http.base}/feishu`, secret: "wrong", msgType: "text" }).send(en),
    );
    expect(err.code).toBe("robot_error");
    expect(err.message).toContain("19021");
  });

  it("e-mail: through a real SMTP server with auth; subject and body in Chinese", async () => {
    const config = {
      type: "email" as const,
      host: "127.0.0.1",
      port: smtp.port,
      secure: false,
      starttls: "opportunistic" as const,
      user: SMTP_USER,
      password: SMTP_PASSWORD,
      from: "hallwatch@example.org",
      to: ["duty@example.org", "guard@example.org"],
    };
    await channel(config).send(zh);
    const mail = decodeMail(smtp.mails.at(-1)!);
    expect(mail.subject).toBe(zh.title);
    expect(mail.body).toContain("故障: 充电桩温度过高，有火灾风险 (overheat)");
    expect(mail.body).toContain("数值: 61");
    const err = await failure(channel({ ...config, password: "wrong" }).send(zh));
    expect(err.code).toBe("smtp");
    expect(err.message).not.toContain("wrong");
  });

  it("times out a receiver that never answers, and names no URL in errors", async () => {
    const err = await failure(
      channel({ type: "wecom", url: `${http.base}/slow?key=SECRETKEY` }, 200).send(zh),
    );
    expect(err.code).toBe("timeout");
    const refused = await failure(
      channel({ type: "wecom", url: "http://127.0.0.1:1/?key=SECRETKEY" }).send(zh),
    );
    expect(refused.code).toBe("network");
    expect(`${err.message} ${refused.message}`).not.toContain("SECRETKEY");
  });
});
