import test from "ava";
import { Printer, width } from "../src/output.ts";
import { bytes, metricsView, milliseconds, percent, period } from "../src/metrics-view.ts";
import { combinePoints, sparkline } from "../src/sparkline.ts";
import { berth, createApp, loggedIn } from "./helpers/berth.ts";
import { startController, type TestController } from "./helpers/controller.ts";
import { type MetricsRequests, metricsFetch, point, sampleMetrics } from "./helpers/metrics.ts";

let controller: TestController;
let home: string;
test.before(async () => {
  controller = await startController();
  home = await loggedIn(controller.url);
  await createApp(home, "myapp");
  await createApp(home, "idle");
});
test.after.always(() => controller?.close());

const quiet = Array.from({ length: 60 }, (_, n) => point(n));

test("a sparkline of nothing but zeros and steps without data is all dots", (t) => {
  t.is(sparkline([0, 0, null, 0]), "····");
  t.is(sparkline([]), "");
});

test("a sparkline scales to its own peak: the peak is a full block, any non-zero value at least the lowest", (t) => {
  t.is(sparkline([0, 0, 7, 0]), "··█·");
  t.is(sparkline([1, 2, 4, 8, 1000]), "▁▁▁▁█");
  t.is(sparkline([1, 2, 3, 4, 5, 6, 7, 8]), "▁▂▃▄▅▆▇█");
});

test("steps without data are dots between the bars, not the lowest bar", (t) => {
  t.is(sparkline([40, null, 80, null, 20]), "▄·█·▂");
});

test("points that fit are kept; more points than columns are combined from the newest end", (t) => {
  const points = Array.from({ length: 10 }, (_, n) => point(n, { requests: n, errors: n % 2, crashes: n === 9 ? 1 : 0, p95Ms: n * 10 }));
  t.deepEqual(combinePoints(points, 10), points);
  const combined = combinePoints(points, 4);
  // 10 points in 4 columns: 3 a column, the oldest column gets the one left over.
  t.deepEqual(
    combined.map((p) => [p.time, p.requests, p.errors, p.crashes, p.p95Ms]),
    [
      [points[0]?.time, 0, 0, 0, 0],
      [points[1]?.time, 1 + 2 + 3, 1 + 0 + 1, 0, 30],
      [points[4]?.time, 4 + 5 + 6, 0 + 1 + 0, 0, 60],
      [points[7]?.time, 7 + 8 + 9, 1 + 0 + 1, 1, 90],
    ],
  );
});

test("combined percentiles take the worst of the group, and stay null when no step had any", (t) => {
  const points = [point(0), point(1), point(2, { requests: 5, p50Ms: 20 }), point(3, { requests: 5, p50Ms: 90 })];
  t.deepEqual(
    combinePoints(points, 2).map((p) => p.p50Ms),
    [null, 90],
  );
});

test("figures read as a person says them: ms then s, binary MB and GB, shares that never round a few errors to 0%", (t) => {
  t.deepEqual(
    [milliseconds(null), milliseconds(0.4), milliseconds(38.4), milliseconds(1234), milliseconds(12_600)],
    ["n/a", "<1 ms", "38 ms", "1.2 s", "13 s"],
  );
  t.deepEqual(
    [bytes(180 * 1024 ** 2), bytes(1.5 * 1024 ** 3), bytes(2 * 1024 ** 3), bytes(300 * 1024)],
    ["180 MB", "1.5 GB", "2 GB", "300 KB"],
  );
  t.deepEqual([percent(0), percent(0.0004), percent(0.018), percent(0.25), percent(1)], ["0%", "<0.1%", "1.8%", "25%", "100%"]);
  t.deepEqual([period(30 * 60_000), period(61 * 60_000), period(6 * 3_600_000), period(90 * 60_000)], ["30 min", "1 h", "6 h", "90 min"]);
});

test("the view fits the terminal: a narrow one combines steps and says how long a step is", (t) => {
  const printer = new Printer({ write: () => true }, false);
  const wide = metricsView(sampleMetrics("myapp"), { printer, columns: 100 });
  const narrow = metricsView(sampleMetrics("myapp"), { printer, columns: 60 });
  t.is(wide[0], "myapp — last 1 h, 1 minute steps, 2 routers");
  t.is(narrow[0], "myapp — last 1 h, 3 minute steps, 2 routers");
  t.regex(wide[1] ?? "", /^requests {2}[▁-█·]{60} {2}/);
  t.regex(narrow[1] ?? "", /^requests {2}[▁-█·]{20} {2}/);
  t.true(
    narrow.every((line) => width(line) < 60),
    narrow.join("\n"),
  );
});

