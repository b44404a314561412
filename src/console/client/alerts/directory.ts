import { useEffect, useState } from "preact/hooks";
import { api } from "../api.js";
import { codeLabel } from "../i18n/codes.js";
import { useSession } from "../session.js";
import type { DeviceView } from "../types.js";

export interface Person {
  username: string;
  displayName: string;
  roles: string[];
}
export interface HallInfo {
  id: string;
  name: string;
  timeZone: string;
}

/**
 * Names for the ids alerts carry (halls, devices, people), fetched once per session and hall and shared by every
 * card and drawer, so a board of fifty cards asks the server once.
 */
const cache = new Map<string, Promise<unknown>>();

/** Keyed by user too: after a sign-out and another sign-in on the same page, nothing of the last user's is reused. */
function cached<T>(username: string, path: string, load: () => Promise<T>): Promise<T> {
  const key = `${username}\n${path}`;
  let found = cache.get(key);
  if (!found) {
    found = load().catch((err: unknown) => {
      cache.delete(key); // a failure is retried by the next reader
      throw err;
    });
    cache.set(key, found);
  }
  return found as Promise<T>;
}

/** Forget what was fetched (people or devices changed, e.g. after an admin edit). */
export function forgetDirectory(): void {
  cache.clear();
}

function useCached<T>(path: string | null, load: () => Promise<T>): T | null {
  const { user } = useSession();
  const [value, setValue] = useState<T | null>(null);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    cached<T>(user.username, path, load).then(
      (data) => current && setValue(data),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [path, user.username]);
  return value;
}

export function useHalls(): HallInfo[] | null {
  return useCached<{ items: HallInfo[] }>("/api/halls", () => api("GET", "/api/halls"))?.items ?? null;
}

export function useHallDevices(hallId: string | null): DeviceView[] | null {
  return (
    useCached<{ items: DeviceView[] }>(hallId === null ? null : `devices:${hallId}`, () =>
      api("GET", `/api/devices?hallId=${encodeURIComponent(hallId ?? "")}&includeRetired=true`),
    )?.items ?? null
  );
}

export function usePeople(hallId: string | null): Person[] | null {
  return (
    useCached<{ items: Person[] }>(hallId === null ? null : `people:${hallId}`, () =>
      api("GET", `/api/halls/${encodeURIComponent(hallId ?? "")}/people`),
    )?.items ?? null
  );
}

/** Everything a card needs to show names: the hall, its devices and its people. */
export function useNames(hallId: string) {
  const { lang } = useSession();
  const halls = useHalls();
  const devices = useHallDevices(hallId);
  const people = usePeople(hallId);
  const hall = halls?.find((h) => h.id === hallId) ?? null;
  return {
    hall,
    hallName: hall?.name ?? hallId,
    timeZone: hall?.timeZone,
    device: (deviceId: string | null) =>
      deviceId === null ? null : (devices?.find((d) => d.deviceId === deviceId) ?? null),
    /** Its name; an unnamed device by its kind and id (e.g. "灭火器 ext-1"). */
    deviceName: (deviceId: string) => {
      const d = devices?.find((x) => x.deviceId === deviceId);
      return d?.name ?? (d ? `${codeLabel(lang, "kind", d.kind)} ${deviceId}` : deviceId);
    },
    person: (username: string) => people?.find((p) => p.username === username)?.displayName ?? username,
    people,
  };
}
