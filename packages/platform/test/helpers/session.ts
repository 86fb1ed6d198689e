import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ControllerClient } from "@berth/api";
import type { ExecutionContext } from "ava";
import { commitTree, type PushResult, push } from "./git.ts";
import { get, type Reply } from "./http.ts";
import type { Running } from "./platform.ts";

export interface AppSession {
  app: string;
  /** Logged in as the app's owner. */
  client: ControllerClient;
  /** Commits `files` (on top of what is there) and pushes them as the owner would. */
  push(files: Record<string, string>, message?: string): Promise<PushResult>;
  /** A GET of the app through the platform's port. */
  get(path?: string): Promise<Reply>;
}

/** Registers alice, creates `app` and gives her a work tree to push from; the app goes with the test. */
export async function appSession(t: ExecutionContext, running: Running, app: string): Promise<AppSession> {
  const port = running.platform.port;
  const registered = await running.client.auth.register({ username: "alice", password: "alice-password" });
  const client = running.client.withToken(registered.token ?? "");
  await client.apps.create(app);
  t.teardown(() => client.apps.destroy(app).catch(() => undefined));
  const tree = await mkdtemp(join(tmpdir(), "berth-app-"));
  t.teardown(() => rm(tree, { recursive: true, force: true }));
  const remote = `http://alice:${registered.token}@127.0.0.1:${port}/${app}.git`;
  let commits = 0;
  return {
    app,
    client,
    async push(files, message) {
      commits += 1;
      await commitTree(tree, files, message ?? `change ${commits}`);
      return push(tree, remote);
    },
    get: (path = "/") => get(port, `${app}.localhost`, path),
  };
}
