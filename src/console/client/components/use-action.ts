import { useState } from "preact/hooks";

/**
 * Runs a user's action (save, revoke, disable…): clears the last failure, keeps the new one to show with
 * `<ErrorNote>`, and calls `after` either way so the list on screen shows what the server now holds.
 */
export function useAction(after: () => void): {
  failure: unknown;
  act: (action: () => Promise<unknown>) => Promise<void>;
} {
  const [failure, setFailure] = useState<unknown>(null);
  const act = async (action: () => Promise<unknown>) => {
    setFailure(null);
    try {
      await action();
    } catch (err) {
      setFailure(err);
    }
    after();
  };
  return { failure, act };
}
