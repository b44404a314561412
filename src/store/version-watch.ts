/**
 * Keeps an in-memory view in step with the store behind it: a refresh reads one version number (raised by every
 * change, from any process) and reloads only when it moved; one refresh runs at a time; `start()` polls.
 */
export class VersionWatch {
  private loadedVersion = -1;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<boolean> | null = null;

  constructor(
    private readonly version: () => Promise<number>,
    /** Loads everything the view holds. */
    private readonly load: () => Promise<void>,
    private readonly options: { refreshMs: number; onRefreshError?: ((err: unknown) => void) | undefined },
  ) {}

  /** Reloads when the store changed since the last load; true when it had. */
  async refresh(): Promise<boolean> {
    if (this.refreshing) return await this.refreshing;
    this.refreshing = (async () => {
      try {
        const version = await this.version();
        if (version === this.loadedVersion) return false;
        await this.reloadAt(version);
        return true;
      } finally {
        this.refreshing = null;
      }
    })();
    return await this.refreshing;
  }

  /** After this process's own write: the version is read before the rows, so a change made meanwhile is not missed. */
  async reload(): Promise<void> {
    await this.reloadAt(await this.version());
  }

  start(): void {
    if (this.options.refreshMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.refresh().catch((err) => this.options.onRefreshError?.(err));
    }, this.options.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async reloadAt(version: number): Promise<void> {
    await this.load();
    this.loadedVersion = version;
  }
}
