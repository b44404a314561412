import type { Lang } from "../i18n.js";

/** Words of the admin's cluster page and the hall page's owner line (GET /api/cluster); same keys in both. */
const zh = {
  tab: "集群",
  title: "集群节点与营业厅归属",
  refreshNote: "每 5 秒自动刷新",
  mode: "运行方式",
  modeSingle: "单节点：本节点负责所有营业厅",
  modeShared: "多节点：营业厅按租约分配给各节点",
  nodes: "节点",
  node: "节点",
  roles: "角色",
  /** A node's roles (HALLWATCH_ROLES); an unknown one is shown as sent. */
  nodeRole: { ingest: "消息接入", api: "接口", jobs: "后台任务" } as Record<string, string>,
  state: "状态",
  live: "在线",
  notLive: "失联",
  heartbeat: "上次心跳",
  hallsOwned: "负责营业厅数",
  rate: "消息速率",
  rateValue: (n: number) => `${n} 条/秒`,
  noRate: "尚未统计",
  thisNode: "本节点",
  halls: "营业厅",
  hall: "营业厅",
  owner: "负责节点",
  epoch: "租约代数",
  leaseAge: "持有时长",
  noLease: "—",
  takeover: "租约已过期，正在接管",
  noOwner: "无",
  noNodes: "没有节点记录",
  noHalls: "还没有营业厅",
  ago: (age: string) => `${age}前`,
  seconds: (n: number) => `${n} 秒`,
  minutes: (n: number) => `${n} 分钟`,
  hours: (n: number) => `${n} 小时`,
  ownedBy: "负责此营业厅的节点：",
  ownerTakeover: "此营业厅的租约已过期，正在由其他节点接管",
  seeCluster: "查看集群",
};

const en: typeof zh = {
  tab: "Cluster",
  title: "Cluster nodes and hall owners",
  refreshNote: "Refreshes every 5 seconds",
  mode: "Mode",
  modeSingle: "Single node: this node owns every hall",
  modeShared: "Shared: halls are split between nodes by leases",
  nodes: "Nodes",
  node: "Node",
  roles: "Roles",
  nodeRole: { ingest: "ingest", api: "API", jobs: "jobs" },
  state: "State",
  live: "Live",
  notLive: "Not heard from",
  heartbeat: "Last heartbeat",
  hallsOwned: "Halls owned",
  rate: "Message rate",
  rateValue: (n: number) => `${n} msg/s`,
  noRate: "not measured yet",
  thisNode: "this node",
  halls: "Halls",
  hall: "Hall",
  owner: "Owner node",
  epoch: "Epoch",
  leaseAge: "Held for",
  noLease: "—",
  takeover: "Lease expired: being taken over",
  noOwner: "none",
  noNodes: "No node has reported",
  noHalls: "No halls yet",
  ago: (age: string) => `${age} ago`,
  seconds: (n: number) => `${n} s`,
  minutes: (n: number) => `${n} min`,
  hours: (n: number) => `${n} h`,
  ownedBy: "Node owning this hall: ",
  ownerTakeover: "This hall's lease expired: another node is taking it over",
  seeCluster: "See the cluster",
};

export const CLUSTER_TEXT: Record<Lang, typeof zh> = { zh, en };

/** A duration as people read it: seconds under two minutes, then minutes, then hours. */
export function ageText(ms: number, lang: Lang): string {
  const w = CLUSTER_TEXT[lang];
  const sec = Math.max(0, Math.round(ms / 1000));
  if (sec < 120) return w.seconds(sec);
  if (sec < 7200) return w.minutes(Math.floor(sec / 60));
  return w.hours(Math.floor(sec / 3600));
}
