import { createHash, createHmac } from "node:crypto";
import { type RawRequest, replyJson, serve } from "./serve.js";

export const ALIYUN_KEY_ID = "LTAI-test-key";
export const ALIYUN_KEY_SECRET = "aliyun-secret-0123456789";

/** RFC 3986 encoding, as the ACS3 canonical query wants it. */
const enc = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/** Recomputes the SDK's ACS3-HMAC-SHA256 signature from the AccessKey secret; null when it matches. */
export function checkAcs3(req: RawRequest, secret: string): string | null {
  const auth = String(req.headers.authorization ?? "");
  const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$/.exec(auth);
  if (!m) return "no ACS3-HMAC-SHA256 authorization";
  const [, keyId, signedHeaders, signature] = m as unknown as [string, string, string, string];
  if (keyId !== ALIYUN_KEY_ID) return "unknown AccessKey id";
  if (req.headers["x-acs-content-sha256"] !== sha256(req.body)) return "body hash mismatch";
  const query = [...req.url.searchParams.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .join("&");
  const names = signedHeaders.split(";");
  for (const must of ["host", "x-acs-action", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"])
    if (!names.includes(must)) return `${must} not signed`;
  const headers = names.map((n) => `${n}:${String(req.headers[n] ?? "").trim()}\n`).join("");
  const canonical = [req.method, req.url.pathname, query, headers, signedHeaders, sha256(req.body)].join(
    "\n",
  );
  const expected = createHmac("sha256", secret)
    .update(`ACS3-HMAC-SHA256\n${sha256(canonical)}`)
    .digest("hex");
  return expected === signature ? null : "signature mismatch";
}

/** Alibaba Cloud SMS (dysmsapi 2017-05-25 SendSms), checking the signature and the request's shape. */
export async function startAliyunSms() {
  const sent: Record<string, string>[] = [];
  const server = await serve((req, res) => {
    const refused = checkAcs3(req, ALIYUN_KEY_SECRET);
    if (refused)
      return replyJson(res, 400, { Code: "SignatureDoesNotMatch", Message: refused, RequestId: "r-bad" });
    if (req.headers["x-acs-action"] !== "SendSms" || req.headers["x-acs-version"] !== "2017-05-25")
      return replyJson(res, 400, { Code: "InvalidAction", Message: "SendSms 2017-05-25 only" });
    const params = Object.fromEntries(req.url.searchParams.entries());
    for (const k of ["PhoneNumbers", "SignName", "TemplateCode", "TemplateParam"])
      if (!params[k]) return replyJson(res, 400, { Code: "MissingParameter", Message: k });
    if (params.PhoneNumbers === "+8613900000000")
      return replyJson(res, 200, { Code: "isv.BUSINESS_LIMIT_CONTROL", Message: "limited", RequestId: "r2" });
    sent.push(params);
    replyJson(res, 200, { Code: "OK", Message: "OK", BizId: `biz-${sent.length}`, RequestId: "r1" });
  });
  return { ...server, sent };
}
