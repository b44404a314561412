import { hysteresis, param, rule } from "./helpers.js";
import { printerRules } from "./shared.js";

export const kioskRules = [
  ...printerRules(
    "kiosk",
    {
      jam: { severity: "major", audience: ["floor_staff"], forSec: 0 },
      out: { severity: "major", audience: ["floor_staff"], forSec: 0 },
      low: { severity: "warning", audience: ["floor_staff"], forSec: 0 },
    },
    {
      jam: { en: "Receipt printer jammed", zh: "凭条打印机卡纸" },
      out: { en: "Receipt paper out", zh: "凭条纸用完" },
      low: { en: "Receipt paper low", zh: "凭条纸将用完" },
    },
  ),
  rule({
    faultType: "printer_fault",
    kind: "kiosk",
    defaults: { severity: "minor", audience: ["floor_staff"], forSec: 30, params: {} },
    raise: ({ values }) => values.printerState === "offline" || values.printerState === "cover_open",
    clear: ({ values }) => values.printerState !== "offline" && values.printerState !== "cover_open",
    observed: ({ values }) => values.printerState,
    summary: { en: "Receipt printer offline or cover open", zh: "凭条打印机离线或盖板打开" },
  }),
  rule({
    faultType: "app_down",
    kind: "kiosk",
    defaults: { severity: "critical", audience: ["duty_manager", "maintenance"], forSec: 60, params: {} },
    raise: ({ values }) => !values.appOk,
    clear: ({ values }) => values.appOk,
    summary: { en: "Self-service application down", zh: "自助应用无响应" },
    // Apps are closed with the hall; a stopped app outside opening hours is normal, not critical.
    onlyWhenWatched: true,
  }),
  rule({
    faultType: "disk_high",
    kind: "kiosk",
    defaults: {
      severity: "warning",
      audience: ["maintenance"],
      forSec: 0,
      params: { abovePct: 90, clearBelowPct: 85 },
    },
    raise: ({ values, params }) => values.diskPct > param(params, "abovePct"),
    clear: ({ values, params }) => values.diskPct < param(params, "clearBelowPct"),
    observed: ({ values }) => values.diskPct,
    checkParams: hysteresis("above", "abovePct", "clearBelowPct"),
    summary: { en: "Disk almost full", zh: "磁盘空间不足" },
  }),
  rule({
    faultType: "screen_fault",
    kind: "kiosk",
    defaults: { severity: "major", audience: ["maintenance"], forSec: 30, params: {} },
    raise: ({ values }) => values.screenOk === false || values.touchOk === false,
    clear: ({ values }) => values.screenOk !== false && values.touchOk !== false,
    summary: { en: "Screen or touch panel fault", zh: "屏幕或触摸故障" },
  }),
  rule({
    faultType: "card_reader_fault",
    kind: "kiosk",
    defaults: { severity: "major", audience: ["maintenance"], forSec: 30, params: {} },
    raise: ({ values }) => values.cardReaderOk === false,
    clear: ({ values }) => values.cardReaderOk !== false,
    summary: { en: "Card reader fault", zh: "读卡器故障" },
  }),
];
