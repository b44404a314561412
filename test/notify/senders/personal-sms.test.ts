import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALIYUN_KEY_ID, ALIYUN_KEY_SECRET, startAliyunSms } from "../receivers-personal/aliyun-sms.js";
import {
  startTencentSms,
  TENCENT_APP_ID,
  TENCENT_SECRET_ID,
  TENCENT_SECRET_KEY,
} from "../receivers-personal/tencent-sms.js";
import { failure, notice, personalSetup } from "./personal-setup.js";

let aliyun: Awaited<ReturnType<typeof startAliyunSms>>;
let tencent: Awaited<ReturnType<typeof startTencentSms>>;
beforeAll(async () => {
  aliyun = await startAliyunSms();
  tencent = await startTencentSms();
});
afterAll(async () => {
  await aliyun.close();
  await tencent.close();
});

const aliyunChannel = (secret = ALIYUN_KEY_SECRET) => ({
  name: "aliyun",
  config: {
    type: "aliyun_sms",
    accessKeyId: ALIYUN_KEY_ID,
    accessKeySecret: secret,
    signName: "营业厅监控",
    templateCode: "SMS_4000001",
    endpoint: `http://${aliyun.host}`,
    templateParam: { hall: "hall", fault: "fault", level: "severity", url: "link" },
  },
});
const tencentChannel = (secret = TENCENT_SECRET_KEY) => ({
  name: "tencent",
  config: {
    type: "tencent_sms",
    secretId: TENCENT_SECRET_ID,
    secretKey: secret,
    sdkAppId: TENCENT_APP_ID,
    signName: "营业厅监控",
    templateId: "2000001",
    region: "ap-guangzhou",
    endpoint: `http://${tencent.host}`,
  },
});

describe("personal SMS through the providers' official SDKs, against receivers that check the signature", () => {
  it("Alibaba Cloud SMS: ACS3-HMAC-SHA256 recomputed from the secret; short template params with the action link", async () => {
    const s = await personalSetup();
    await s.store.addChannel(aliyunChannel());
    await s.person("duty", { mobile: "+8613800138000", media: ["sms"] });
    const receipt = await (await s.sender("duty", "sms"))!.send(notice);
    expect(receipt.httpStatus).toBe(200);
    const got = aliyun.sent.at(-1)!;
    expect(got.PhoneNumbers).toBe("+8613800138000");
    expect(got.SignName).toBe("营业厅监控");
    expect(got.TemplateCode).toBe("SMS_4000001");
    const params = JSON.parse(got.TemplateParam!);
    expect(params).toEqual({
      hall: "h",
      fault: expect.stringContaining("充电桩温度过高"),
      level: "严重",
      url: "https://hall.example/a/tok123",
    });
    for (const v of [params.hall, params.fault, params.level]) expect(v.length).toBeLessThanOrEqual(35);
  });

  it("Alibaba: a wrong AccessKey secret is refused by the receiver and is a ChannelError; a provider code ≠ OK too", async () => {
    const s = await personalSetup();
    await s.store.addChannel(aliyunChannel("not-the-secret"));
    await s.person("duty", { mobile: "+8613800138000", media: ["sms"] });
    const before = aliyun.sent.length;
    const err = await failure((await s.sender("duty", "sms"))!.send(notice));
    expect(err.code).toBe("http_status");
    expect(err.httpStatus).toBe(400);
    expect(err.message).toContain("SignatureDoesNotMatch");
    expect(err.message).not.toContain("not-the-secret");
    expect(aliyun.sent.length).toBe(before);

    const ok = await personalSetup();
    await ok.store.addChannel(aliyunChannel());
    await ok.person("busy", { mobile: "+8613900000000", media: ["sms"] });
    const limited = await failure((await ok.sender("busy", "sms"))!.send(notice));
    expect(limited.code).toBe("robot_error");
    expect(limited.message).toContain("isv.BUSINESS_LIMIT_CONTROL");
  });

  it("Tencent Cloud SMS: TC3-HMAC-SHA256 recomputed, SendSms 2021-01-11 with PhoneNumberSet, SmsSdkAppId, TemplateId", async () => {
    const s = await personalSetup();
    await s.store.addChannel(tencentChannel());
    await s.person("duty", { mobile: "+8613800138000", media: ["sms"] });
    const receipt = await (await s.sender("duty", "sms"))!.send(notice);
    expect(receipt.httpStatus).toBe(200);
    const got = tencent.sent.at(-1)!;
    expect(got).toMatchObject({
      PhoneNumberSet: ["+8613800138000"],
      SmsSdkAppId: TENCENT_APP_ID,
      TemplateId: "2000001",
      SignName: "营业厅监控",
      region: "ap-guangzhou",
    });
    expect(got.TemplateParamSet).toEqual([
      "h",
      expect.stringContaining("充电桩温度过高"),
      "严重",
      "https://hall.example/a/tok123",
    ]);
  });

  it("Tencent: a wrong SecretKey is refused (AuthFailure) and a per-number failure is a ChannelError", async () => {
    const s = await personalSetup();
    await s.store.addChannel(tencentChannel("wrong-key"));
    await s.person("duty", { mobile: "+8613800138000", media: ["sms"] });
    const err = await failure((await s.sender("duty", "sms"))!.send(notice));
    expect(err.code).toBe("robot_error");
    expect(err.message).toContain("AuthFailure.SignatureFailure");

    const ok = await personalSetup();
    await ok.store.addChannel(tencentChannel());
    await ok.person("busy", { mobile: "+8613900000000", media: ["sms"] });
    const limited = await failure((await ok.sender("busy", "sms"))!.send(notice));
    expect(limited.code).toBe("robot_error");
    expect(limited.message).toContain("LimitExceeded.PhoneNumberDailyLimit");
  });

  it("no sender without a mobile number or without an enabled SMS provider", async () => {
    const s = await personalSetup();
    await s.person("duty", { mobile: "+8613800138000", media: ["sms"] });
    expect(await s.sender("duty", "sms")).toBeNull();
    const c = await s.store.addChannel(tencentChannel());
    expect(await s.sender("duty", "sms")).not.toBeNull();
    expect(await s.sender("nobody", "sms")).toBeNull();
    await s.store.setChannelEnabled(c.id, false);
    expect(await s.sender("duty", "sms")).toBeNull();
  });
});
