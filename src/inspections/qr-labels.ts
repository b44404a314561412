import QRCode from "qrcode";
import type { FireAsset } from "../core/inspections/assets.js";
import { escapeHtml } from "../reports/csv.js";

/** Where the labels' address came from: the configured public URL, or the request the sheet was asked through. */
export type LabelBase = { baseUrl: string; source: "public_url" } | { baseUrl: string; source: "request" };

export class LabelAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LabelAddressError";
  }
}

const HOST_RE = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return (
    h === "localhost" ||
    h.endsWith(".localhost") ||
    h === "::1" ||
    h === "0.0.0.0" ||
    h === "::" ||
    /^127\.\d+\.\d+\.\d+$/.test(h)
  );
}

/**
 * The address the labels encode: HALLWATCH_PUBLIC_URL when set; otherwise the address the admin's browser used
 * (fastify's request host and protocol: the Host header, or X-Forwarded-* only when trustProxy is configured),
 * unless that is a loopback address no phone can open, which is refused naming the variable.
 */
export function labelBase(
  publicUrl: string | null | undefined,
  request: { protocol: string; host: string },
): LabelBase {
  if (publicUrl) return { baseUrl: publicUrl, source: "public_url" };
  const host = request.host ?? "";
  if (!HOST_RE.test(host))
    throw new LabelAddressError(
      `the request's Host (${JSON.stringify(host.slice(0, 100))}) is not an address; set HALLWATCH_PUBLIC_URL to the console's address as phones reach it`,
    );
  const hostname = host.replace(/:\d+$/, "");
  if (isLoopback(hostname))
    throw new LabelAddressError(
      `QR labels need an address phones can open, and ${host} is this machine only: set HALLWATCH_PUBLIC_URL to the console's address as people reach it (e.g. https://hallwatch.example.cn), or open the console through that address`,
    );
  const protocol = request.protocol === "https" ? "https" : "http";
  return { baseUrl: `${protocol}://${host}`, source: "request" };
}

/** The console address a label's QR code opens: the asset's inspection page. */
export function inspectionUrl(baseUrl: string, hallId: string, assetId: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/#/inspect/${encodeURIComponent(hallId)}/${encodeURIComponent(assetId)}`;
}

/** A printable A4 sheet of labels, one per asset: QR code, id, location, type. */
export async function labelSheetHtml(
  hall: { id: string; name: string },
  assets: readonly FireAsset[],
  base: LabelBase,
): Promise<string> {
  const { baseUrl } = base;
  const notice =
    base.source === "request"
      ? `<p class="address-notice" role="note">HALLWATCH_PUBLIC_URL 未设置：二维码使用本页的访问地址 ${escapeHtml(baseUrl)}，请确认手机能打开该地址。 HALLWATCH_PUBLIC_URL is not set: these codes use the address this sheet was opened with, ${escapeHtml(baseUrl)}; make sure phones can open it.</p>`
      : "";
  const labels = await Promise.all(
    assets.map(async (asset) => {
      const url = inspectionUrl(baseUrl, hall.id, asset.id);
      const svg = await QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
      return `<figure class="label" data-asset="${escapeHtml(asset.id)}">${svg}<figcaption><strong>${escapeHtml(asset.id)}</strong><br>${escapeHtml(asset.location)}<br>${escapeHtml(asset.type)} · ${escapeHtml(asset.size)}<br><small>${escapeHtml(url)}</small></figcaption></figure>`;
    }),
  );
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(hall.name)} — 消防器材二维码 Fire asset labels</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:1cm}h1{font-size:1.2rem}.sheet{display:grid;grid-template-columns:repeat(3,1fr);gap:.5cm}.label{border:1px dashed #999;margin:0;padding:.3cm;text-align:center;break-inside:avoid}.label svg{width:4cm;height:4cm}figcaption{font-size:.8rem;word-break:break-all}.address-notice{border:2px solid #b00;padding:.3cm;font-weight:bold}@media print{h1,p:not(.address-notice){display:none}body{margin:0}}</style></head><body>
<h1>${escapeHtml(hall.name)} — 消防器材二维码 Fire asset labels</h1><p>扫码巡检 Scan to inspect · ${assets.length} assets</p>
${notice}<div class="sheet">${labels.join("")}</div></body></html>`;
}
