import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A bridge of some `scripts/with-services` run, or a veth of a container: other runs on this machine make and drop them. */
const otherRuns = /\bberth-t\d+\b|\bveth[0-9a-f]+\b/;

/** The host's network as a test run may change it: iptables (no counters), interfaces, ip_forward. */
export interface HostNetwork {
  rules: string[];
  links: string[];
  ipForward: string;
}

export async function iptablesRules(): Promise<string[]> {
  const { stdout } = await run("iptables-save");
  return stdout
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => line.replace(/ \[\d+:\d+\]$/, ""));
}

/** What other runs of the suite add and remove meanwhile is left out; look for a run's own traces with {@link tracesOf}. */
export async function hostNetwork(): Promise<HostNetwork> {
  const { stdout } = await run("ip", ["-o", "link"]);
  const links = stdout
    .split("\n")
    .map((line) => line.split(": ")[1]?.split("@")[0])
    .filter((name): name is string => name !== undefined && name !== "");
  return {
    rules: (await iptablesRules()).filter((line) => !otherRuns.test(line)),
    links: links.filter((name) => !otherRuns.test(name)),
    ipForward: (await readFile("/proc/sys/net/ipv4/ip_forward", "utf8")).trim(),
  };
}

/** Everything on the host that still names a run's bridge or its subnet: an interface, iptables rules, its state file. */
export async function tracesOf(bridge: string, subnet: string): Promise<string[]> {
  const prefix = subnet.replace(/0\/24$/, "");
  const { stdout } = await run("ip", ["-o", "link"]);
  const traces = stdout.split("\n").filter((line) => line.includes(`: ${bridge}:`));
  traces.push(...(await iptablesRules()).filter((line) => new RegExp(`(^| )${bridge}( |$)`).test(line) || line.includes(` ${prefix}`)));
  const state = `/run/berth-test-net/${bridge}`;
  if (
    await readFile(state).then(
      () => true,
      () => false,
    )
  )
    traces.push(state);
  return traces;
}
