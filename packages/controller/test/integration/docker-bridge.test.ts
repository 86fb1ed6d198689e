import { lookup } from "node:dns/promises";
import { connect, createServer } from "node:net";
import test, { type ExecutionContext } from "ava";
import Docker from "dockerode";
import { busyboxImage, socketPath, testDockerHost } from "../helpers/test-image.ts";

// The test engine as a user's engine is: its default `bridge` network publishes ports through the
// userland proxy on 127.0.0.1, and the same engine runs host-network containers too.
const host = testDockerHost();
const docker = new Docker({ socketPath: socketPath(host) });
const image = await busyboxImage(host);

async function run(t: ExecutionContext, command: string, hostConfig: Docker.HostConfig): Promise<Docker.ContainerInspectInfo> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: ["sh", "-c", command],
    Labels: { "berth.test": "1" },
    ExposedPorts: { "5000/tcp": {} },
    HostConfig: { Init: true, ...hostConfig },
  });
  t.teardown(() => container.remove({ force: true }));
  await container.start();
  return container.inspect();
}

const published = { PortBindings: { "5000/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] } };

function bridgeAddress(info: Docker.ContainerInspectInfo): string {
  const address = info.NetworkSettings.Networks.bridge?.IPAddress;
  if (!address) throw new Error(`container ${info.Name} has no address on the bridge`);
  return address;
}

function publishedPort(info: Docker.ContainerInspectInfo): number {
  const binding = info.NetworkSettings.Ports["5000/tcp"]?.[0];
  if (binding === undefined) throw new Error(`container ${info.Name} has no published port 5000`);
  return Number(binding.HostPort);
}

/** Whether a TCP connection to `address:port` is accepted (ECONNREFUSED counts as no). */
function accepts(address: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", (err: NodeJS.ErrnoException) => (err.code === "ECONNREFUSED" ? resolve(false) : reject(err)));
  });
}

/** Sends `request` and collects what comes back until the other side closes (a reset counts as a close). */
function exchange(address: string, port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: address, port }, () => socket.write(request));
    socket.setTimeout(5000, () => socket.destroy(new Error(`${address}:${port} neither answered nor closed in 5 s`)));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.once("close", () => resolve(Buffer.concat(chunks).toString()));
    socket.once("error", (err: NodeJS.ErrnoException) => (err.code === "ECONNRESET" ? undefined : reject(err)));
  });
}

/** GET / once httpd listens: it starts a moment after its container. */
async function body(url: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await (await fetch(url, { signal: AbortSignal.timeout(5000) })).text();
    } catch (err) {
      if (attempt === 50 || (err instanceof Error && err.name === "TimeoutError")) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

test("the engine's default network is a bridge with a subnet of its own", async (t) => {
  const bridge = await docker.getNetwork("bridge").inspect();
  t.is(bridge.Driver, "bridge");
  const subnet = bridge.IPAM?.Config?.[0]?.Subnet;
  t.truthy(subnet);
  // With-services says which bridge and subnet it made; an engine given from outside has its own.
  if (process.env.BERTH_TEST_DOCKER_BRIDGE) {
    t.is(bridge.Options?.["com.docker.network.bridge.name"], process.env.BERTH_TEST_DOCKER_BRIDGE);
    t.is(subnet, process.env.BERTH_TEST_DOCKER_SUBNET);
  }
});

test("a published port accepts connections while nothing listens in the container, as on a user's engine", async (t) => {
  const info = await run(t, "exec sleep 100", published);
  const address = bridgeAddress(info);
  // The userland proxy answers for the container: a TCP check through it says nothing about the app,
  // and a request through it gets no reply at all (the proxy closes once the container refuses it).
  t.true(await accepts("127.0.0.1", publishedPort(info)));
  t.is(await exchange("127.0.0.1", publishedPort(info), "GET / HTTP/1.0\r\n\r\n"), "");
  t.false(await accepts(address, 5000));
});

test("an app on the bridge answers on its published port and at its own address", async (t) => {
  const info = await run(t, "exec httpd -f -p 5000 -h /www", published);
  t.is(await body(`http://127.0.0.1:${publishedPort(info)}/`), "berth test app\n");
  t.is(await body(`http://${bridgeAddress(info)}:5000/`), "berth test app\n");
});

test("a container on the bridge reaches the outside network through NAT", async (t) => {
  // The npm registry: what a build's `npm install` goes out to, and reachable wherever the tests run.
  const { address } = await lookup("registry.npmjs.org", { family: 4 });
  const container = await docker.createContainer({
    Image: image,
    Cmd: ["nc", "-w", "10", address, "443", "-e", "true"],
    Labels: { "berth.test": "1" },
  });
  t.teardown(() => container.remove({ force: true }));
  await container.start();
  const { StatusCode } = await container.wait();
  t.is(StatusCode, 0, `nc to ${address}:443 from the bridge failed`);
});

test("the same engine runs host-network containers beside bridged ones", async (t) => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const address = probe.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  await new Promise((r) => probe.close(r));
  await run(t, `exec httpd -f -p 127.0.0.1:${address.port} -h /www`, { NetworkMode: "host" });
  t.is(await body(`http://127.0.0.1:${address.port}/`), "berth test app\n");
});
