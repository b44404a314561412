import { describe, expect, it } from "vitest";
import { topicMatches } from "../../src/contract/topic-filter.js";

describe("MQTT topic filters", () => {
  it.each([
    ["hallwatch/v1/_system/alerts/+", "hallwatch/v1/_system/alerts/h1", true],
    ["hallwatch/v1/_system/alerts/+", "hallwatch/v1/_system/alerts/h1/x", false],
    ["hallwatch/v1/_system/alerts/+", "hallwatch/v1/_system/alerts", false],
    ["hallwatch/v1/h1/#", "hallwatch/v1/h1/a/status", true],
    ["hallwatch/v1/h1/#", "hallwatch/v1/h1", true],
    ["hallwatch/v1/h1/#", "hallwatch/v1/h2/a/status", false],
    ["a/b", "a/b", true],
    ["a/b", "a/c", false],
    ["#", "anything/at/all", true],
  ])("%s matches %s: %s", (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});
