import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { deriveKey } from "../security/secret-key.js";

/**
 * Node-to-node requests (forwarded alert actions, docs/scale-out.md "Alerts across nodes") are signed with a key
 * every node of one database derives from the secret key they share (HKDF, info "hallwatch cluster forwarding"):
 * HMAC-SHA256 over the method, the path, the sender, a timestamp, a nonce and the body. No user session is ever
 * accepted in its place.
 */
export function clusterForwardingKey(master: Buffer): Buffer {
  return deriveKey(master, "cluster forwarding");
}

export const NODE_HEADERS = {
  node: "x-hallwatch-node",
  timestampMs: "x-hallwatch-timestamp-ms",
  nonce: "x-hallwatch-nonce",
  signature: "x-hallwatch-signature",
} as const;

/** How far a request's timestamp may be from the receiver's clock, either way. */
export const MAX_SKEW_MS = 30_000;

export interface SignedRequest {
  method: string;
  /** The path as sent, query included. */
  path: string;
  body: string;
}

function mac(
  key: Buffer,
  request: SignedRequest,
  nodeId: string,
  timestampMs: string,
  nonce: string,
): Buffer {
  return createHmac("sha256", key)
    .update(
      ["hallwatch-node-v1", request.method.toUpperCase(), request.path, nodeId, timestampMs, nonce, ""].join(
        "\n",
      ),
    )
    .update(request.body)
    .digest();
}

/** The headers that sign `request` as node `nodeId` at `nowMs`. */
export function signNodeRequest(
  key: Buffer,
  request: SignedRequest,
  nodeId: string,
  nowMs: number,
  nonce: string = randomBytes(16).toString("base64url"),
): Record<string, string> {
  const timestampMs = String(Math.trunc(nowMs));
  return {
    [NODE_HEADERS.node]: nodeId,
    [NODE_HEADERS.timestampMs]: timestampMs,
    [NODE_HEADERS.nonce]: nonce,
    [NODE_HEADERS.signature]: mac(key, request, nodeId, timestampMs, nonce).toString("base64url"),
  };
}

export type NodeVerdict = { ok: true; nodeId: string } | { ok: false; reason: string };

type Headers = Record<string, string | string[] | undefined>;

/**
 * Checks node signatures, and refuses a signed request seen before within the skew window (a replay): each nonce
 * is remembered until its timestamp is too old to pass anyway.
 */
export class NodeSignatureVerifier {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly key: Buffer,
    private readonly now: () => number = Date.now,
    private readonly maxSkewMs = MAX_SKEW_MS,
  ) {}

  verify(request: SignedRequest, headers: Headers): NodeVerdict {
    const one = (name: string) => {
      const value = headers[name];
      return typeof value === "string" && value.length > 0 && value.length <= 200 ? value : null;
    };
    const nodeId = one(NODE_HEADERS.node);
    const timestampMs = one(NODE_HEADERS.timestampMs);
    const nonce = one(NODE_HEADERS.nonce);
    const signature = one(NODE_HEADERS.signature);
    if (!nodeId || !timestampMs || !nonce || !signature) return { ok: false, reason: "no node signature" };
    const expected = mac(this.key, request, nodeId, timestampMs, nonce);
    const given = Buffer.from(signature, "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, reason: "bad node signature (do the nodes share one secret key?)" };
    const nowMs = this.now();
    const sentMs = Number(timestampMs);
    if (!/^\d{1,15}$/.test(timestampMs) || Math.abs(nowMs - sentMs) > this.maxSkewMs)
      return {
        ok: false,
        reason: `the node signature's time is more than ${this.maxSkewMs / 1000} s off this node's clock`,
      };
    this.forgetOld(nowMs);
    if (this.seen.has(nonce))
      return { ok: false, reason: "this signed request was already received (replay)" };
    this.seen.set(nonce, sentMs);
    return { ok: true, nodeId };
  }

  private forgetOld(nowMs: number): void {
    // Insertion order is close to time order: stop at the first nonce still young enough to be replayed.
    for (const [nonce, sentMs] of this.seen) {
      if (nowMs - sentMs <= this.maxSkewMs && this.seen.size < 100_000) break;
      this.seen.delete(nonce);
    }
  }
}
