import { hostname } from "node:os";
import { ControllerClient, localhostAwareFetch } from "@berth/api";
import type { CliDeps } from "./deps.ts";
import { CliError } from "./errors.ts";
import { type Profile, readProfile } from "./profile.ts";

/** A client acting as the logged-in user, and who that is. */
export interface Session {
  client: ControllerClient;
  controller: string;
  username: string;
  token: string;
}

export function clientFor(deps: CliDeps, url: string, token?: string): ControllerClient {
  const fetch = deps.fetch ?? localhostAwareFetch;
  const interrupt = deps.interrupt;
  return new ControllerClient({
    url,
    ...(token === undefined ? {} : { token }),
    // Names this client in `berth auth:tokens`, so a person can tell their sessions apart.
    userAgent: `berth-cli/${deps.version} (${hostname()})`,
    // Ctrl-C aborts requests in flight.
    fetch: interrupt === undefined ? fetch : (input, init) => fetch(input, { ...init, signal: interrupt }),
  });
}

/** Checks a controller URL typed by a person and normalises it (`localhost:8080` → `http://localhost:8080`). */
export function controllerUrl(raw: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new CliError(`"${raw}" is not a URL`, "e.g. http://berth.localhost:8080");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new CliError(`"${raw}" is not an http(s) URL`, "e.g. http://berth.localhost:8080");
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** The session from BERTH_TOKEN (+ BERTH_URL) or the profile file; a clear error when there is none. */
export async function openSession(deps: CliDeps, path: string): Promise<Session> {
  const profile: Profile | undefined = await readProfile(path);
  const envToken = deps.env.BERTH_TOKEN || undefined;
  const url = deps.env.BERTH_URL || profile?.controller;
  const token = envToken ?? profile?.token;
  if (url === undefined || token === undefined) {
    throw new CliError(
      envToken === undefined ? "you are not logged in" : "BERTH_TOKEN is set but no controller URL is known",
      envToken === undefined
        ? "run `berth login <url>` (or `berth register <url>`), or set BERTH_TOKEN and BERTH_URL"
        : "set BERTH_URL to the controller's URL, e.g. http://berth.localhost:8080",
    );
  }
  const controller = controllerUrl(url);
  return { client: clientFor(deps, controller, token), controller, username: profile?.username ?? "", token };
}
