import { describe, expect, it } from "vitest";
import { passwordProblem } from "../../src/security/password-policy.js";

describe("password policy rules", () => {
  it.each([
    ["short", "ab-12", /at least 10/],
    ["repeated", "zzzzzzzzzzzz", /one character repeated/],
    ["pattern", "abcabcabcabc", /pattern repeated/],
    ["common", "iloveyou123", /common/],
    ["common with decoration", "!!Sunshine2026", /common/],
    ["leet", "P@ssw0rd2026", /common/],
    ["sequence", "abcdefghijklm", /sequence/],
    ["reverse sequence", "zyxwvutsrq", /sequence/],
    ["keyboard backwards", "poiuytrewq", /sequence/],
    ["digits", "31415926535", /only digits/],
    ["user name", "MyName-is-Floor-7", /user name/],
  ])("refuses %s", (_rule, password, message) => {
    expect(passwordProblem(password, "floor")).toMatch(message);
  });

  it.each([
    "Lantern-Queue-Nine",
    "correct horse battery staple",
    "8271 0492 6613 4410 99",
    "黄河远上白云间-2026",
  ])("accepts %s", (password) => {
    expect(passwordProblem(password, "floor")).toBeNull();
  });

  it("never repeats the password in its message", () => {
    expect(passwordProblem("floor-floor-floor", "floor")).not.toContain("floor-floor");
  });
});
