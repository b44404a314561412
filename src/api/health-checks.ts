/** One part of Hallwatch as GET /api/health reports it. */
export interface HealthCheck {
  status: "ok" | "degraded" | "failing";
  detail: string;
}

export interface HealthReport {
  /** ok: every check ok; degraded: a part fails. */
  status: "ok" | "degraded";
  /** 503 only when a critical check fails (nothing can arrive); 200 while it serves what it can. */
  httpStatus: 200 | 503;
  checks: Record<string, HealthCheck>;
}

/**
 * The separate checks behind GET /api/health: `store`, `disk`, `broker`, `influx`, … Each part registers its own.
 * A failing check makes the service `degraded` (still HTTP 200: it serves what it can); only a failing `critical`
 * one (no broker connection, agents the broker refuses: nothing arrives) answers HTTP 503.
 */
export class HealthChecks {
  private readonly entries = new Map<string, { check: () => HealthCheck; critical: boolean }>();

  register(name: string, check: () => HealthCheck, options: { critical?: boolean } = {}): void {
    this.entries.set(name, { check, critical: options.critical ?? false });
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  report(): HealthReport {
    const checks: Record<string, HealthCheck> = {};
    let down = false;
    let degraded = false;
    for (const [name, { check, critical }] of this.entries) {
      let result: HealthCheck;
      try {
        result = check();
      } catch (err) {
        result = { status: "failing", detail: `check failed: ${(err as Error).message}` };
      }
      checks[name] = result;
      if (result.status !== "ok") degraded = true;
      if (result.status === "failing" && critical) down = true;
    }
    return { status: degraded ? "degraded" : "ok", httpStatus: down ? 503 : 200, checks };
  }
}
