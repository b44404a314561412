import { type AlertAction, HallMovingError, type RemoteAlerts } from "../alerts/alert-actions.js";
import type { Alert, LifecycleError } from "../core/alerts/alert.js";
import type { Logger } from "../logging.js";
import type { LeasePort } from "./lease-store.js";
import { signNodeRequest } from "./node-signature.js";

/** The owner's route for forwarded actions (src/api/routes/cluster-alerts.ts). */
export const FORWARDED_ACTIONS_ROUTE = "/api/cluster/alerts/:id/actions";
export const forwardedActionsPath = (id: string) => `/api/cluster/alerts/${encodeURIComponent(id)}/actions`;

/** What the owner answers with 200: the action's outcome there. */
export type ForwardedOutcome =
  | { outcome: "applied"; alert: Alert }
  | { outcome: "refused"; error: LifecycleError }
  | { outcome: "not_found" };

export interface AlertForwarderOptions {
  /** This node, which signs the requests. */
  nodeId: string;
  /** Who owns a hall now, by the database's clock. */
  leases: Pick<LeasePort, "ownerOf" | "nowMs">;
  /** clusterForwardingKey(secret key): the same on every node. */
  key: Buffer;
  /** Whether this node holds a hall now (ClusterMembership.epochOf(hallId) !== null). */
  holds: (hallId: string) => boolean;
  logger: Logger;
  /** How long the owner may take to answer (default 5 s). */
  timeoutMs?: number;
  /** A hall whose owner answers that it no longer holds it is asked again once, after this (default 500 ms). */
  retryDelayMs?: number;
  now?: () => number;
}

/**
 * The client half of "Alerts across nodes" (docs/scale-out.md): an action on an alert of a hall another node owns
 * is POSTed, signed, to that node's API, which applies it as the single writer of the hall's alerts. Pass it as
 * AlertService's `cluster.remote`.
 */
export class AlertForwarder implements RemoteAlerts {
  private readonly now: () => number;

  constructor(private readonly options: AlertForwarderOptions) {
    this.now = options.now ?? Date.now;
  }

  holds(hallId: string): boolean {
    return this.options.holds(hallId);
  }

  async forward(hallId: string, id: string, action: AlertAction): Promise<Alert | LifecycleError | null> {
    try {
      return await this.attempt(hallId, id, action);
    } catch (err) {
      if (!(err instanceof HallMovingError)) throw err;
      // The lease moved between our read and the owner's: the next owner may be known already.
      await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs ?? 500));
      return this.attempt(hallId, id, action);
    }
  }

  private async attempt(
    hallId: string,
    id: string,
    action: AlertAction,
  ): Promise<Alert | LifecycleError | null> {
    const { leases, nodeId } = this.options;
    const owner = await leases.ownerOf(hallId, await leases.nowMs());
    if (!owner) throw new HallMovingError(hallId, "no node holds it now");
    if (owner.nodeId === nodeId) throw new HallMovingError(hallId, "this node is taking it over");
    if (!owner.address)
      throw new Error(
        `node ${owner.nodeId} owns hall ${hallId} but recorded no address: set its HALLWATCH_NODE_ADDRESS`,
      );
    const path = forwardedActionsPath(id);
    const body = JSON.stringify(action);
    const url = `${owner.address.replace(/\/$/, "")}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...signNodeRequest(this.options.key, { method: "POST", path, body }, nodeId, this.now()),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
    } catch (err) {
      this.options.logger.warn(
        { err, hallId, owner: owner.nodeId, url },
        "cluster: the hall's owner did not answer",
      );
      throw new HallMovingError(hallId, `its owner ${owner.nodeId} does not answer`);
    }
    const answer = (await response.json().catch(() => null)) as
      | (ForwardedOutcome & { error?: unknown })
      | { error?: { code?: string; message?: string } }
      | null;
    if (response.status === 503) throw new HallMovingError(hallId, `node ${owner.nodeId} no longer holds it`);
    if (response.status !== 200 || !answer || !("outcome" in answer)) {
      const message =
        (answer?.error as { message?: string } | undefined)?.message ?? `status ${response.status}`;
      throw new Error(`node ${owner.nodeId} refused a forwarded action on alert ${id}: ${message}`);
    }
    if (answer.outcome === "applied") return answer.alert;
    if (answer.outcome === "refused") return answer.error;
    return null;
  }
}
