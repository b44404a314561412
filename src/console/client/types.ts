export interface User {
  username: string;
  displayName: string;
  roles: string[];
  halls: string[];
  language: "zh" | "en";
  /** Signed in with a one-time password: the console leads to #/account first. */
  mustChangePassword?: boolean;
}

export interface AlertView {
  id: string;
  hallId: string;
  deviceId: string | null;
  agentId: string | null;
  kind: string | null;
  faultType: string;
  severity: "critical" | "major" | "minor" | "warning" | "operational";
  audience: string[];
  status: "open" | "acknowledged" | "resolved";
  summary: { en: string; zh: string };
  openedMs: number;
  lastSeenMs: number;
  count: number;
  lastObserved: number | string | boolean | null;
  affected: string[];
  flapping: boolean;
  escalationLevel: number;
  /** People told about it in person (issue 14): they see it even outside their halls and roles. */
  notifiedUsers?: string[];
}

export interface DeviceView {
  hallId: string;
  deviceId: string;
  agentId: string;
  kind: string;
  model: string;
  zone: string;
  name: string | null;
  connectivity: "online" | "offline" | "unknown";
  connectivitySinceMs: number;
  lastSeenMs: number | null;
  values: Record<string, unknown> | null;
}

export interface HallView {
  id: string;
  name: string;
  timeZone?: string;
  /** District or region (e.g. 西城区), for grouped notices. */
  region?: string | null;
  devices: { online: number; offline: number; unknown: number; total: number };
}

/** GET /api/cluster (admin): as `src/cluster/cluster-view.ts` builds it. */
export interface ClusterNode {
  nodeId: string;
  roles: string[];
  address: string | null;
  startedMs: number;
  lastHeartbeatMs: number;
  live: boolean;
  /** The node that answered. */
  self: boolean;
  halls: number;
  messagesPerSec: number | null;
}

export interface ClusterHall {
  hallId: string;
  ownerNode: string | null;
  epoch: number | null;
  leaseAgeMs: number | null;
  /** No node holds it now: it is being taken over. */
  expired: boolean;
}

export interface ClusterSnapshot {
  mode: "single" | "shared";
  nodeId: string;
  atMs: number;
  nodes: ClusterNode[];
  halls: ClusterHall[];
}
