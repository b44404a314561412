// The mapping of a CPU profile's frames to the aggregator's stages, on a tiny synthetic profile.
import { describe, expect, it } from "vitest";
import {
  attributeProfile,
  type CpuProfileNode,
  STAGES,
  stageOfFrame,
  usPerMsgByStage,
} from "../../bench/lib/stage-attribution.js";

const root = "file:///work/hallwatch";
const node = (id: number, functionName: string, url: string, hitCount: number, children: number[] = []) =>
  ({ id, callFrame: { functionName, url }, hitCount, children }) satisfies CpuProfileNode;

describe("stage attribution", () => {
  it("maps source files, packages and V8's pseudo-frames to stages", () => {
    const at = (url: string, functionName = "f") => stageOfFrame({ functionName, url });
    expect(at(`${root}/src/aggregator/fast-decode.ts`)).toBe("decode");
    expect(at(`${root}/src/aggregator/fast-validate.ts`)).toBe("validate");
    expect(at(`${root}/node_modules/zod/v4/core/schemas.js`)).toBe("validate");
    expect(at(`${root}/src/core/presence/tracker.ts`)).toBe("presence");
    expect(at(`${root}/src/aggregator/presence-writer.ts`)).toBe("presence");
    expect(at(`${root}/src/core/faults/evaluate.ts`)).toBe("rules");
    expect(at(`${root}/src/alerts/alert-service.ts`)).toBe("alerts");
    expect(at(`${root}/src/core/alerts/alert.ts`)).toBe("alerts");
    expect(at(`${root}/src/store/presence.ts`)).toBe("persistence");
    expect(at(`${root}/node_modules/better-sqlite3/lib/methods/transaction.js`)).toBe("persistence");
    expect(at(`${root}/src/aggregator/ingest-log.ts`)).toBe("persistence");
    expect(at(`${root}/node_modules/mqtt-packet/parser.js`)).toBe("mqttNetwork");
    expect(at(`${root}/node_modules/mqtt/build/lib/client.js`)).toBe("mqttNetwork");
    expect(at("node:net")).toBe("mqttNetwork");
    expect(at(`${root}/node_modules/debug/src/common.js`)).toBe("mqttNetwork");
    expect(at("", "set inTransaction")).toBe("persistence");
    expect(at("node:internal/streams/readable")).toBe("mqttNetwork");
    expect(at("", "(garbage collector)")).toBe("gc");
    expect(at("", "(program)")).toBe("other");
    expect(at(`${root}/src/aggregator/aggregator.ts`)).toBe("other");
    expect(at(`${root}/bench/lib/aggregator-child.ts`)).toBe("other");
    expect(at("", "parse")).toBeNull(); // native: takes its caller's stage
    expect(at("node:events")).toBeNull();
  });

  it("charges native frames to their innermost staged caller and leaves idle out", () => {
    const profile = {
      nodes: [
        node(1, "(root)", "", 0, [2, 3, 4, 5]),
        node(2, "(idle)", "", 50),
        node(3, "(garbage collector)", "", 5),
        node(4, "onData", "node:net", 2, [6]),
        node(5, "(program)", "", 3),
        node(6, "handleMessage", `${root}/src/aggregator/aggregator.ts`, 4, [7, 9]),
        node(7, "decodeTelemetry", `${root}/src/aggregator/fast-decode.ts`, 1, [8]),
        node(8, "parse", "", 6), // JSON.parse under decode
        node(9, "flush", `${root}/src/store/presence.ts`, 1, [10]),
        node(10, "run", "", 9), // Statement.run under the store
      ],
    };
    const s = attributeProfile(profile);
    expect(s.idleSamples).toBe(50);
    expect(s.busySamples).toBe(5 + 2 + 3 + 4 + 1 + 6 + 1 + 9);
    expect(s.samplesByStage).toMatchObject({
      gc: 5,
      mqttNetwork: 2,
      other: 3 + 4,
      decode: 7,
      persistence: 10,
      rules: 0,
    });
    const us = usPerMsgByStage(s, 31);
    expect(Object.keys(us)).toEqual([...STAGES]);
    expect(us.decode).toBeCloseTo(7, 6);
    expect(Object.values(us).reduce((a, b) => a + b, 0)).toBeCloseTo(31, 6);
  });
});
