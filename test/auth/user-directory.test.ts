import { expect, it } from "vitest";
import { UserDirectory } from "../../src/auth/user-directory.js";
import { openDatabase } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { UserStore } from "../../src/store/users.js";

const user = (username: string) => ({
  username,
  displayName: username.toUpperCase(),
  password: "Directory-test-1",
  roles: ["floor_staff" as const],
  halls: ["h1"],
});

it("is loaded at start, follows changes made through this node at once, and others' at its next reload", async () => {
  const sql = new SqliteEngine(openDatabase(":memory:"));
  const errors: unknown[] = [];
  let directory: UserDirectory | null = null;
  const users = new UserStore(sql, undefined, (username) => void directory?.changed(username));
  const otherNode = new UserStore(sql); // another node's store: this directory is not told of its writes
  await users.create(user("bo"));
  directory = new UserDirectory(users, (err) => errors.push(err));
  expect(directory.get("bo")).toBeNull(); // not loaded yet
  await directory.load();
  expect(directory.get("bo")?.displayName).toBe("BO");

  await users.create({ ...user("ana"), language: "en" });
  await users.update("bo", { language: "en" });
  await users.setDisabled("bo", true);
  await new Promise((resolve) => setImmediate(resolve));
  expect(directory.list().map((u) => [u.username, u.language, u.disabled])).toEqual([
    ["ana", "en", false],
    ["bo", "en", true],
  ]);

  await otherNode.update("ana", { language: "zh" });
  expect(directory.get("ana")?.language).toBe("en");
  await directory.load();
  expect(directory.get("ana")?.language).toBe("zh");
  expect(errors).toEqual([]);
  await sql.close();
});
