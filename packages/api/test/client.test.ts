import test from "ava";
import { ApiError, ControllerClient, type Fetch } from "../src/index.ts";

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A typed stand-in for fetch that records the request and answers with a fixed response. */
function fakeFetch(status: number, body: unknown, seen: Seen[]): Fetch {
  return async (input, init) => {
    seen.push({
      url: String(input),
      method: init?.method ?? "GET",
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: init?.body as string | undefined,
    });
    return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  };
}

test("requests carry the token, JSON body and encoded path", async (t) => {
  const seen: Seen[] = [];
  const client = new ControllerClient({ url: "http://berth.test/", token: "tok", fetch: fakeFetch(201, { values: {} }, seen) });
  await client.config.set("my app", { values: { A: "1" } });
  t.is(seen[0]?.url, "http://berth.test/v2/apps/my%20app/config");
  t.is(seen[0]?.method, "POST");
  t.is(seen[0]?.headers.authorization, "Bearer tok");
  t.is(seen[0]?.body, '{"values":{"A":"1"}}');
});

test("list queries become limit and offset parameters", async (t) => {
  const seen: Seen[] = [];
  const client = new ControllerClient({ url: "http://berth.test", fetch: fakeFetch(200, { count: 0, results: [] }, seen) });
  await client.apps.list({ limit: 5, offset: 10 });
  t.is(seen[0]?.url, "http://berth.test/v2/apps?limit=5&offset=10");
});

test("an error envelope becomes an ApiError with status, code, hint and field", async (t) => {
  const client = new ControllerClient({
    url: "http://berth.test",
    fetch: fakeFetch(404, { error: { code: "APP_NOT_FOUND", message: 'app "x" not found', hint: "run berth apps", field: "id" } }, []),
  });
  const error = await t.throwsAsync(client.apps.get("x"), { instanceOf: ApiError });
  t.like(error, { status: 404, code: "APP_NOT_FOUND", message: 'app "x" not found', hint: "run berth apps", field: "id" });
});

test("a non-JSON error answer still becomes an ApiError naming the status", async (t) => {
  const client = new ControllerClient({
    url: "http://berth.test",
    fetch: async () => new Response("<html>bad gateway</html>", { status: 502, statusText: "Bad Gateway" }),
  });
  const error = await t.throwsAsync(client.apps.list(), { instanceOf: ApiError });
  t.like(error, { status: 502, code: "INTERNAL" });
  t.regex(error?.message ?? "", /502/);
});

test("an unreachable controller is an ApiError that names the URL", async (t) => {
  const client = new ControllerClient({ url: "http://127.0.0.1:9", fetch: async () => Promise.reject(new TypeError("fetch failed")) });
  const error = await t.throwsAsync(client.auth.whoami(), { instanceOf: ApiError });
  t.like(error, { status: 0, code: "UNAVAILABLE" });
  t.regex(error?.message ?? "", /http:\/\/127\.0\.0\.1:9/);
});

test("hooks send the builder key header", async (t) => {
  const seen: Seen[] = [];
  const client = new ControllerClient({ url: "http://berth.test", builderKey: "k", fetch: fakeFetch(200, { allowed: true }, seen) });
  await client.hooks.pushAuth({ user: "u", token: "t", app: "a" });
  t.is(seen[0]?.headers["x-berth-builder-key"], "k");
});

test("a 204 answer resolves to undefined", async (t) => {
  const client = new ControllerClient({ url: "http://berth.test", fetch: fakeFetch(204, undefined, []) });
  t.is(await client.apps.destroy("gone"), undefined);
});
