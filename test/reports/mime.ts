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
