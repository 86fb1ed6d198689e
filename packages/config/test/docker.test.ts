import test from "ava";
import { ConfigError, dockerOptions, readSettings } from "../src/index.ts";
import { controllerSettings } from "../src/settings/controller.ts";

test("no DOCKER_HOST is the default socket", (t) => {
  t.deepEqual(dockerOptions(undefined), { socketPath: "/var/run/docker.sock" });
  t.deepEqual(dockerOptions(""), { socketPath: "/var/run/docker.sock" });
});

test("unix:// names a socket", (t) => {
  t.deepEqual(dockerOptions("unix:///run/user/1000/docker.sock"), { socketPath: "/run/user/1000/docker.sock" });
});

test("tcp:// is plain HTTP, on port 2375 when the port is left out", (t) => {
  t.deepEqual(dockerOptions("tcp://10.0.0.5:2380"), { host: "10.0.0.5", port: 2380, protocol: "http" });
  t.deepEqual(dockerOptions("tcp://docker"), { host: "docker", port: 2375, protocol: "http" });
  t.deepEqual(dockerOptions("tcp://docker:2375/"), { host: "docker", port: 2375, protocol: "http" });
});

test("http:// and https:// are accepted; https defaults to Docker's TLS port 2376", (t) => {
  t.deepEqual(dockerOptions("http://docker:2375"), { host: "docker", port: 2375, protocol: "http" });
  t.deepEqual(dockerOptions("https://docker"), { host: "docker", port: 2376, protocol: "https" });
});

test("an IPv6 address loses its brackets", (t) => {
  t.deepEqual(dockerOptions("tcp://[::1]:2375"), { host: "::1", port: 2375, protocol: "http" });
});

test("anything else is a ConfigError naming DOCKER_HOST and what it may be", (t) => {
  for (const bad of [
    "ssh://me@docker",
    "/var/run/docker.sock",
    "tcp://docker:99999",
    "tcp://docker:2375/v1.41",
    "unix://",
    "docker:2375",
    "tcp://",
  ]) {
    const error = t.throws(() => dockerOptions(bad), { instanceOf: ConfigError }, bad);
    t.is(error?.problems[0]?.variable, "DOCKER_HOST");
    t.regex(error?.message ?? "", /unix:\/\/\/path\/to\/docker.sock, tcp:\/\/host\[:port\]/);
  }
});

test("a bad DOCKER_HOST is refused when the settings are read, not when Docker is first called", (t) => {
  const error = t.throws(() => readSettings(controllerSettings, { DOCKER_HOST: "ssh://me@docker" }), { instanceOf: ConfigError });
  t.is(error?.problems[0]?.variable, "DOCKER_HOST");
});
