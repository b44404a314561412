import type { Lang } from "../i18n.js";
import { AUDIT_LABELS, CHANNEL_LABELS, SEVERITY_LABELS } from "./admin-codes.js";

/**
 * Every code the API sends that a person reads: device kinds, connectivity, roles, weekdays, fault types,
 * telemetry fields (with units) and values. Pages show codes only through `codeLabel()`, so a code missing here
 * is caught by the translation test instead of reaching the page raw.
 */
type Labels = Record<string, { zh: string; en: string }>;

export const KIND_LABELS: Labels = {
  kiosk: { zh: "自助终端", en: "Self-service kiosk" },
  charger: { zh: "手机充电站", en: "Phone charger" },
  tv: { zh: "大厅电视", en: "Hall TV" },
  queue: { zh: "排队叫号机", en: "Queue-ticket machine" },
  extinguisher: { zh: "灭火器", en: "Fire extinguisher" },
  hydrant: { zh: "消火栓", en: "Fire hydrant" },
  gateway: { zh: "网关", en: "Gateway" },
};

export const CONNECTIVITY_LABELS: Labels = {
  online: { zh: "在线", en: "Online" },
  offline: { zh: "离线", en: "Offline" },
  unknown: { zh: "未知", en: "Unknown" },
};

export const ROLE_LABELS: Labels = {
  admin: { zh: "管理员", en: "Administrator" },
  duty_manager: { zh: "值班经理", en: "Duty manager" },
  floor_staff: { zh: "大堂人员", en: "Floor staff" },
  maintenance: { zh: "维修人员", en: "Maintenance" },
  security: { zh: "安保人员", en: "Security" },
};

export const WEEKDAY_LABELS: Labels = {
  mon: { zh: "周一", en: "Monday" },
  tue: { zh: "周二", en: "Tuesday" },
  wed: { zh: "周三", en: "Wednesday" },
  thu: { zh: "周四", en: "Thursday" },
  fri: { zh: "周五", en: "Friday" },
  sat: { zh: "周六", en: "Saturday" },
  sun: { zh: "周日", en: "Sunday" },
};

export const FAULT_LABELS: Labels = {
  agent_offline: { zh: "采集代理离线", en: "Agent offline" },
  app_down: { zh: "应用无响应", en: "Application down" },
  battery_low: { zh: "电量低", en: "Battery low" },
  card_reader_fault: { zh: "读卡器故障", en: "Card reader fault" },
  clock_skew: { zh: "时钟偏差", en: "Clock skew" },
  congestion: { zh: "排队拥堵", en: "Congestion" },
  device_conflict: { zh: "设备冲突", en: "Device conflict" },
  disk_high: { zh: "磁盘将满", en: "Disk nearly full" },
  display_fault: { zh: "显示屏故障", en: "Display fault" },
  door_open: { zh: "箱门打开", en: "Door open" },
  gateway_down: { zh: "网关离线", en: "Gateway down" },
  high_latency: { zh: "网络延迟高", en: "High latency" },
  history_buffer_full: { zh: "历史缓存已满", en: "History buffer full" },
  hose_missing: { zh: "水带缺失", en: "Hose missing" },
  hydrant_low_pressure: { zh: "消火栓水压低", en: "Hydrant pressure low" },
  inspection_failed: { zh: "巡检不合格", en: "Inspection failed" },
  inspection_overdue: { zh: "巡检逾期", en: "Inspection overdue" },
  no_signal: { zh: "无信号", en: "No signal" },
  not_ready: { zh: "开门时设备未就绪", en: "Not ready at opening" },
  obstructed: { zh: "被遮挡", en: "Obstructed" },
  offline: { zh: "离线", en: "Offline" },
  overheat: { zh: "过热", en: "Overheating" },
  paper_low: { zh: "纸张不足", en: "Paper low" },
  paper_out: { zh: "缺纸", en: "Out of paper" },
  player_stalled: { zh: "播放器停止", en: "Player stalled" },
  port_fault: { zh: "充电口故障", en: "Port fault" },
  ports_half_fault: { zh: "半数充电口故障", en: "Half the ports faulty" },
  pressure_out_of_zone: { zh: "压力超出绿区", en: "Pressure out of the green zone" },
  printer_fault: { zh: "打印机故障", en: "Printer fault" },
  printer_jam: { zh: "打印机卡纸", en: "Printer jam" },
  removed: { zh: "已被移走", en: "Removed" },
  screen_fault: { zh: "屏幕故障", en: "Screen fault" },
  seal_broken: { zh: "铅封损坏", en: "Seal broken" },
  tv_not_on: { zh: "营业时间电视未开", en: "TV not on while open" },
  uplink_down: { zh: "上行网络中断", en: "Uplink down" },
  voice_fault: { zh: "语音叫号故障", en: "Voice fault" },
  service_due: { zh: "消防器材将到维保期", en: "Fire equipment service due" },
  scrap_due: { zh: "消防器材将到报废期", en: "Fire equipment due for scrapping" },
  disk_full: { zh: "磁盘已满", en: "Disk full" },
  store_unwritable: { zh: "数据库无法写入", en: "Store cannot be written" },
};

