import type { SqlEngine } from "../../store/sql/engine.js";

/** A user's own policy for action links, as the API and the act route use it. */
export interface LinkPolicyPort {
  needsSignIn(username: string): Promise<boolean>;
  set(username: string, needSignIn: boolean | null): Promise<boolean>;
  own(username: string): Promise<boolean | null>;
}

/** Whether a user's action links need a session of that user: their own policy, else the server's default. */
export class LinkPolicy implements LinkPolicyPort {
  constructor(
    private readonly sql: SqlEngine,
    private readonly needSignInByDefault: boolean,
  ) {}

  async needsSignIn(username: string): Promise<boolean> {
    return (await this.own(username)) ?? this.needSignInByDefault;
  }

  /** null: back to the server's default. False when there is no such user. */
  async set(username: string, needSignIn: boolean | null): Promise<boolean> {
    const value = needSignIn === null ? null : needSignIn ? 1 : 0;
    const result = await this.sql.run("UPDATE users SET action_links_need_sign_in = ? WHERE username = ?", [
      value,
      username,
    ]);
    return result.changes > 0;
  }

  async own(username: string): Promise<boolean | null> {
    const row = await this.sql.get<{ v: number | null }>(
      "SELECT action_links_need_sign_in AS v FROM users WHERE username = ?",
      [username],
    );
    return row?.v === null || row?.v === undefined ? null : row.v === 1;
  }
}
