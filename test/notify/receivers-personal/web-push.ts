import { execFileSync } from "node:child_process";
import { createDecipheriv, createECDH, createHmac, createPublicKey, randomBytes, verify } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RawRequest, replyJson, serve } from "./serve.js";

/** A self-signed certificate for 127.0.0.1: push endpoints are https only. */
export function loopbackCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "push-cert-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
      "-days",
      "2",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  return {
    key: readFileSync(join(dir, "key.pem"), "utf8"),
    cert: readFileSync(join(dir, "cert.pem"), "utf8"),
  };
}

/** A browser's side of a subscription: its P-256 key pair and auth secret. */
export function browserKeys() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return {
    ecdh,
    auth,
    p256dh: ecdh.getPublicKey().toString("base64url"),
    authB64: auth.toString("base64url"),
  };
}
type BrowserKeys = ReturnType<typeof browserKeys>;

const hmac = (key: Buffer, data: Buffer) => createHmac("sha256", key).update(data).digest();
const info = (label: string, ...extra: Buffer[]) =>
  Buffer.concat([Buffer.from(label), Buffer.from([0]), ...extra]);

/** RFC 8291 / 8188: decrypts one aes128gcm record with the browser's private key and auth secret. */
export function decryptAes128gcm(body: Buffer, keys: BrowserKeys): string {
  const salt = body.subarray(0, 16);
  const idLen = body[20] as number;
  const senderPublic = body.subarray(21, 21 + idLen);
  const cipher = body.subarray(21 + idLen);
  const shared = keys.ecdh.computeSecret(senderPublic);
  const prkKey = hmac(keys.auth, shared);
  const ikm = hmac(
    prkKey,
    Buffer.concat([info("WebPush: info", keys.ecdh.getPublicKey(), senderPublic), Buffer.from([1])]),
  );
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.concat([info("Content-Encoding: aes128gcm"), Buffer.from([1])])).subarray(
    0,
    16,
  );
  const nonce = hmac(prk, Buffer.concat([info("Content-Encoding: nonce"), Buffer.from([1])])).subarray(0, 12);
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(cipher.subarray(cipher.length - 16));
  const padded = Buffer.concat([decipher.update(cipher.subarray(0, cipher.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("no last-record delimiter");
  return padded.subarray(0, end).toString("utf8");
}

/** Checks `Authorization: vapid t=<ES256 JWT>, k=<public key>`: signature, audience, expiry, subject. */
export function checkVapid(
  req: RawRequest,
  origin: string,
  expectedKey: string,
  nowS: number,
): string | null {
  const m = /^vapid t=([^,]+), k=([A-Za-z0-9_-]+)$/.exec(String(req.headers.authorization ?? ""));
  if (!m) return "no vapid authorization";
  const [, jwt, k] = m as unknown as [string, string, string];
  if (k !== expectedKey) return "unknown application server key";
  const [h, p, s] = jwt.split(".") as [string, string, string];
  const header = JSON.parse(Buffer.from(h, "base64url").toString());
  if (header.alg !== "ES256") return "not ES256";
  const raw = Buffer.from(k, "base64url");
  const key = createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: raw.subarray(1, 33).toString("base64url"),
      y: raw.subarray(33).toString("base64url"),
    },
    format: "jwk",
  });
  if (
    !verify(
      "sha256",
      Buffer.from(`${h}.${p}`),
      { key, dsaEncoding: "ieee-p1363" },
      Buffer.from(s, "base64url"),
    )
  )
    return "bad JWT signature";
  const claims = JSON.parse(Buffer.from(p, "base64url").toString());
  if (claims.aud !== origin) return "wrong audience";
  if (!(claims.exp > nowS && claims.exp <= nowS + 24 * 3600)) return "bad expiry";
  if (!/^(mailto:|https:)/.test(String(claims.sub))) return "bad subject";
  return null;
}

/**
 * A push service on https://127.0.0.1: `/push/<id>` accepts for a registered browser (decrypting what it got),
 * `/push/gone-*` answers 410 like a browser that unsubscribed.
 */
export async function startPushService(vapidPublicKey: () => string) {
  const tls = loopbackCertificate();
  const browsers = new Map<string, BrowserKeys>();
  const received: { id: string; payload: any; ttl: string; urgency: string | undefined }[] = [];
  const server = await serve((req, res) => {
    const id = req.url.pathname.replace(/^\/push\//, "");
    if (id.startsWith("gone-")) return res.writeHead(410).end();
    const keys = browsers.get(id);
    if (!keys) return res.writeHead(404).end();
    const refused = checkVapid(
      req,
      `https://${req.headers.host}`,
      vapidPublicKey(),
      Math.floor(Date.now() / 1000),
    );
    if (refused) return replyJson(res, 403, { reason: refused });
    if (req.headers["content-encoding"] !== "aes128gcm")
      return replyJson(res, 400, { reason: "aes128gcm only" });
    const payload = JSON.parse(decryptAes128gcm(req.body, keys));
    received.push({
      id,
      payload,
      ttl: String(req.headers.ttl),
      urgency: req.headers.urgency as string | undefined,
    });
    res.writeHead(201).end();
  }, tls);
  const origin = `https://${server.host}`;
  return {
    ...server,
    cert: tls.cert,
    received,
    /** A new browser: its subscription as `PushSubscription.toJSON()` would give it. */
    subscribe(id: string) {
      const keys = browserKeys();
      browsers.set(id, keys);
      return { endpoint: `${origin}/push/${id}`, keys: { p256dh: keys.p256dh, auth: keys.authB64 } };
    },
    goneSubscription(id: string) {
      const keys = browserKeys();
      return { endpoint: `${origin}/push/gone-${id}`, keys: { p256dh: keys.p256dh, auth: keys.authB64 } };
    },
  };
}
