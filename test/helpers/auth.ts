import { AuditLog } from "../../src/store/audit.js";
import type { Db } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { UserStore } from "../../src/store/users.js";

/** Auth dependencies of buildApi over a test database, with an admin API token ready to use. */
export async function testAuth(
  db: Db,
): Promise<{ deps: import("../../src/api/app.js").AuthDeps; adminToken: string }> {
  const users = new UserStore(new SqliteEngine(db));
  if (!(await users.get("admin"))) {
    await users.create({
      username: "admin",
      displayName: "Admin",
      password: "admin-password-1",
      roles: ["admin"],
      halls: ["*"],
    });
  }
  const { token } = await users.createApiToken("admin", "tests", null);
  return {
    deps: {
      users,
      audit: new AuditLog(new SqliteEngine(db)),
      sessionIdleMs: 3_600_000,
      sessionAbsoluteMs: 86_400_000,
      secureCookies: false,
    },
    adminToken: token,
  };
}

/** Signs in over HTTP and returns the session cookie and CSRF token. */
export async function login(
  httpUrl: string,
  username: string,
  password: string,
): Promise<{ cookie: string; csrf: string; status: number }> {
  const response = await fetch(`${httpUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const body = (await response.json()) as { csrfToken?: string };
  return { cookie, csrf: body.csrfToken ?? "", status: response.status };
}

/** Signs in and creates a bearer API token for scripts and tests. */
export async function bearerToken(httpUrl: string, username: string, password: string): Promise<string> {
  const session = await login(httpUrl, username, password);
  if (session.status !== 200) throw new Error(`login as ${username} failed: ${session.status}`);
  const response = await fetch(`${httpUrl}/api/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: session.cookie, "x-csrf-token": session.csrf },
    body: JSON.stringify({ name: "tests" }),
  });
  const body = (await response.json()) as { token?: string };
  if (!body.token) throw new Error(`token creation failed: ${response.status}`);
  return body.token;
}
