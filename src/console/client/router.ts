import { useEffect, useState } from "preact/hooks";

/** The page and its path parameters, from the location hash: `#/device/demo-hall/kiosk-1` → device, [demo-hall, kiosk-1]. */
export interface Route {
  page: string;
  params: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const [path = "", search = ""] = hash.replace(/^#\/?/, "").split("?");
  const [page = "", ...params] = path.split("/").map((part) => decodeURIComponent(part));
  return { page, params, query: new URLSearchParams(search) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

/** A hash link whose parts are encoded, so an id with `/` or `#` cannot break the route. */
export function href(page: string, ...params: string[]): string {
  return `#/${[page, ...params].map((part) => encodeURIComponent(part)).join("/")}`;
}
