import { createHash, createHmac } from "node:crypto";
import { type RawRequest, replyJson, serve } from "./serve.js";

export const TENCENT_SECRET_ID = "AKID-test";
export const TENCENT_SECRET_KEY = "tencent-secret-0123456789";
export const TENCENT_APP_ID = "1400000001";

const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();

/** Recomputes TC3-HMAC-SHA256 from the SecretKey; null when it matches. */
export function checkTc3(req: RawRequest, secretKey: string): string | null {
  const auth = String(req.headers.authorization ?? "");
  const m =
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]+)$/.exec(
      auth,
    );
  if (!m) return "no TC3-HMAC-SHA256 authorization";
  const [, id, date, service, signedHeaders, signature] = m as unknown as string[];
  if (id !== TENCENT_SECRET_ID) return "unknown SecretId";
  const timestamp = String(req.headers["x-tc-timestamp"] ?? "");
  if (new Date(Number(timestamp) * 1000).toISOString().slice(0, 10) !== date) return "date mismatch";
  if (service !== String(req.headers.host).split(".")[0]) return "service mismatch";
  const names = (signedHeaders as string).split(";");
  // The SDK signs the host name without a port (the real endpoint has none).
  const value = (n: string) =>
    n === "host" ? String(req.headers.host).replace(/:\d+$/, "") : String(req.headers[n] ?? "");
  const headers = names.map((n) => `${n}:${value(n).trim().toLowerCase()}\n`).join("");
  const canonical = ["POST", "/", "", headers, signedHeaders, sha256(req.body)].join("\n");
  const scope = `${date}/${service}/tc3_request`;
  const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${scope}\n${sha256(canonical)}`;
  const key = hmac(hmac(hmac(`TC3${secretKey}`, date as string), service as string), "tc3_request");
  return createHmac("sha256", key).update(toSign).digest("hex") === signature ? null : "signature mismatch";
}

/** Tencent Cloud SMS (2021-01-11 SendSms): checks the signature, action, version and body; errors in Response. */
export async function startTencentSms() {
  const sent: any[] = [];
  const server = await serve((req, res) => {
    const error = (Code: string, Message: string) =>
      replyJson(res, 200, { Response: { Error: { Code, Message }, RequestId: "r-bad" } });
    const refused = checkTc3(req, TENCENT_SECRET_KEY);
    if (refused) return error("AuthFailure.SignatureFailure", refused);
    if (req.headers["x-tc-action"] !== "SendSms" || req.headers["x-tc-version"] !== "2021-01-11")
      return error("InvalidAction", "SendSms 2021-01-11 only");
    const body = JSON.parse(req.body.toString("utf8"));
    if (!Array.isArray(body.PhoneNumberSet) || body.SmsSdkAppId !== TENCENT_APP_ID || !body.TemplateId)
      return error("InvalidParameter", "PhoneNumberSet, SmsSdkAppId, TemplateId");
    sent.push({ ...body, region: req.headers["x-tc-region"] });
    replyJson(res, 200, {
      Response: {
        SendStatusSet: body.PhoneNumberSet.map((p: string) =>
          p === "+8613900000000"
            ? { Code: "LimitExceeded.PhoneNumberDailyLimit", Message: "daily limit", PhoneNumber: p }
            : { Code: "Ok", Message: "send success", PhoneNumber: p, SerialNo: "s1" },
        ),
        RequestId: "r1",
      },
    });
  });
  return { ...server, sent };
}