/** Telemetry fields by name, with the unit shown after the value. */
export const FIELD_LABELS: Record<string, { zh: string; en: string; unit?: string }> = {
  appOk: { zh: "应用正常", en: "Application OK" },
  screenOk: { zh: "屏幕正常", en: "Screen OK" },
  touchOk: { zh: "触摸正常", en: "Touch OK" },
  printerState: { zh: "打印机状态", en: "Printer" },
  paperPct: { zh: "纸张余量", en: "Paper left", unit: "%" },
  cardReaderOk: { zh: "读卡器正常", en: "Card reader OK" },
  cpuPct: { zh: "CPU 占用", en: "CPU", unit: "%" },
  memPct: { zh: "内存占用", en: "Memory", unit: "%" },
  diskPct: { zh: "磁盘占用", en: "Disk", unit: "%" },
  ports: { zh: "充电口", en: "Ports" },
  port: { zh: "充电口编号", en: "Port" },
  state: { zh: "状态", en: "State" },
  currentA: { zh: "电流", en: "Current", unit: "A" },
  voltageV: { zh: "电压", en: "Voltage", unit: "V" },
  enclosureTempC: { zh: "箱体温度", en: "Enclosure temperature", unit: "°C" },
  totalPowerW: { zh: "总功率", en: "Total power", unit: "W" },
  power: { zh: "电源", en: "Power" },
  signalOk: { zh: "信号正常", en: "Signal OK" },
  input: { zh: "输入源", en: "Input" },
  playerHeartbeatAgeSec: { zh: "播放器心跳间隔", en: "Player heartbeat age", unit: "s" },
  waitingTotal: { zh: "排队人数", en: "Waiting" },
  waitingByService: { zh: "各业务排队", en: "Waiting by service" },
  longestWaitSec: { zh: "最长等待", en: "Longest wait", unit: "s" },
  countersOpen: { zh: "开放窗口", en: "Counters open" },
  ticketsIssuedToday: { zh: "今日取号", en: "Tickets issued today" },
  ticketsCalledToday: { zh: "今日叫号", en: "Tickets called today" },
  displaysOk: { zh: "显示屏正常", en: "Displays OK" },
  voiceOk: { zh: "语音正常", en: "Voice OK" },
  pressureMpa: { zh: "压力", en: "Pressure", unit: "MPa" },
  present: { zh: "在位", en: "On its bracket" },
  obstructed: { zh: "被遮挡", en: "Obstructed" },
  sealIntact: { zh: "铅封完好", en: "Seal intact" },
  batteryPct: { zh: "电量", en: "Battery", unit: "%" },
  rssiDbm: { zh: "信号强度", en: "Signal strength", unit: "dBm" },
  doorOpen: { zh: "箱门打开", en: "Door open" },
  hosePresent: { zh: "水带在位", en: "Hose present" },
  uplinkOk: { zh: "上行网络正常", en: "Uplink OK" },
  latencyMs: { zh: "网络延迟", en: "Latency", unit: "ms" },
  packetLossPct: { zh: "丢包率", en: "Packet loss", unit: "%" },
  sensorsOnline: { zh: "在线传感器", en: "Sensors online" },
  sensorsExpected: { zh: "应有传感器", en: "Sensors expected" },
  faultyPorts: { zh: "故障充电口数", en: "Faulty ports" },
  devicesAffected: { zh: "受影响设备数", en: "Devices affected" },
};

/** Enumerated telemetry values (printer state, TV power, port state) and booleans. */
export const VALUE_LABELS: Labels = {
  ok: { zh: "正常", en: "OK" },
  paper_low: { zh: "纸张不足", en: "Paper low" },
  paper_out: { zh: "缺纸", en: "Out of paper" },
  jam: { zh: "卡纸", en: "Jammed" },
  cover_open: { zh: "盖板打开", en: "Cover open" },
  offline: { zh: "离线", en: "Offline" },
  on: { zh: "开", en: "On" },
  standby: { zh: "待机", en: "Standby" },
  off: { zh: "关", en: "Off" },
  idle: { zh: "空闲", en: "Idle" },
  charging: { zh: "充电中", en: "Charging" },
  fault: { zh: "故障", en: "Fault" },
  disabled: { zh: "停用", en: "Disabled" },
  true: { zh: "是", en: "Yes" },
  false: { zh: "否", en: "No" },
};

