import test from "ava";
import { berth, tempHome } from "./helpers/berth.ts";

test("--version prints the version", async (t) => {
  const result = await berth(["--version"], { home: await tempHome() });
  t.deepEqual([result.code, result.stdout], [0, "berth 0.1.0\n"]);
});

test("berth alone and berth help list every command by group", async (t) => {
  const home = await tempHome();
  const bare = await berth([], { home });
  t.is(bare.code, 0);
  t.is((await berth(["help"], { home })).stdout, bare.stdout);
  for (const line of [
    "auth",
    "  register <url>",
    "  config:set KEY=value...",
    "  releases:rollback [vN]",
    "  ps:scale TYPE=COUNT...",
    "  ps:restart [type]",
    "logs",
    "  logs",
    "  limits:set memory=SIZE cpu=CPUS",
    "  healthchecks:set KEY=VALUE...",
    "  domains:add <domain>",
    "  maintenance:on",
    "  routing:disable",
    "  allowlist:add <cidr>...",
    "  timeouts:set connect=N read=N",
    "  users:list",
  ]) {
    t.true(bare.stdout.includes(`\n${line}`), line);
  }
});

test("every command has help with usage, options and examples", async (t) => {
  const home = await tempHome();
  const names = [...(await berth(["help"], { home })).stdout.matchAll(/^ {2}([a-z][a-z:-]*)/gm)].map((m) => m[1] ?? "");
  t.true(names.length >= 30);
  for (const name of names) {
    const help = await berth([name, "--help"], { home });
    t.is(help.code, 0, name);
    t.regex(help.stdout, new RegExp(`^Usage: berth ${name}`), name);
    t.regex(help.stdout, /\nExamples:\n {2}# .+\n {2}berth|\nExamples:\n {2}# .+\n {2}\S/, name);
    t.is((await berth(["help", name], { home })).stdout, help.stdout, name);
  }
});

test("an alias finds its command, and help says which aliases it has", async (t) => {
  const home = await tempHome();
  const help = await berth(["rollback", "--help"], { home });
  t.regex(help.stdout, /^Usage: berth releases:rollback \[vN\]/);
  t.regex(help.stdout, /\nAliases: rollback\n/);
});

test("a mistyped command is a usage error suggesting the closest", async (t) => {
  const result = await berth(["config:st", "A=1"], { home: await tempHome() });
  t.is(result.code, 2);
  t.is(
    result.stderr,
    'error: unknown command "config:st"\nhint: did you mean `config:set` or `config:list`? (`berth help` lists every command)\n',
  );
  const far = await berth(["frobnicate"], { home: await tempHome() });
  t.is(far.stderr, 'error: unknown command "frobnicate"\nhint: `berth help` lists every command\n');
});

test("an unknown option is a usage error naming the command", async (t) => {
  const result = await berth(["apps", "--colour"], { home: await tempHome() });
  t.is(result.code, 2);
  t.is(result.stderr, "error: apps:list: Unknown option '--colour'\nhint: see `berth help apps:list`\n");
});

test("too many arguments are a usage error", async (t) => {
  const result = await berth(["whoami", "extra"], { home: await tempHome() });
  t.is(result.code, 2);
  t.is(result.stderr, 'error: whoami takes no arguments, not "extra"\nhint: see `berth help whoami`\n');
});

test("colour only on a terminal, and never with NO_COLOR", async (t) => {
  const home = await tempHome();
  t.false((await berth(["config:st"], { home })).raw.stderr.includes("\u001b["));
  t.true((await berth(["config:st"], { home, tty: true })).raw.stderr.includes("\u001b[31merror:\u001b[39m"));
  t.false((await berth(["config:st"], { home, tty: true, env: { NO_COLOR: "1" } })).raw.stderr.includes("\u001b["));
});
