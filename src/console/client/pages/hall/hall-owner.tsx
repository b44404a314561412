import { useApi } from "../../components/use-api.js";
import { CLUSTER_TEXT } from "../../i18n/cluster.js";
import { useSession } from "../../session.js";
import type { ClusterSnapshot } from "../../types.js";

/**
 * The node that owns this hall, for an admin only (GET /api/cluster answers others with 403, so they never ask),
 * linking to the cluster page. Nothing while loading or when the cluster cannot be read: the page is the hall's.
 */
export function HallOwner({ hallId }: { hallId: string }) {
  const { lang, hasRole } = useSession();
  const isAdmin = hasRole("admin");
  const cluster = useApi<ClusterSnapshot>(isAdmin ? "/api/cluster" : null);
  const hall = cluster.data?.halls.find((h) => h.hallId === hallId);
  if (!isAdmin || !cluster.data || !hall) return null;
  const w = CLUSTER_TEXT[lang];
  return (
    <p class="hall-owner" data-testid="hall-owner">
      {hall.expired || hall.ownerNode === null ? (
        <span class="state bad">{w.ownerTakeover}</span>
      ) : (
        <>
          {w.ownedBy}
          <strong>{hall.ownerNode}</strong>
          {hall.ownerNode === cluster.data.nodeId ? <span class="badge">{w.thisNode}</span> : null}
        </>
      )}{" "}
      · <a href="#/admin/cluster">{w.seeCluster}</a>
    </p>
  );
}
