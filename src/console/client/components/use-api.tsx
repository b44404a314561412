import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api.js";
import { useSession } from "../session.js";
import { ErrorNote } from "./errors.js";

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** GETs `path` (again whenever it changes or `reload()` is called); null skips the request. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({
    data: null,
    error: null,
    loading: path !== null,
  });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setState((previous) => ({ ...previous, loading: true, error: null }));
    api<T>("GET", path).then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: unknown) => current && setState({ data: null, error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { ...state, reload };
}

/** Shows a loading line, or the error with a retry button, or the children once the data is there. */
export function Async<T>({
  state,
  children,
}: {
  state: Loaded<T>;
  children: (data: T) => ComponentChildren;
}) {
  const { t } = useSession();
  if (state.error) return <ErrorNote error={state.error} onRetry={state.reload} />;
  if (state.data === null)
    return (
      <p class="muted" aria-busy="true">
        {t.loading}
      </p>
    );
  return <>{children(state.data)}</>;
}

/** Calls `reload` whenever `key` changes after the first render (e.g. the open alerts changed), not on mount. */
export function useReloadOn(key: string, reload: () => void): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else reload();
  }, [key, reload]);
}
