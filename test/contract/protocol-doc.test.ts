import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mayPublish } from "../../broker/access-policy.js";
import {
  type DeviceKind,
  decodeMessage,
  decodeTelemetryValues,
  parseTopic,
} from "../../src/contract/index.js";
import type { Principal } from "../../src/store/credentials.js";
import { AGENTS, Harness, provision } from "../broker/harness.js";

const doc = readFileSync(new URL("../../docs/protocol.md", import.meta.url), "utf8");
const fullStack = readFileSync(new URL("../../docs/full-stack.md", import.meta.url), "utf8");
const deployAcl = readFileSync(new URL("../../deploy/mosquitto/acl", import.meta.url), "utf8");

/** The text of a "## n. Title" section. */
function section(n: number): string {
  const start = doc.indexOf(`\n## ${n}. `);
  const end = doc.indexOf("\n## ", start + 1);
  expect(start, `section ${n}`).toBeGreaterThan(0);
  return doc.slice(start, end < 0 ? undefined : end);
}

/** The rows of §3's topic table: topic pattern, direction, retained. */
function topicTable(): { topic: string; direction: string; retained: string }[] {
  return [...section(3).matchAll(/^\| `([^`]+)` \| ([^|]+) \| ([^|]+) \|/gm)].map((m) => ({
    topic: m[1] as string,
    direction: (m[2] as string).trim(),
    retained: (m[3] as string).trim(),
  }));
}

/** The backticked topics of the "- **verb** ..." bullet of §2 (up to the next bullet). */
function bulletTopics(verb: string): string[] {
  const bullet = new RegExp(`^- \\*\\*${verb}\\*\\*([\\s\\S]*?)(?=\\n- |\\n\\n)`, "m").exec(section(2));
  expect(bullet, `§2 bullet "${verb}"`).not.toBeNull();
  return [...(bullet?.[1] ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
}

const agent: Principal = { type: "agent", agentId: "agent-a", hallId: "hall-a" } as Principal;
const fill = (pattern: string, hallId = "hall-a") =>
  pattern.replace("{hallId}", hallId).replace("{agentId}", "agent-a").replace("{deviceId}", "dev-1");

interface Example {
  topic: string;
  kind: DeviceKind | null;
  json: string;
}

/** Every "Topic: `...`" line followed by a ```json block is an example that must decode. */
function jsonExamples(): Example[] {
  const pattern = /Topic: `([^`]+)`(?: \(kind `([a-z]+)`\))?\s*\n\s*```json\n([\s\S]*?)```/g;
  return [...doc.matchAll(pattern)].map((m) => ({
    topic: m[1] as string,
    kind: (m[2] as DeviceKind | undefined) ?? null,
    json: m[3] as string,
  }));
}

/** The mosquitto_pub walk-through, with its shell variables filled in (`T`, the time, with a fixed instant). */
function shellExamples(): Example[] {
  const script = /```bash\n([\s\S]*?)```/.exec(doc)?.[1] ?? "";
  const vars: Record<string, string> = {
    ...Object.fromEntries([...script.matchAll(/(\w+)=([\w-]+|'[^']*')/g)].map((m) => [m[1], m[2]])),
    T: "1795400000000",
  };
  const expand = (s: string) => s.replace(/\$(\w+)/g, (_, name: string) => String(vars[name] ?? ""));
  const commands = script.split(/\nmosquitto_pub/).slice(1);
  return commands.map((c) => {
    const topic = /-t "([^"]+)"/.exec(c)?.[1] ?? "";
    const json = (/-m "((?:[^"\\]|\\.)*)"/.exec(c)?.[1] ?? "").replace(/\\"/g, '"');
    return {
      topic: expand(topic),
      kind: topic.includes("/telemetry/") ? ("kiosk" as const) : null,
      json: expand(json),
    };
  });
}

describe("docs/protocol.md", () => {
  const examples = jsonExamples();

  it("has an example for every message type and every device kind", () => {
    const types = new Set(examples.map((e) => parseTopic(e.topic)?.type));
    for (const t of [
      "status",
      "birth",
      "telemetry",
      "event",
      "cmd",
      "reply",
      "aggregator_status",
      "alert_event",
    ]) {
      expect(types).toContain(t);
    }
    const kinds = new Set(examples.map((e) => e.kind));
    for (const k of ["kiosk", "charger", "tv", "queue", "extinguisher", "hydrant", "gateway"])
      expect(kinds).toContain(k);
  });

  it.each(jsonExamples().map((e) => [e.topic, e] as const))("example on %s decodes", (_topic, example) => {
    const result = decodeMessage(example.topic, Buffer.from(example.json));
    expect(result.ok ? "ok" : `${result.reason}: ${result.detail}`).toBe("ok");
    if (result.ok && result.value.type === "telemetry") {
      expect(example.kind).not.toBeNull();
      const values = decodeTelemetryValues(example.kind as DeviceKind, result.value.message.values);
      expect(values.ok ? "ok" : values.detail).toBe("ok");
    }
  });

  it("the mosquitto_pub walk-through publishes valid messages", () => {
    const shell = shellExamples();
    expect(shell).toHaveLength(3);
    for (const example of shell) {
      const result = decodeMessage(example.topic, Buffer.from(example.json));
      expect(result.ok ? "ok" : `${example.topic} ${result.reason}: ${result.detail}`).toBe("ok");
      if (result.ok && result.value.type === "telemetry") {
        expect(decodeTelemetryValues("kiosk", result.value.message.values).ok).toBe(true);
      }
    }
  });

  it("defect 27: states exactly MQTT 3.1.1, the version the embedded broker accepts", async () => {
    const row = /^\| protocol \|(.*)\|$/m.exec(section(2))?.[1] ?? "";
    const supported = row.replace(/MQTT 5 is not supported[^.]*\./, "");
    expect([...supported.matchAll(/\b(3\.1\.1|3\.1|5(?:\.0)?)\b/g)].map((m) => m[1])).toEqual(["3.1.1"]);
    const harness = new Harness(await provision());
    try {
      await harness.start();
      const v311 = await harness.agent(AGENTS[0], { protocolVersion: 4 });
      expect(v311.connected).toBe(true);
      await expect(harness.agent(AGENTS[1], { protocolVersion: 5 })).rejects.toThrow(
        /unacceptable protocol version/i,
      );
    } finally {
      await harness.cleanup();
    }
  });

  it("defect 27: lists exactly the topics an agent may publish, as the broker and deploy/mosquitto/acl allow", () => {
    const allowed = bulletTopics("publish");
    expect(allowed.sort()).toEqual(
      topicTable()
        .filter((r) => r.direction === "agent →")
        .map((r) => r.topic)
        .sort(),
    );
    for (const topic of allowed) expect(mayPublish(agent, fill(topic)), topic).toBe(true);
    const prefix = "hallwatch/v1/hall-a/agent-a";
    for (const topic of [
      `${prefix}/cmd`,
      `${prefix}/anything`,
      `${prefix}/telemetry`,
      `${prefix}/telemetry/dev-1/more`,
      `${prefix}/status/extra`,
    ]) {
      expect(mayPublish(agent, topic), topic).toBe(false);
    }
    const aclWrites = [...deployAcl.matchAll(/^pattern write (\S+)$/gm)].map((m) =>
      (m[1] as string)
        .replace("hallwatch/v1/+/%u/", "hallwatch/v1/{hallId}/{agentId}/")
        .replace(/\/\+$/, "/{deviceId}"),
    );
    expect(aclWrites.sort()).toEqual([...allowed].sort());
  });

  it("defect 27: only status and birth are retained, in the topic table and in §2", () => {
    const retained = topicTable()
      .filter((r) => r.direction === "agent →" && r.retained === "yes")
      .map((r) => r.topic.split("/").pop());
    expect(retained).toEqual(["status", "birth"]);
    expect(bulletTopics("retain")).toEqual(["status", "birth"]);
  });

  it("defect 27: hall_mismatch is explained as what only an external broker lets through", () => {
    expect(mayPublish(agent, fill("hallwatch/v1/{hallId}/{agentId}/status", "hall-b"))).toBe(false);
    const seven = section(7);
    const note = seven.slice(seven.indexOf("What the broker refuses never reaches the aggregator"));
    expect(note).toContain("`hall_mismatch`");
    expect(note).toMatch(/external\s+broker/);
  });

  it("defect 27: says how Mosquitto refuses (silent drops, granted-but-filtered subscriptions)", () => {
    for (const [name, text] of [
      ["protocol.md", doc],
      ["full-stack.md", fullStack],
    ] as const) {
      expect(text, name).toMatch(/silently\s+dropped/);
      expect(text, name).toMatch(/\*\*granted\*\*|is granted/);
    }
  });

  it("defect 27: §8 never offers a will on a mosquitto_pub/mosquitto_sub connection, and its long-lived agent exists", () => {
    const eight = section(8);
    // Each mosquitto_pub takes the session over and fires the will of the connection before it.
    expect(eight).not.toContain("--will");
    const script = /`(test\/acceptance\/[\w-]+\.sh)`/.exec(eight)?.[1] ?? "";
    expect(script).toMatch(/\.sh$/);
    expect(existsSync(new URL(`../../${script}`, import.meta.url)), script).toBe(true);
  });
});
