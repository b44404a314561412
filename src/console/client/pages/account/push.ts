import { api } from "../../api.js";

export type PushOutcome = "subscribed" | "unsupported" | "denied" | "failed";

const bytes = (base64url: string) => {
  const raw = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
};

/**
 * Registers the console's service worker (served at /sw.js, scope /) and subscribes this browser with the
 * server's VAPID key; the server keeps the subscription for the signed-in user.
 */
export async function subscribeThisDevice(): Promise<PushOutcome> {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window))
    return "unsupported";
  let registration: ServiceWorkerRegistration;
  try {
    registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    await navigator.serviceWorker.ready;
  } catch {
    return "unsupported";
  }
  const permission = await Notification.requestPermission();
  if (permission !== "granted") return "denied";
  try {
    const { publicKey } = await api<{ publicKey: string }>("GET", "/api/push/vapid-public-key");
    const subscription =
      (await registration.pushManager.getSubscription()) ??
      (await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: bytes(publicKey),
      }));
    const json = subscription.toJSON();
    await api("POST", "/api/me/push-subscriptions", {
      endpoint: json.endpoint,
      keys: json.keys,
      label: (navigator.platform || "browser").slice(0, 80),
    });
    return "subscribed";
  } catch {
    return "failed";
  }
}
