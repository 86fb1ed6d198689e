import test from "ava";
import {
  decodeFormation,
  decodeHealthchecks,
  decodeLimits,
  decodePlan,
  decodeProcfile,
  decodeProgress,
  decodeStrings,
  decodeValues,
} from "../src/store/codec.ts";

test("decoded documents are prototype-free: constructor and __proto__ are keys like any other", (t) => {
  const formation = decodeFormation('{"web": 2, "__proto__": 1}');
  t.is(Object.getPrototypeOf(formation), null);
  t.is(formation.constructor as unknown, undefined, "nothing read from Object's prototype");
  t.deepEqual(Object.keys(formation), ["web", "__proto__"]);
  t.is(Object.getOwnPropertyDescriptor(formation, "__proto__")?.value, 1);
});

test("a stored document of the wrong shape is an error naming the column and the entry", (t) => {
  const cases: [() => unknown, string][] = [
    [() => decodeFormation('{"web": -1}'), "the stored formation is not valid: web is not a number of instances"],
    [() => decodeFormation("[1]"), "the stored formation is not valid: not an object"],
    [() => decodeProcfile('{"web": 3}'), "the stored procfile is not valid: web is not a command"],
    [() => decodeValues("{not json"), "the stored config values is not valid: not JSON"],
    [() => decodeLimits('{"web": {"disk": "1G"}}'), "the stored limits is not valid: web is not {memory?, cpu?}"],
    [() => decodeHealthchecks('{"web": {"path": 1}}'), "the stored healthchecks is not valid: web is not a healthcheck"],
    [() => decodeStrings('["10.0.0.0/8", 3]', "allow-list"), "the stored allow-list is not valid: not a list of strings"],
    [
      () => decodePlan('{"formation": {"web": 1}, "previous": [{"release": 2}]}'),
      "the stored rollout plan is not valid: previous is not a list of {release, type, replicas}",
    ],
    [() => decodePlan('{"previous": null}'), "the stored formation is not valid: not an object"],
    [
      () => decodeProgress('{"phase": "sleeping", "type": null, "ready": 0, "starting": 0, "want": 1}'),
      "the stored rollout progress is not valid: not {phase, type, ready, starting, want}",
    ],
  ];
  for (const [decode, message] of cases) t.is(t.throws(decode)?.message, message);
});

test("good documents come back as they were stored", (t) => {
  t.deepEqual({ ...decodeLimits('{"web": {"memory": "512M", "cpu": "500m"}}') }, { web: { memory: "512M", cpu: "500m" } });
  t.deepEqual({ ...decodeHealthchecks('{"web": {"path": "/up", "timeout": 3}}') }, { web: { path: "/up", timeout: 3 } });
  t.deepEqual(decodeStrings('["10.0.0.0/8"]', "allow-list"), ["10.0.0.0/8"]);
  const plan = decodePlan('{"formation": {"web": 2}, "previous": [{"release": 3, "type": "web", "replicas": 2}]}');
  t.deepEqual(
    { formation: { ...plan.formation }, previous: plan.previous },
    { formation: { web: 2 }, previous: [{ release: 3, type: "web", replicas: 2 }] },
  );
  t.is(decodePlan('{"formation": {}, "previous": null}').previous, null);
  const progress = { phase: "rolling", type: "web", ready: 1, starting: 2, want: 2 };
  t.deepEqual(decodeProgress(JSON.stringify(progress)), progress);
});
