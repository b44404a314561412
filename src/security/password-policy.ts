import { readFileSync } from "node:fs";

export const MIN_PASSWORD_LENGTH = 10;
/** Digits alone are allowed from this length on (a long PIN-like passphrase is hard to guess). */
const MIN_DIGITS_ONLY_LENGTH = 16;

/**
 * About a thousand of the most used passwords (the head of SecLists' 10k-most-common, MIT, with common
 * Chinese and keyboard ones added), lower case.
 */
const COMMON = new Set(
  readFileSync(new URL("./common-passwords.txt", import.meta.url), "utf8")
    .split("\n")
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line.length > 0),
);

const KEYBOARD_ROWS = [
  "1234567890",
  "qwertyuiop",
  "asdfghjkl",
  "zxcvbnm",
  "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
];
const LEET: Record<string, string> = {
  "0": "o",
  "1": "i",
  "3": "e",
  "4": "a",
  "5": "s",
  "7": "t",
  "@": "a",
  $: "s",
};

/** The rule a refused password breaks: a stable code the console translates. */
export type PasswordRule =
  | "too_short"
  | "contains_username"
  | "repeated_character"
  | "repeated_pattern"
  | "common"
  | "sequence"
  | "digits_only";

const RULE_MESSAGES: Record<PasswordRule, string> = {
  too_short: `the password needs at least ${MIN_PASSWORD_LENGTH} characters`,
  contains_username: "the password must not contain the user name",
  repeated_character: "the password is one character repeated",
  repeated_pattern: "the password is a short pattern repeated",
  common: "the password is too common (it is in the list of the most used passwords)",
  sequence: "the password is a sequence (like abcdef…, 123456… or a keyboard row)",
  digits_only: `the password is only digits: use at least ${MIN_DIGITS_ONLY_LENGTH} digits, or add letters`,
};

/** Which rule a password breaks, or null when it is acceptable. */
export function passwordRule(password: string, username?: string): PasswordRule | null {
  if (password.length < MIN_PASSWORD_LENGTH) return "too_short";
  const lower = password.toLowerCase();
  if (username && username.length >= 3 && lower.includes(username.toLowerCase())) return "contains_username";
  if (/^(.)\1+$/s.test(password)) return "repeated_character";
  if (/^(.{2,4})\1+(.{0,3})$/s.test(lower)) return "repeated_pattern";
  if (isCommon(lower)) return "common";
  const letters = lower.replace(/[^a-z0-9]/g, "");
  if (isSequence(lower) || (letters.length >= MIN_PASSWORD_LENGTH && isSequence(letters))) return "sequence";
  if (/^\d+$/.test(password) && password.length < MIN_DIGITS_ONLY_LENGTH) return "digits_only";
  return null;
}

/** Why a password is refused, or null when it is acceptable. The message never repeats the password. */
export function passwordProblem(password: string, username?: string): string | null {
  const rule = passwordRule(password, username);
  return rule ? RULE_MESSAGES[rule] : null;
}

/** A listed password, or one with digits or symbols added around it, or written with look-alike digits. */
function isCommon(lower: string): boolean {
  if (COMMON.has(lower)) return true;
  const stripped = lower.replace(/^[^a-z]+|[^a-z]+$/g, "");
  if (stripped.length >= 4 && COMMON.has(stripped)) return true;
  const unleet = lower.replace(/[013457@$]/g, (c) => LEET[c] ?? c);
  const unleetStripped = unleet.replace(/^[^a-z]+|[^a-z]+$/g, "");
  return COMMON.has(unleet) || (unleetStripped.length >= 4 && COMMON.has(unleetStripped));
}

/** Steps of +1 or −1 throughout (abcdef, 987654), or a run along a keyboard row, forwards or backwards. */
function isSequence(lower: string): boolean {
  const step = lower.charCodeAt(1) - lower.charCodeAt(0);
  if (Math.abs(step) === 1) {
    let same = true;
    for (let i = 2; i < lower.length && same; i++)
      same = lower.charCodeAt(i) - lower.charCodeAt(i - 1) === step;
    if (same) return true;
  }
  const reversed = [...lower].reverse().join("");
  return KEYBOARD_ROWS.some((row) => row.includes(lower) || row.includes(reversed));
}
