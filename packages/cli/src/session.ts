import { hostname } from "node:os";
import { ControllerClient, localhostAwareFetch } from "@berth/api";
import { cliSettings } from "@berth/config/cli";
import type { CliDeps } from "./deps.ts";
import { CliError } from "./errors.ts";
import { type Profile, readProfile } from "./profile.ts";
import { variable } from "./variables.ts";

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

/**
 * Checks a controller URL typed by a person and normalises it (`localhost:8080` → `http://localhost:8080`),
 * as `BERTH_URL` is read.
 */
export function controllerUrl(raw: string): string {
  const url = cliSettings.url.kind.parse(raw);
  if (url !== undefined) return url;
  // Refused: either it parses with a scheme that is not http(s), or it is no URL at all.
  const otherScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) && URL.canParse(raw);
  throw new CliError(`"${raw}" is not ${otherScheme ? "an http(s) URL" : "a URL"}`, "e.g. http://berth.localhost:8080");
}

/** The session from BERTH_TOKEN (+ BERTH_URL) or the profile file; a clear error when there is none. */
export async function openSession(deps: CliDeps, path: string): Promise<Session> {
  const envToken = variable(deps.env, "token");
  const envUrl = variable(deps.env, "url");
  const profile: Profile | undefined = await readProfile(path);
  const url = envUrl ?? profile?.controller;
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
