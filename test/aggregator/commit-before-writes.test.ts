// The ingest log's pending lines are written before any byte leaves the aggregator's connection: the hook sits on
// the stream's own _write/_writev, so it runs before a lone write and before a corked batch (the PUBACKs of a
// read) alike, and not at all while nothing is written.
import { connect, createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { coalesceWritesPerRead, commitBeforeWrites } from "../../src/aggregator/write-coalescing.js";

describe("commitBeforeWrites", () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });

  /** A connected pair of real TCP sockets; `received` collects what the far end got, with the hook's calls. */
  async function socketPair() {
    const events: string[] = [];
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const far = new Promise<Socket>((resolve) => server.once("connection", resolve));
    const near = connect((server.address() as { port: number }).port, "127.0.0.1");
    await new Promise<void>((resolve) => near.once("connect", resolve));
    const farSocket = await far;
    closers.push(() => {
      near.destroy();
      farSocket.destroy();
      server.close();
    });
    return { near, farSocket, events };
  }

  it("runs the hook before each write reaches the socket, once per corked batch", async () => {
    const { near, farSocket, events } = await socketPair();
    let pendingLines = 0;
    commitBeforeWrites(near, () => {
      events.push(`commit ${pendingLines}`);
      pendingLines = 0;
    });
    const received = new Promise<string>((resolve) => {
      let text = "";
      farSocket.on("data", (chunk) => {
        text += chunk;
        if (text.endsWith("c")) resolve(text);
      });
    });
    pendingLines = 1;
    near.write("a");
    expect(events).toEqual(["commit 1"]);
    near.cork();
    pendingLines = 2;
    near.write("b");
    near.write("c");
    expect(events).toEqual(["commit 1"]); // corked: nothing has left yet
    near.uncork();
    expect(events).toEqual(["commit 1", "commit 2"]);
    expect(await received).toBe("abc");
  });

  it("holds with the per-read coalescing on the same stream, and is applied once however often it is called", async () => {
    const { near, events } = await socketPair();
    coalesceWritesPerRead(near);
    commitBeforeWrites(near, () => events.push("commit"));
    commitBeforeWrites(near, () => events.push("second hook"));
    near.write("x");
    expect(events).toEqual(["commit"]);
  });
});
