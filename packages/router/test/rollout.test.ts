import { Agent, request } from "node:http";
import test from "ava";
import { ControllerStub, route } from "./helpers/controller-stub.ts";
import { startRouter, waitFor } from "./helpers/router.ts";
import { startUpstream } from "./helpers/servers.ts";

test("drops no request while the table moves traffic from the old instances to the new ones", async (t) => {
  const stub = await new ControllerStub().start();
  const old1 = await startUpstream("v1");
  const old2 = await startUpstream("v1");
  const new1 = await startUpstream("v2");
  const new2 = await startUpstream("v2");
  stub.publish([route("shop", { upstreams: [old1.address, old2.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  t.teardown(async () => {
    agent.destroy();
    await Promise.all([r.stop(), stub.stop(), old1.close(), old2.close(), new1.close(), new2.close()]);
  });

  const statuses = new Map<string, number>();
  let running = true;
  const client = async () => {
    while (running) {
      const outcome = await new Promise<string>((resolve) => {
        const req = request({ host: "127.0.0.1", port: r.port, headers: { host: "shop.test.local" }, agent }, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => {
            body += c.toString();
          });
          res.on("end", () => resolve(`${res.statusCode} ${body}`));
        });
        req.on("error", (error) => resolve(`error ${error.message}`));
        req.end();
      });
      statuses.set(outcome, (statuses.get(outcome) ?? 0) + 1);
    }
  };
  const clients = Array.from({ length: 8 }, client);
  const step = async (version: number, routes: Parameters<typeof stub.publish>[0]) => {
    stub.publish(routes);
    await waitFor(() => r.router.routes.current().version === version, `version ${version}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  };
  // batch 1: one new instance up, one old one draining; batch 2: all new; then the old ones stop
  await step(2, [route("shop", { upstreams: [old2.address, new1.address], draining: [old1.address] })]);
  await step(3, [route("shop", { upstreams: [new1.address, new2.address], draining: [old2.address] })]);
  await step(4, [route("shop", { upstreams: [new1.address, new2.address] })]);
  await Promise.all([old1.close(), old2.close()]);
  await new Promise((resolve) => setTimeout(resolve, 100));
  running = false;
  await Promise.all(clients);

  const outcomes = [...statuses.keys()].sort();
  t.deepEqual(outcomes, ["200 hello from v1", "200 hello from v2"], JSON.stringify(Object.fromEntries(statuses)));
  t.true((statuses.get("200 hello from v2") ?? 0) > 0, "the new instances took traffic");
});
