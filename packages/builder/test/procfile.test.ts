import test from "ava";
import { BuildError, parseProcfile } from "../src/index.ts";

test("a Procfile's process types are parsed, skipping blank lines and comments", (t) => {
  t.deepEqual(parseProcfile("# processes\nweb: node server.js --port $PORT\n\nworker-2:  node worker.js\n"), {
    web: "node server.js --port $PORT",
    "worker-2": "node worker.js",
  });
});

test("every invalid Procfile line is reported with its number", (t) => {
  const error = t.throws(() => parseProcfile("web: ok\nWeb_Server: x\nno colon here\nclock:\nweb: again\n"), { instanceOf: BuildError });
  t.is(error?.code, "INVALID_PROCFILE");
  t.regex(error?.message ?? "", /line 2: "Web_Server" is not a valid process type/);
  t.regex(error?.message ?? "", /line 3: "no colon here" is not "type: command"/);
  t.regex(error?.message ?? "", /line 4: process type "clock" has no command/);
  t.regex(error?.message ?? "", /line 5: process type "web" is defined twice/);
  t.regex(error?.hint ?? "", /web: node server.js/);
});

test("a process type named like something every object has is refused, not looked up", (t) => {
  const error = t.throws(() => parseProcfile("web: ok\nconstructor: node loop.js\n"), { instanceOf: BuildError });
  t.regex(error?.message ?? "", /line 2: "constructor" is a reserved name/);
  t.notRegex(error?.message ?? "", /defined twice/);
});