/** Fire-equipment types (the asset register's `type`). */
export const ASSET_TYPE_LABELS: Labels = {
  dry_powder: { zh: "干粉灭火器", en: "Dry powder extinguisher" },
  co2: { zh: "二氧化碳灭火器", en: "CO₂ extinguisher" },
  water: { zh: "水基灭火器", en: "Water extinguisher" },
  foam: { zh: "泡沫灭火器", en: "Foam extinguisher" },
  clean_agent: { zh: "洁净气体灭火器", en: "Clean agent extinguisher" },
  hydrant: { zh: "消火栓", en: "Fire hydrant" },
};

/** The fire-inspection checklist's items (as in src/core/inspections/checklist.ts). */
export const CHECK_ITEM_LABELS: Labels = {
  located: { zh: "在指定位置", en: "In its place" },
  visible: { zh: "醒目可见，标识完好", en: "Visible, sign in place" },
  access_clear: { zh: "取用通道无遮挡", en: "Access clear" },
  pressure_green: { zh: "压力在绿区", en: "Pressure in the green zone" },
  seal_pin_intact: { zh: "铅封和保险销完好", en: "Seal and safety pin intact" },
  no_damage: { zh: "无损伤、锈蚀、泄漏", en: "No damage, corrosion or leak" },
  hose_present: { zh: "喷管/水带、喷嘴齐全", en: "Hose and nozzle present" },
};

/** Zones of a hall as agents name them (free text); the common ones are translated, others are shown as given. */
export const ZONE_LABELS: Labels = {
  entrance: { zh: "入口", en: "Entrance" },
  waiting: { zh: "等候区", en: "Waiting area" },
  "self-service": { zh: "自助服务区", en: "Self-service area" },
  counters: { zh: "柜台区", en: "Counters" },
  "back-office": { zh: "后台办公区", en: "Back office" },
  lobby: { zh: "大堂", en: "Lobby" },
  vip: { zh: "贵宾区", en: "VIP area" },
};

/** Services of a queue machine (`waitingByService` keys). */
export const SERVICE_LABELS: Labels = {
  billing: { zh: "缴费业务", en: "Billing" },
  sim: { zh: "SIM 卡业务", en: "SIM cards" },
};

/** How a person was told (personal notices, on the alert's timeline). */
export const MEDIUM_LABELS: Labels = {
  email: { zh: "邮件", en: "e-mail" },
  sms: { zh: "短信", en: "SMS" },
  wecom: { zh: "企业微信", en: "WeCom" },
  dingtalk: { zh: "钉钉", en: "DingTalk" },
  push: { zh: "浏览器推送", en: "browser push" },
};

export const CODE_GROUPS = {
  kind: KIND_LABELS,
  connectivity: CONNECTIVITY_LABELS,
  role: ROLE_LABELS,
  weekday: WEEKDAY_LABELS,
  fault: FAULT_LABELS,
  field: FIELD_LABELS,
  value: VALUE_LABELS,
  assetType: ASSET_TYPE_LABELS,
  checkItem: CHECK_ITEM_LABELS,
  zone: ZONE_LABELS,
  channel: CHANNEL_LABELS,
  severity: SEVERITY_LABELS,
  audit: AUDIT_LABELS,
  service: SERVICE_LABELS,
  medium: MEDIUM_LABELS,
} as const;

export type CodeGroup = keyof typeof CODE_GROUPS;

/** The label of a code in the reader's language; an unknown code is shown as it came, marked for the tests. */
export function codeLabel(lang: Lang, group: CodeGroup, code: string): string {
  return CODE_GROUPS[group][code]?.[lang] ?? code;
}

/** A telemetry value with its unit, e.g. "1.05 MPa", "是". */
export function fieldValue(lang: Lang, field: string, value: unknown): string {
  if (typeof value === "boolean" || typeof value === "string") return codeLabel(lang, "value", String(value));
  if (typeof value === "number") {
    const unit = FIELD_LABELS[field]?.unit;
    const shown = Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/0+$/, "");
    return unit ? (unit === "%" ? `${shown}%` : `${shown} ${unit}`) : shown;
  }
  if (Array.isArray(value)) return listValue(lang, value);
  if (value !== null && typeof value === "object") {
    // A count per service, e.g. waitingByService: "缴费业务 3 · SIM 卡业务 2".
    const separator = lang === "zh" ? "，" : ", ";
    return Object.entries(value)
      .map(([key, item]) => `${codeLabel(lang, "service", key)} ${fieldValue(lang, key, item)}`)
      .join(separator);
  }
  return value === null || value === undefined ? "—" : String(value);
}

/** A list such as a charger's ports, as a count per state: "充电中 3，空闲 5". */
function listValue(lang: Lang, items: unknown[]): string {
  const counts = new Map<string, number>();
  for (const item of items) {
    const state =
      item !== null && typeof item === "object" && "state" in item ? String(item.state) : String(item);
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  return [...counts]
    .map(([state, count]) => `${codeLabel(lang, "value", state)} ${count}`)
    .join(lang === "zh" ? "，" : ", ");
}
