import { replyJson, serve } from "./serve.js";

export const DING_APP_KEY = "ding-app-key";
export const DING_APP_SECRET = "ding-app-secret";

/** DingTalk work notices: `gettoken` (appkey/appsecret) then `asyncsend_v2` with a live token. */
export async function startDingtalkNotice() {
  const sent: any[] = [];
  const state = { tokensIssued: 0, live: new Set<string>() };
  const server = await serve((req, res) => {
    const q = req.url.searchParams;
    if (req.method === "GET" && req.url.pathname === "/gettoken") {
      if (q.get("appkey") !== DING_APP_KEY || q.get("appsecret") !== DING_APP_SECRET)
        return replyJson(res, 200, { errcode: 40089, errmsg: "invalid appkey or appsecret" });
      const token = `dt-${++state.tokensIssued}`;
      state.live.add(token);
      return replyJson(res, 200, { errcode: 0, errmsg: "ok", access_token: token, expires_in: 7200 });
    }
    if (req.method === "POST" && req.url.pathname === "/topapi/message/corpconversation/asyncsend_v2") {
      const token = q.get("access_token") ?? "";
      if (!state.live.has(token))
        return replyJson(res, 200, { errcode: 42001, errmsg: "access_token expired" });
      const body = JSON.parse(req.body.toString("utf8"));
      if (typeof body.agent_id !== "number" || typeof body.userid_list !== "string" || !body.msg?.msgtype)
        return replyJson(res, 200, { errcode: 40035, errmsg: "missing agent_id, userid_list or msg" });
      sent.push({ token, body });
      return replyJson(res, 200, { errcode: 0, errmsg: "ok", task_id: sent.length, request_id: "r" });
    }
    replyJson(res, 404, { errcode: 404 });
  });
  return { ...server, base: `http://${server.host}`, sent, state };
}
