/** The attachments of a raw MIME mail (nodemailer's multipart/mixed, base64 parts), by file name. */
export function mailAttachments(raw: string): Map<string, { contentType: string; content: Buffer }> {
  const found = new Map<string, { contentType: string; content: Buffer }>();
  for (const part of raw.split(/\r\n--[^\r\n]+\r\n/)) {
    const [head = "", ...rest] = part.split(/\r\n\r\n/);
    const unfolded = head.replace(/\r\n[ \t]+/g, " ");
    const filename = /filename\*?=(?:"([^"]+)"|([^;\s]+))/i.exec(unfolded);
    if (!filename) continue;
    const contentType = /^Content-Type: ([^;\r\n]+)/im.exec(unfolded)?.[1]?.trim() ?? "";
    const body = rest.join("\r\n\r\n").split(/\r\n--/)[0] ?? "";
    found.set((filename[1] ?? filename[2]) as string, {
      contentType,
      content: Buffer.from(body.replace(/\s+/g, ""), "base64"),
    });
  }
  return found;
}

/** The text/plain part of a multipart mail, decoded (quoted-printable or base64). */
export function mailText(raw: string): string {
  for (const part of raw.split(/\r\n--[^\r\n]+\r\n/)) {
    const [head = "", ...rest] = part.split(/\r\n\r\n/);
    if (!/^Content-Type: text\/plain/im.test(head) || /filename=/i.test(head)) continue;
    const body = rest.join("\r\n\r\n").split(/\r\n--/)[0] ?? "";
    const encoding = /^Content-Transfer-Encoding: (.*)$/im.exec(head)?.[1]?.trim().toLowerCase();
    if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
    if (encoding === "quoted-printable")
      return Buffer.from(
        body
          .replace(/=\r\n/g, "")
          .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
        "latin1",
      ).toString("utf8");
    return body;
  }
  return "";
}
