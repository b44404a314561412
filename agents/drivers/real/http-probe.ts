/**
 * Whether an application answers its health URL with a 2xx within the timeout: used for the kiosk's
 * self-service app, the queue system and the signage player.
 */
export async function probeHttp(
  url: string,
  timeoutMs = 3000,
): Promise<{ ok: boolean; latencyMs: number; status: number | null }> {
  const started = performance.now();
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    await response.body?.cancel();
    return {
      ok: response.status >= 200 && response.status < 300,
      latencyMs: performance.now() - started,
      status: response.status,
    };
  } catch {
    return { ok: false, latencyMs: performance.now() - started, status: null };
  }
}
