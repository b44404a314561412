// CI once failed "defect 27: one mosquitto_pub … takes it over" because the bash agent, writing to a socket the broker
// had just closed, was killed by SIGPIPE instead of exiting 1 with "the broker closed the connection". Here a
// broker that resets the connection right after its SUBACK makes the agent's next write hit the dead socket every
// time, so the agent must end the documented way: exit code 1 and a message, never a signal.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { BashAgent } from "./bash-agent-process.js";

let server: Server | undefined;
let dir: string | undefined;
let agent: BashAgent | undefined;
afterEach(async () => {
  agent?.kill();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Answers CONNECT with CONNACK 0 and SUBSCRIBE with SUBACK, then resets the connection. */
function resettingBroker(): Promise<number> {
  server = createServer((socket: Socket) => {
    let buffer = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 2) {
        const type = buffer[0] as number;
        let length = 0;
        let multiplier = 1;
        let offset = 1;
        for (;;) {
          const digit = buffer[offset++];
          if (digit === undefined) return; // the rest of the header has not arrived
          length += (digit & 127) * multiplier;
          multiplier *= 128;
          if ((digit & 128) === 0) break;
        }
        if (buffer.length < offset + length) return;
        const body = buffer.subarray(offset, offset + length);
        buffer = buffer.subarray(offset + length);
        if (type >> 4 === 1) socket.write(Buffer.from([0x20, 2, 0, 0]));
        if (type >> 4 === 8) {
          socket.write(Buffer.from([0x90, 3, body[0] as number, body[1] as number, 1]));
          socket.resetAndDestroy();
          return;
        }
      }
    });
    socket.on("error", () => {});
  });
  return new Promise((resolve) => {
    server?.listen(0, "127.0.0.1", () => {
      const address = server?.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
}

it("the bash agent exits 1 with a message when the broker drops it, even in the middle of a write", async () => {
  const port = await resettingBroker();
  dir = mkdtempSync(join(tmpdir(), "bash-agent-lost-"));
  writeFileSync(join(dir, "password"), "secret\n");
  agent = new BashAgent({
    MQTT_PORT: String(port),
    HALL: "hall-1",
    AGENT: "agent-1",
    PASSWORD_FILE: join(dir, "password"),
    STATE_DIR: join(dir, "state"),
    DEVICES: JSON.stringify([{ id: "kiosk-1", kind: "kiosk" }]),
  });
  expect(await agent.exit()).toEqual({ code: 1, signal: null });
  expect(agent.errors).toMatch(/connection lost|the broker closed the connection/);
});
