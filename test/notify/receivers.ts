import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { SMTPServer } from "smtp-server";

export const WEBHOOK_SECRET = "webhook-secret-0123456789";
export const DING_SECRET = "SEC0123456789abcdef";
export const FEISHU_SECRET = "feishu-secret";
export const SMTP_USER = "hall";
export const SMTP_PASSWORD = "mail-pass";
/** Older signed requests are refused, as a real receiver should. */
const MAX_SKEW_MS = 5 * 60_000;

export interface Received {
  path: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: any;
}

const sameText = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Real local receivers on an ephemeral loopback port, each checking what the real one checks:
 * `/webhook` the Hallwatch HMAC signature and timestamp, `/wecom` the markdown shape, `/dingtalk` the
 * signature in the query, `/feishu` the signature in the body and the message shape; `/flaky` fails
 * `failuresLeft` times with 503 before accepting; `/slow` never answers in time.
 */
export async function startHttpReceivers() {
  const received: Received[] = [];
  const state = { failuresLeft: 0 };
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      raw += c;
    });
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://receiver");
      const reply = (status: number, json: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
      const accept = (answer: unknown) => {
        received.push({
          path: url.pathname,
          url: req.url ?? "",
          headers: req.headers,
          body: JSON.parse(raw),
        });
        reply(200, answer);
      };
      let body: any;
      try {
        body = JSON.parse(raw);
      } catch {
        return reply(400, { error: "not JSON" });
      }
      switch (url.pathname) {
        case "/webhook": {
          const ts = String(req.headers["x-hallwatch-timestamp"] ?? "");
          const expected = `sha256=${createHmac("sha256", WEBHOOK_SECRET).update(`${ts}.${raw}`).digest("hex")}`;
          const given = String(req.headers["x-hallwatch-signature"] ?? "");
          if (!sameText(given, expected)) return reply(401, { error: "bad signature" });
          if (Math.abs(Date.now() - Number(ts)) > MAX_SKEW_MS) return reply(401, { error: "stale" });
          return accept({ ok: true });
        }
        case "/flaky":
          if (state.failuresLeft > 0) {
            state.failuresLeft -= 1;
            return reply(503, { error: "busy" });
          }
          return accept({ ok: true });
        case "/slow":
          return; // never answers: the sender's timeout must fire
        case "/wecom":
          if (url.searchParams.get("key") === "revoked")
            return reply(200, { errcode: 93000, errmsg: "invalid webhook url" });
          if (body.msgtype !== "markdown" || typeof body.markdown?.content !== "string")
            return reply(200, { errcode: 40008, errmsg: "invalid message type" });
          return accept({ errcode: 0, errmsg: "ok" });
        case "/dingtalk": {
          const ts = url.searchParams.get("timestamp") ?? "";
          const sign = createHmac("sha256", DING_SECRET).update(`${ts}\n${DING_SECRET}`).digest("base64");
          if (url.searchParams.get("sign") !== sign)
            return reply(200, { errcode: 310000, errmsg: "sign not match" });
          if (body.msgtype !== "markdown" || !body.markdown?.title || !body.markdown?.text)
            return reply(200, { errcode: 40035, errmsg: "missing parameter" });
          return accept({ errcode: 0, errmsg: "ok" });
        }
        case "/feishu": {
          const sign = createHmac("sha256", `${body.timestamp}\n${FEISHU_SECRET}`)
            .update("")
            .digest("base64");
          if (body.sign !== sign)
            return reply(200, { code: 19021, msg: "sign match fail or timestamp is not within one hour" });
          const textOk = body.msg_type === "text" && typeof body.content?.text === "string";
          const cardOk = body.msg_type === "interactive" && Array.isArray(body.card?.elements);
          if (!textOk && !cardOk) return reply(200, { code: 9499, msg: "Bad Request" });
          return accept({ code: 0, msg: "success" });
        }
        default:
          return reply(404, {});
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    base,
    received,
    state,
    at: (path: string) => received.filter((r) => r.path === path),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A real SMTP server with AUTH (plain, no TLS on loopback) that keeps every raw message. */
export async function startSmtpReceiver() {
  const mails: string[] = [];
  const smtp = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) cb(null, { user: SMTP_USER });
      else cb(new Error("Invalid username or password"));
    },
    onData(stream, _session, cb) {
      let data = "";
      stream.setEncoding("utf8");
      stream.on("data", (c: string) => {
        data += c;
      });
      stream.on("end", () => {
        mails.push(data);
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  return {
    port: (smtp.server.address() as { port: number }).port,
    mails,
    close: () => new Promise<void>((r) => smtp.close(() => r())),
  };
}

/** Decodes a raw mail's subject (RFC 2047 words) and its body (quoted-printable or base64). */
export function decodeMail(raw: string): { subject: string; body: string } {
  const [head = "", ...rest] = raw.split(/\r\n\r\n/);
  const subjectRaw = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(head)?.[1] ?? "";
  const subject = subjectRaw
    .replace(/\?=\r\n[ \t]+=\?/g, "?==?")
    .replace(/\r\n[ \t]/g, " ")
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(
            text
              .replace(/_/g, " ")
              .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
            "latin1",
          ).toString("utf8"),
    );
  const encoding = /^Content-Transfer-Encoding: (.*)$/im.exec(head)?.[1]?.trim().toLowerCase();
  const bodyRaw = rest.join("\r\n\r\n");
  const body =
    encoding === "base64"
      ? Buffer.from(bodyRaw.replace(/\s+/g, ""), "base64").toString("utf8")
      : encoding === "quoted-printable"
        ? Buffer.from(
            bodyRaw
              .replace(/=\r\n/g, "")
              .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
            "latin1",
          ).toString("utf8")
        : bodyRaw;
  return { subject, body };
}
