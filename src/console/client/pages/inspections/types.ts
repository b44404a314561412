/** What the fire-inspection API sends (src/api/routes/inspections.ts), as the pages read it. */
export interface Asset {
  id: string;
  hallId: string;
  location: string;
  zone: string | null;
  type: string;
  size: string;
  nextServiceDate: string;
  scrapDate: string | null;
  sensorDeviceId: string | null;
  currentStatus?: string | null;
  notDueUntil?: string | null;
}

export interface Reading {
  item: string;
  name: string;
  value: number | boolean;
  unit: string | null;
  flagged: boolean;
  note: { en: string; zh: string };
  confirmedPass?: boolean;
}

export interface Action {
  id: string;
  assetId: string;
  item: string;
  openedMs: number;
  openedBy: string;
  closed: { atMs: number; by: string; note: string } | null;
}

export interface Period {
  label: string;
  overdueMs: number;
  status: string;
  timeZone: string;
  dueDay: string;
  notDueUntil: string | null;
}

export interface RecordSummary {
  id: string;
  inspectedMs: number;
  inspector: string;
  passed: boolean;
  failedItems: string[];
}

export interface AssetView {
  asset: Asset;
  retired: boolean;
  checklist: { item: string; text: { en: string; zh: string } }[];
  sensor: { deviceId: string; connectivity: string; lastSeenMs: number | null; readings: Reading[] } | null;
  period: Period;
  openActions: Action[];
  recentRecords: RecordSummary[];
}

export interface InspectionRecord extends RecordSummary {
  assetId: string;
  results: Record<string, "pass" | "fail">;
  note: string | null;
  photoId: string | null;
  sensor: Reading[];
}

/** The server's roles (src/api/routes/inspections.ts): who inspects, registers assets, sets the policy, closes actions. */
export const INSPECTORS = ["security", "duty_manager"];
export const REGISTRARS = ["admin", "maintenance"];
export const POLICY_SETTERS = ["admin", "duty_manager"];
export const FIXERS = ["maintenance"];

export const assetPath = (hallId: string, assetId: string) =>
  `/api/halls/${encodeURIComponent(hallId)}/fire-assets/${encodeURIComponent(assetId)}`;
