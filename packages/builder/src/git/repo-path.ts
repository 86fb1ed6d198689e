/** The smart-HTTP endpoints a git client uses; anything else under a repo is refused. */
const endpoints = ["/info/refs", "/git-upload-pack", "/git-receive-pack", "/HEAD"] as const;
export type GitEndpoint = (typeof endpoints)[number];

/** Same rule as the controller's app names: a DNS-1123 label starting with a letter. */
const appName = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

export type RepoPath =
  | { ok: true; app: string; endpoint: GitEndpoint }
  | { ok: false; status: 400 | 404; message: string };

/**
 * Reads `/<app>.git/<endpoint>` (or `/<app>/<endpoint>`) from a request path, refusing anything that
 * is not a plain app name before any file is touched: no `..`, no slashes, no percent-escapes.
 */
export function parseRepoPath(pathname: string): RepoPath {
  const endpoint = endpoints.find((e) => pathname.endsWith(e));
  if (endpoint === undefined) {
    return { ok: false, status: 404, message: "not a git endpoint — push to http://<host>/<app>.git" };
  }
  const repo = pathname.slice(1, pathname.length - endpoint.length);
  const name = repo.endsWith(".git") ? repo.slice(0, -4) : repo;
  if (!appName.test(name)) {
    const shown = repo.slice(0, 80).replace(/[^\x20-\x7e]/g, "?");
    return {
      ok: false,
      status: 400,
      message: `"${shown}" is not a valid repository name — use http://<host>/<app>.git, where <app> is one of your app names (lowercase letters, digits and dashes)`,
    };
  }
  return { ok: true, app: name, endpoint };
}
