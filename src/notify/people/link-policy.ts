import type { Db } from "../../store/database.js";

/** Whether a user's action links need a session of that user: their own policy, else the server's default. */
export class LinkPolicy {
  constructor(
    private readonly db: Db,
    private readonly needSignInByDefault: boolean,
  ) {}

  needsSignIn(username: string): boolean {
    const row = this.db
      .prepare("SELECT action_links_need_sign_in AS v FROM users WHERE username = ?")
      .get(username) as { v: number | null } | undefined;
    return row?.v === null || row?.v === undefined ? this.needSignInByDefault : row.v === 1;
  }

  /** null: back to the server's default. False when there is no such user. */
  set(username: string, needSignIn: boolean | null): boolean {
    return (
      this.db
        .prepare("UPDATE users SET action_links_need_sign_in = ? WHERE username = ?")
        .run(needSignIn === null ? null : needSignIn ? 1 : 0, username).changes > 0
    );
  }

  own(username: string): boolean | null {
    const row = this.db
      .prepare("SELECT action_links_need_sign_in AS v FROM users WHERE username = ?")
      .get(username) as { v: number | null } | undefined;
    return row?.v === null || row?.v === undefined ? null : row.v === 1;
  }
}
