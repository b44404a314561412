/**
 * The robots' markdown (WeCom, DingTalk, Feishu lark_md) is a small subset with no documented escape, and
 * WeCom and Feishu read `<@user>` / `<at>` tags; a backslash would show literally. So text from devices
 * and people has its special characters replaced by full-width look-alikes: a device named `<script>` or
 * `**x**` reads the same and is never interpreted.
 */
const LOOKALIKE: Record<string, string> = {
  "<": "＜",
  ">": "＞",
  "*": "＊",
  "`": "｀",
  "[": "［",
  "]": "］",
  "#": "＃",
  "~": "～",
  "|": "｜",
};

export function neutralizeMarkdown(value: string): string {
  return value.replace(/[<>*`[\]#~|]/g, (c) => LOOKALIKE[c] ?? c).replace(/(^|\s)_|_(\s|$)/g, "$1＿$2");
}

/** For plain-text robot messages that still read tags (Feishu `<at>`). */
export function neutralizeTags(value: string): string {
  return value.replace(/</g, "＜").replace(/>/g, "＞");
}
