import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type DeviceKind,
  decodeMessage,
  decodeTelemetryValues,
  parseTopic,
} from "../../src/contract/index.js";

const doc = readFileSync(new URL("../../docs/protocol.md", import.meta.url), "utf8");

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

/** The mosquitto_pub walk-through, with its shell variables filled in. */
function shellExamples(): Example[] {
  const script = /```bash\n([\s\S]*?)```/.exec(doc)?.[1] ?? "";
  const vars = Object.fromEntries([...script.matchAll(/(\w+)=([\w-]+|'[^']*')/g)].map((m) => [m[1], m[2]]));
  const expand = (s: string) => s.replace(/\$(\w+)/g, (_, name: string) => String(vars[name] ?? ""));
  const commands = script.split(/\nmosquitto_pub/).slice(1);
  return commands.map((c) => {
    const topic = /-t "([^"]+)"/.exec(c)?.[1] ?? "";
    const json = /-m '([^']+)'/.exec(c)?.[1] ?? "";
    return { topic: expand(topic), kind: topic.includes("/telemetry/") ? ("kiosk" as const) : null, json };
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
});
