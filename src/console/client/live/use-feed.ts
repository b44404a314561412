import { useEffect, useReducer } from "preact/hooks";
import { type AlertFeed, alertFeed } from "./alert-feed.js";

/** Re-renders the calling component on every change of the live alert feed. */
export function useAlertFeed(): AlertFeed {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => alertFeed.subscribe(() => bump(undefined)), []);
  return alertFeed;
}
