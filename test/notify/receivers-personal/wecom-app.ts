import { replyJson, serve } from "./serve.js";

export const WECOM_CORP_ID = "ww-test-corp";
export const WECOM_SECRET = "wecom-corp-secret";

/**
 * WeCom (企业微信) application messages: `gettoken` checks corpid/corpsecret and issues a token;
 * `message/send` needs a live token (an expired or revoked one answers 42001, an unknown one 40014).
 */
export async function startWecomApp() {
  const sent: any[] = [];
  const state = { tokensIssued: 0, live: new Set<string>() };
  const server = await serve((req, res) => {
    const q = req.url.searchParams;
    if (req.method === "GET" && req.url.pathname === "/cgi-bin/gettoken") {
      if (q.get("corpid") !== WECOM_CORP_ID || q.get("corpsecret") !== WECOM_SECRET)
        return replyJson(res, 200, { errcode: 40001, errmsg: "invalid credential" });
      const token = `wt-${++state.tokensIssued}`;
      state.live.add(token);
      return replyJson(res, 200, { errcode: 0, errmsg: "ok", access_token: token, expires_in: 7200 });
    }
    if (req.method === "POST" && req.url.pathname === "/cgi-bin/message/send") {
      const token = q.get("access_token") ?? "";
      if (!token.startsWith("wt-"))
        return replyJson(res, 200, { errcode: 40014, errmsg: "invalid access_token" });
      if (!state.live.has(token))
        return replyJson(res, 200, { errcode: 42001, errmsg: "access_token expired" });
      const body = JSON.parse(req.body.toString("utf8"));
      if (typeof body.touser !== "string" || typeof body.agentid !== "number" || !body.msgtype)
        return replyJson(res, 200, { errcode: 40008, errmsg: "invalid message" });
      sent.push({ token, body });
      return replyJson(res, 200, { errcode: 0, errmsg: "ok", msgid: `m${sent.length}` });
    }
    replyJson(res, 404, { errcode: 404 });
  });
  return { ...server, base: `http://${server.host}`, sent, state };
}
