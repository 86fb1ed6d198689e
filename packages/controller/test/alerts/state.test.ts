import test from "ava";
import { type RuleState, step } from "../../src/alerts/state.ts";

const t0 = Date.parse("2026-12-04T10:00:00Z");
const s = (n: number) => t0 + n * 1000;
const ok: RuleState = { state: "ok", stateSince: new Date(t0).toISOString(), clearSince: null, notified: null };
const options = { forMs: 60_000, resolveAfterMs: 60_000, repeatMs: 3_600_000 };

/** Runs the rule through a series of (seconds, holds) evaluations; answers each step's notification. */
function run(evaluations: [number, boolean][], start = ok) {
  let state = start;
  return evaluations.map(([at, holds]) => {
    const result = step(state, holds, s(at), options);
    state = result.next;
    return `${result.next.state}${result.notify === null ? "" : `!${result.notify}`}`;
  });
}

test("a condition is pending until it has held for `for`, then fires once", (t) => {
  t.deepEqual(
    run([
      [0, true],
      [30, true],
      [60, true],
      [90, true],
    ]),
    ["pending", "pending", "firing!firing", "firing"],
  );
});

test("a condition that stops holding while pending goes back to ok without a word", (t) => {
  t.deepEqual(
    run([
      [0, true],
      [30, false],
      [40, true],
      [90, true],
      [100, true],
    ]),
    ["pending", "ok", "pending", "pending", "firing!firing"],
  );
});

test("a firing alert resolves only once its condition has been clear for a while: flapping does not notify", (t) => {
  const firing: RuleState = {
    state: "firing",
    stateSince: new Date(t0).toISOString(),
    clearSince: null,
    notified: new Date(t0).toISOString(),
  };
  t.deepEqual(
    run(
      [
        [10, false],
        [40, true],
        [50, false],
        [100, false],
        [110, false],
      ],
      firing,
    ),
    ["firing", "firing", "firing", "firing", "ok!resolved"],
  );
});

test("a firing alert notifies again after the repeat interval", (t) => {
  const firing: RuleState = {
    state: "firing",
    stateSince: new Date(t0).toISOString(),
    clearSince: null,
    notified: new Date(t0).toISOString(),
  };
  t.deepEqual(
    run(
      [
        [1800, true],
        [3600, true],
        [3700, true],
      ],
      firing,
    ),
    ["firing", "firing!firing", "firing"],
  );
});

test("with no `for`, a condition fires at the first evaluation that sees it", (t) => {
  const result = step(ok, true, s(5), { ...options, forMs: 0 });
  t.is(result.notify, "firing");
  t.is(result.change, "firing");
});
