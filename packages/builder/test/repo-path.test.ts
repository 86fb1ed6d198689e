import test from "ava";
import { parseRepoPath } from "../src/git/repo-path.ts";

test("an app's repository path names the app and the endpoint, with or without .git", (t) => {
  t.deepEqual(parseRepoPath("/my-app.git/info/refs"), { ok: true, app: "my-app", endpoint: "/info/refs" });
  t.deepEqual(parseRepoPath("/my-app/git-receive-pack"), { ok: true, app: "my-app", endpoint: "/git-receive-pack" });
});

test("paths with dot segments, slashes, escapes or bad names are refused", (t) => {
  for (const path of ["/../x.git/info/refs", "/a/b.git/info/refs", "/%2e%2e.git/HEAD", "/A.git/HEAD", "/-a.git/HEAD", "/.git/HEAD", "//x.git/HEAD"]) {
    const result = parseRepoPath(path);
    t.false(result.ok, path);
    if (!result.ok) t.is(result.status, 400, path);
  }
});

test("paths that are not git endpoints are not found", (t) => {
  const result = parseRepoPath("/x.git/objects/info/packs");
  t.deepEqual(result.ok ? undefined : result.status, 404);
});