test("metrics draws a row per series with its key figure, then each process type's crashes and memory", async (t) => {
  const seen: MetricsRequests = [];
  const result = await berth(["metrics", "-a", "myapp"], { home, fetch: metricsFetch(sampleMetrics("myapp"), seen) });
  t.is(result.code, 0, result.stderr);
  t.is(result.stderr, "");
  const lines = result.stdout.trimEnd().split("\n");
  t.is(lines[0], "myapp — last 1 h, 1 minute steps, 2 routers");
  t.regex(lines[1] ?? "", /^requests {2}▂+[▂-█]+▂+ {2}5,044 total · 206\/min peak$/);
  t.regex(lines[2] ?? "", /^5xx {7}·{38}▂▆█▄▂·{17} {2}4\.4% of requests \(223\)$/);
  t.regex(lines[3] ?? "", /^p50 {7}[▁-█]{60} {2}38 ms$/);
  t.regex(lines[4] ?? "", /^p95 {7}[▁-█]{60} {2}412 ms$/);
  t.regex(lines[5] ?? "", /^crashes {3}·{40}█·{19} {2}2$/);
  t.is(lines[6], "web       2 crashes · memory 180 MB of 512 MB (2 instances)");
  t.is(lines[7], "worker    0 crashes · memory n/a");
  t.is(lines.length, 8);
  t.deepEqual(
    seen.map((url) => [url.pathname, url.search]),
    [["/v2/apps/myapp/metrics", ""]],
  );
});

test("errors and crashes are red on a terminal only", async (t) => {
  const fetch = metricsFetch(sampleMetrics("myapp"), []);
  const tty = await berth(["metrics", "-a", "myapp"], { home, tty: true, fetch });
  t.true(tty.raw.stdout.includes("\u001b[31m4.4% of requests (223)\u001b[39m"), tty.raw.stdout);
  t.true(tty.raw.stdout.includes("\u001b[31m2 crashes\u001b[39m"));
  t.false(tty.raw.stdout.includes("\u001b[31m0 crashes"));
  const piped = await berth(["metrics", "-a", "myapp"], { home, fetch });
  t.false(piped.raw.stdout.includes("\u001b"));
});

test("--json prints the controller's answer unchanged, and --since goes to it", async (t) => {
  const seen: MetricsRequests = [];
  const answer = sampleMetrics("myapp");
  const result = await berth(["metrics", "-a", "myapp", "--since", "6h", "--json"], { home, fetch: metricsFetch(answer, seen) });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(JSON.parse(result.stdout), answer);
  t.deepEqual(
    seen.map((url) => url.searchParams.get("since")),
    ["6h"],
  );
});

test("a --since that is not minutes or hours up to 24h is refused before any request", async (t) => {
  for (const since of ["2d", "25h", "0m", "1.5h", "90"]) {
    const seen: MetricsRequests = [];
    const result = await berth(["metrics", "-a", "myapp", "--since", since], { home, fetch: metricsFetch(sampleMetrics("myapp"), seen) });
    t.is(result.code, 2, since);
    t.is(
      result.stderr,
      `error: --since: "${since}" is not a duration like 30m or 6h (at most 24h)\nhint: e.g. \`berth metrics --since 6h\`\n`,
    );
    t.deepEqual(seen, [], since);
  }
  const longest = await berth(["metrics", "-a", "myapp", "--since", "1440m"], { home, fetch: metricsFetch(sampleMetrics("myapp"), []) });
  t.is(longest.code, 0, longest.stderr);
});

test("an app no request reached is said so plainly, with its URL, and its crashes still shown", async (t) => {
  const processes = [{ type: "web", crashes: 0 }];
  const result = await berth(["metrics", "-a", "idle"], { home, fetch: metricsFetch(sampleMetrics("idle", quiet, processes), []) });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.stdout.trimEnd().split("\n"), [
    "idle — last 1 h, 1 minute steps, 2 routers",
    "no requests reached idle in the last 1 h — its URL is http://idle.localhost:8080",
    `crashes  ${"·".repeat(60)}  0`,
    "web      0 crashes · memory n/a",
  ]);
});

test("without the app's URL the no-traffic line says how to open it", (t) => {
  const printer = new Printer({ write: () => true }, false);
  t.is(
    metricsView(sampleMetrics("idle", quiet, []), { printer, columns: 80 })[1],
    "no requests reached idle in the last 1 h — open it with `berth open -a idle`",
  );
});

test("help lists metrics, and its help has the options and examples", async (t) => {
  const overview = await berth(["help"], { home });
  t.regex(overview.stdout, /\nmetrics\n {2}metrics +draw the app's traffic/);
  const help = await berth(["metrics", "--help"], { home });
  t.is(help.code, 0);
  t.regex(help.stdout, /^Usage: berth metrics \[options\]\n/);
  t.regex(help.stdout, /\n {6}--since <duration> +how far back: 30m, 1h, 6h, 24h/);
  t.regex(help.stdout, /memory is n\/a where the scheduler cannot measure it/);
  for (const example of ["berth metrics", "berth metrics -a myapp --since 6h", "berth metrics --json | jq .totals"]) {
    t.true(help.stdout.includes(`\n  ${example}\n`), example);
  }
});
