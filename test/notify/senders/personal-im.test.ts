import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DING_APP_KEY, DING_APP_SECRET, startDingtalkNotice } from "../receivers-personal/dingtalk-notice.js";
import { startWecomApp, WECOM_CORP_ID, WECOM_SECRET } from "../receivers-personal/wecom-app.js";
import { failure, notice, personalSetup } from "./personal-setup.js";

let wecom: Awaited<ReturnType<typeof startWecomApp>>;
let ding: Awaited<ReturnType<typeof startDingtalkNotice>>;
beforeAll(async () => {
  wecom = await startWecomApp();
  ding = await startDingtalkNotice();
});
afterAll(async () => {
  await wecom.close();
  await ding.close();
});

const wecomApp = (corpSecret = WECOM_SECRET) => ({
  name: "wecom app",
  config: { type: "wecom_app", corpId: WECOM_CORP_ID, corpSecret, agentId: 1000002, apiBaseUrl: wecom.base },
});
const dingNotice = (appSecret = DING_APP_SECRET) => ({
  name: "ding notice",
  config: {
    type: "dingtalk_notice",
    appKey: DING_APP_KEY,
    appSecret,
    agentId: 2000003,
    apiBaseUrl: ding.base,
  },
});

describe("WeCom application messages and DingTalk work notices to a person", () => {
  it("WeCom: gettoken with corpid/corpsecret, message/send with the token to the user id and agent, a card with the action link", async () => {
    const s = await personalSetup();
    await s.store.addChannel(wecomApp());
    await s.person("duty", { wecomUserId: "ZhangSan", media: ["wecom"] });
    const issued = wecom.state.tokensIssued;
    await (await s.sender("duty", "wecom"))!.send(notice);
    await (await s.sender("duty", "wecom"))!.send(notice);
    expect(wecom.state.tokensIssued).toBe(issued + 1); // the token is cached between sends
    const got = wecom.sent.at(-1)!;
    expect(got.body).toMatchObject({ touser: "ZhangSan", agentid: 1000002, msgtype: "textcard" });
    expect(got.body.textcard.url).toBe("https://hall.example/a/tok123");
    expect(got.body.textcard.description).toContain("充电桩温度过高");
  });

  it("WeCom: an expired token is fetched again — on the clock (expires_in) and when the server says 42001", async () => {
    const s = await personalSetup();
    await s.store.addChannel(wecomApp());
    await s.person("duty", { wecomUserId: "ZhangSan", media: ["wecom"] });
    await (await s.sender("duty", "wecom"))!.send(notice);
    const first = wecom.sent.at(-1)!.token;
    s.clock.ms += 7200_000; // past expires_in: fetched anew before sending
    await (await s.sender("duty", "wecom"))!.send(notice);
    const second = wecom.sent.at(-1)!.token;
    expect(second).not.toBe(first);
    wecom.state.live.delete(second); // revoked early on the server: 42001, fetch and retry once
    await (await s.sender("duty", "wecom"))!.send(notice);
    expect(wecom.sent.at(-1)!.token).not.toBe(second);
  });

  it("WeCom: a wrong corp secret is a ChannelError naming the provider's code, not the secret", async () => {
    const s = await personalSetup();
    await s.store.addChannel(wecomApp("wrong-secret"));
    await s.person("duty", { wecomUserId: "ZhangSan", media: ["wecom"] });
    const err = await failure((await s.sender("duty", "wecom"))!.send(notice));
    expect(err.code).toBe("robot_error");
    expect(err.message).toContain("40001");
    expect(err.message).not.toContain("wrong-secret");
  });

  it("DingTalk: gettoken with appkey/appsecret, asyncsend_v2 with agent_id and userid_list, an action card with the link", async () => {
    const s = await personalSetup();
    await s.store.addChannel(dingNotice());
    await s.person("duty", { dingtalkUserId: "manager4521", media: ["dingtalk"] });
    await (await s.sender("duty", "dingtalk"))!.send(notice);
    const got = ding.sent.at(-1)!;
    expect(got.body).toMatchObject({ agent_id: 2000003, userid_list: "manager4521" });
    expect(got.body.msg.msgtype).toBe("action_card");
    expect(got.body.msg.action_card.single_url).toBe("https://hall.example/a/tok123");
    expect(got.body.msg.action_card.markdown).toContain("充电桩温度过高");
    ding.state.live.clear(); // every token expired on the server: fetched again, then sent
    await (await s.sender("duty", "dingtalk"))!.send(notice);
    expect(ding.sent.at(-1)!.token).not.toBe(got.token);
  });

  it("DingTalk: a wrong app secret is a ChannelError", async () => {
    const s = await personalSetup();
    await s.store.addChannel(dingNotice("nope"));
    await s.person("duty", { dingtalkUserId: "manager4521", media: ["dingtalk"] });
    const err = await failure((await s.sender("duty", "dingtalk"))!.send(notice));
    expect(err.code).toBe("robot_error");
    expect(err.message).toContain("40089");
  });
});
