import QRCode from "qrcode";
import type { FireAsset } from "../core/inspections/assets.js";
import { escapeHtml } from "../reports/csv.js";

/** The console address a label's QR code opens: the asset's inspection page. */
export function inspectionUrl(baseUrl: string, hallId: string, assetId: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/#/inspect/${encodeURIComponent(hallId)}/${encodeURIComponent(assetId)}`;
}

/** A printable A4 sheet of labels, one per asset: QR code, id, location, type. */
export async function labelSheetHtml(
  hall: { id: string; name: string },
  assets: readonly FireAsset[],
  baseUrl: string,
): Promise<string> {
  const labels = await Promise.all(
    assets.map(async (asset) => {
      const url = inspectionUrl(baseUrl, hall.id, asset.id);
      const svg = await QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
      return `<figure class="label" data-asset="${escapeHtml(asset.id)}">${svg}<figcaption><strong>${escapeHtml(asset.id)}</strong><br>${escapeHtml(asset.location)}<br>${escapeHtml(asset.type)} · ${escapeHtml(asset.size)}<br><small>${escapeHtml(url)}</small></figcaption></figure>`;
    }),
  );
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(hall.name)} — 消防器材二维码 Fire asset labels</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:1cm}h1{font-size:1.2rem}.sheet{display:grid;grid-template-columns:repeat(3,1fr);gap:.5cm}.label{border:1px dashed #999;margin:0;padding:.3cm;text-align:center;break-inside:avoid}.label svg{width:4cm;height:4cm}figcaption{font-size:.8rem;word-break:break-all}@media print{h1,p{display:none}body{margin:0}}</style></head><body>
<h1>${escapeHtml(hall.name)} — 消防器材二维码 Fire asset labels</h1><p>扫码巡检 Scan to inspect · ${assets.length} assets</p>
<div class="sheet">${labels.join("")}</div></body></html>`;
}
