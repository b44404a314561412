import type { UserPort, UserRecord } from "../store/users.js";

/**
 * This node's in-memory copy of the users' profiles, for callers that must stay synchronous (the language of a
 * notification, the recipients of a report): loaded at start, updated at once for changes made through this
 * node (UserStore's `onUserChanged`), and reloaded every `refreshMs` for changes made on other nodes. Signing in,
 * sessions and API tokens never read it: they always ask the database.
 */
export class UserDirectory {
  private byName = new Map<string, UserRecord>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly users: Pick<UserPort, "list" | "get">,
    private readonly onError: (err: unknown) => void,
  ) {}

  async load(): Promise<void> {
    const all = await this.users.list();
    this.byName = new Map(all.map((u) => [u.username, u]));
  }

  /** Reloads one user after a change made through this node; never rejects. */
  async changed(username: string): Promise<void> {
    try {
      const user = await this.users.get(username);
      if (user) this.byName.set(username, user);
      else this.byName.delete(username);
    } catch (err) {
      this.onError(err);
    }
  }

  get(username: string): UserRecord | null {
    return this.byName.get(username) ?? null;
  }

  /** By username, like UserPort.list. */
  list(): UserRecord[] {
    return [...this.byName.values()].sort((a, b) =>
      a.username < b.username ? -1 : a.username > b.username ? 1 : 0,
    );
  }

  start(refreshMs: number): void {
    this.timer = setInterval(() => void this.load().catch(this.onError), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
