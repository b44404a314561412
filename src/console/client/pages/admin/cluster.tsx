import { useEffect } from "preact/hooks";
import { Async, useApi } from "../../components/use-api.js";
import { ageText, CLUSTER_TEXT } from "../../i18n/cluster.js";
import type { Lang } from "../../i18n.js";
import { useSession } from "../../session.js";
import type { ClusterHall, ClusterNode, ClusterSnapshot } from "../../types.js";

/** How often the page asks again: a node heartbeats every 5 s, so anything faster shows nothing new. */
export const CLUSTER_REFRESH_MS = 5_000;

/** GET /api/cluster, read again every few seconds while the page is open (admin only: others get 403). */
export function useCluster(enabled: boolean) {
  const cluster = useApi<ClusterSnapshot>(enabled ? "/api/cluster" : null);
  const { reload } = cluster;
  useEffect(() => {
    if (!enabled) return;
    const timer = setInterval(reload, CLUSTER_REFRESH_MS);
    return () => clearInterval(timer);
  }, [enabled, reload]);
  return cluster;
}

/**
 * `#/admin/cluster`: the mode, every node (roles, live, heartbeat, halls, message rate, which is this one) and every
 * hall's owner with its lease; a lease that expired is marked as being taken over (docs/scale-out.md, "Operations").
 */
export function ClusterAdmin() {
  const { lang } = useSession();
  const w = CLUSTER_TEXT[lang];
  const cluster = useCluster(true);
  return (
    <>
      <h1>{w.title}</h1>
      <p class="muted">{w.refreshNote}</p>
      <Async state={cluster}>
        {(snapshot) => (
          <>
            <p data-testid="cluster-mode">
              <strong>{w.mode}:</strong> {snapshot.mode === "single" ? w.modeSingle : w.modeShared}
            </p>
            <h2>{w.nodes}</h2>
            {snapshot.nodes.length === 0 ? (
              <p class="muted">{w.noNodes}</p>
            ) : (
              <NodesTable nodes={snapshot.nodes} atMs={snapshot.atMs} lang={lang} />
            )}
            <h2>{w.halls}</h2>
            {snapshot.halls.length === 0 ? (
              <p class="muted">{w.noHalls}</p>
            ) : (
              <HallsTable halls={snapshot.halls} self={snapshot.nodeId} lang={lang} />
            )}
          </>
        )}
      </Async>
    </>
  );
}

function NodesTable({ nodes, atMs, lang }: { nodes: ClusterNode[]; atMs: number; lang: Lang }) {
  const w = CLUSTER_TEXT[lang];
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section class="table-scroll" aria-label={w.nodes} tabIndex={0}>
      <table class="cluster" data-testid="cluster-nodes">
        <thead>
          <tr>
            <th scope="col">{w.node}</th>
            <th scope="col">{w.roles}</th>
            <th scope="col">{w.state}</th>
            <th scope="col">{w.heartbeat}</th>
            <th scope="col">{w.hallsOwned}</th>
            <th scope="col">{w.rate}</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((node) => (
            <tr key={node.nodeId} data-node={node.nodeId} class={node.live ? undefined : "down"}>
              <th scope="row">
                {node.nodeId}
                {node.self ? <span class="badge self">{w.thisNode}</span> : null}
              </th>
              <td data-testid="node-roles">
                {node.roles.map((role) => w.nodeRole[role] ?? role).join(lang === "zh" ? "、" : ", ")}
              </td>
              <td data-testid="node-live" class={node.live ? "state" : "state bad"}>
                {node.live ? w.live : w.notLive}
              </td>
              <td>{w.ago(ageText(atMs - node.lastHeartbeatMs, lang))}</td>
              <td data-testid="node-halls">{node.halls}</td>
              <td data-testid="node-rate">
                {node.messagesPerSec === null ? w.noRate : w.rateValue(node.messagesPerSec)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function HallsTable({ halls, self, lang }: { halls: ClusterHall[]; self: string; lang: Lang }) {
  const w = CLUSTER_TEXT[lang];
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section class="table-scroll" aria-label={w.halls} tabIndex={0}>
      <table class="cluster" data-testid="cluster-halls">
        <thead>
          <tr>
            <th scope="col">{w.hall}</th>
            <th scope="col">{w.owner}</th>
            <th scope="col">{w.epoch}</th>
            <th scope="col">{w.leaseAge}</th>
          </tr>
        </thead>
        <tbody>
          {halls.map((hall) => (
            <tr key={hall.hallId} data-hall={hall.hallId} class={hall.expired ? "expired" : undefined}>
              <th scope="row">
                <a href={`#/hall/${encodeURIComponent(hall.hallId)}`}>{hall.hallId}</a>
              </th>
              {hall.expired ? (
                <td class="state bad">
                  <span data-testid="hall-owner-node">{w.takeover}</span>
                </td>
              ) : (
                <td>
                  <span data-testid="hall-owner-node">{hall.ownerNode ?? w.noOwner}</span>
                  {hall.ownerNode !== null && hall.ownerNode === self ? (
                    <span class="badge self">{w.thisNode}</span>
                  ) : null}
                </td>
              )}
              <td>{hall.epoch ?? w.noLease}</td>
              <td>{hall.leaseAgeMs === null ? w.noLease : ageText(hall.leaseAgeMs, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
