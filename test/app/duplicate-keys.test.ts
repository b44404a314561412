import { describe, expect, it } from "vitest";
import { duplicateKeys } from "./duplicate-keys.js";

describe("duplicateKeys (the terminal test's check)", () => {
  it("finds a key repeated in one object, at any depth, and nothing else", () => {
    expect(duplicateKeys('{"level":30,"agentId":"a","agentId":"a","msg":"x"}')).toEqual(["1:agentId"]);
    expect(duplicateKeys('{"a":{"b":1,"b":2},"c":[{"d":1},{"d":2}]}')).toEqual(["2:b"]);
    expect(duplicateKeys('{"a":"x,\\"a\\":1","b":["a","a"],"c":{"a":1}}')).toEqual([]);
  });
});
