import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerToken } from "../helpers/auth.js";
import { ADMIN_PASSWORD, startHallwatch } from "../helpers/hallwatch.js";

/** Opens a raw TCP connection, writes `first`, then one more byte every `trickleMs`; resolves how it ended. */
function slowClient(port: number, first: string, trickle: string, trickleMs: number, giveUpMs: number) {
  return new Promise<{ closedAfterMs: number | null; answer: string }>((resolve) => {
    const startMs = Date.now();
    const socket: Socket = connect(port, "127.0.0.1");
    let answer = "";
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ closedAfterMs: closed ? Date.now() - startMs : null, answer });
    };
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    socket.on("close", () => finish(true));
    socket.on("error", () => finish(true));
    socket.write(first);
    const timer = setInterval(() => {
      if (!socket.destroyed) socket.write(trickle);
    }, trickleMs);
    const giveUp = setTimeout(() => finish(false), giveUpMs);
  });
}

describe("defect 15: slow HTTP requests are closed, the live stream is not", () => {
  let hw: Awaited<ReturnType<typeof startHallwatch>>;
  let port: number;
  beforeAll(async () => {
    hw = await startHallwatch({ http: { requestTimeoutMs: 1_500, headersTimeoutMs: 1_000 } });
    port = Number(new URL(hw.url).port);
  });
  afterAll(async () => {
    await hw.stop();
  });

  it("defect 15: a request whose body trickles in is closed after the request timeout", async () => {
    const headers =
      "POST /api/auth/login HTTP/1.1\r\nHost: hallwatch\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{";
    const result = await slowClient(port, headers, " ", 200, 10_000);
    expect(result.closedAfterMs).not.toBeNull();
    expect(result.closedAfterMs as number).toBeGreaterThanOrEqual(1_000);
    expect(result.answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it("defect 15: a request whose headers trickle in is closed after the headers timeout", async () => {
    const result = await slowClient(
      port,
      "GET /api/health HTTP/1.1\r\nHost: hallwatch\r\n",
      "X-a: b\r\n",
      200,
      10_000,
    );
    expect(result.closedAfterMs).not.toBeNull();
  });

  it("defect 15: the alert stream (SSE) stays open past the request timeout", async () => {
    const token = await bearerToken(hw.url, "admin", ADMIN_PASSWORD);
    const controller = new AbortController();
    const response = await fetch(`${hw.url}/api/alerts/stream`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // the stream's opening comment
    let ended = false;
    const reading = reader.read().then(
      (r) => {
        ended = r.done;
      },
      () => {
        ended = true;
      },
    );
    await new Promise((r) => setTimeout(r, 4_000));
    expect(ended).toBe(false);
    controller.abort();
    await reading;
  });
});
