import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { ControllerClient } from "@berth/api";

const run = promisify(execFile);
const root = join(import.meta.dirname, "../../../..");
export const chartDir = join(root, "charts/berth");

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end; never throws for a non-zero exit (the result says it). */
export async function runTool(
  file: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 600_000,
  cwd?: string,
): Promise<Ran> {
  try {
    const { stdout, stderr } = await run(file, args, {
      env: { ...process.env, ...env },
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
      cwd,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? e.message };
  }
}

/** The helm that scripts/kube-tools built. */
export async function helmPath(): Promise<string> {
  const { stdout } = await run(join(root, "scripts/kube-tools"), ["--print"]);
  return join(stdout.trim(), "helm");
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the Kubernetes tests through scripts/with-services (scripts/k8s-e2e)`);
  return value;
}

/** A fresh release namespace, so that no earlier run's objects are in the way. */
export function releaseNamespace(): string {
  return `berth-${randomBytes(3).toString("hex")}`;
}

/**
 * The values of the tests' installs: images from the test registry as pods reach it, two
 * controllers and two routers, the router on a node port (and HTTPS with the platform certificate
 * in Secret `tls.secretName` on another), and every claim of `storageClass` (static volumes: the test cluster has no provisioner).
 */
export async function testValues(
  dir: string,
  nodePort: number,
  storageClass: string,
  tls: { secretName: string; httpsNodePort: number },
  extra: Record<string, unknown> = {},
): Promise<string> {
  const registry = requireEnv("BERTH_TEST_POD_REGISTRY");
  const values = {
    // Always: the tests make new images under the same tag, and a node keeps what it pulled before.
    image: { registry, pullPolicy: "Always" },
    platform: { domain: "localhost", publicPort: nodePort },
    controller: { replicas: 2 },
    router: { replicas: 2, service: { type: "NodePort", nodePort, httpsNodePort: tls.httpsNodePort }, tls: { secretName: tls.secretName } },
    builder: { persistence: { enabled: true, storageClass }, insecureRegistries: [registry] },
    registry: { persistence: { enabled: true, storageClass } },
    database: { bundled: { persistence: { enabled: true, storageClass } } },
    ...extra,
  };
  const path = join(dir, "values.json");
  await writeFile(path, JSON.stringify(values));
  return path;
}

/** The platform's API through the installed router's node port, at berth.localhost as the CLI reaches it. */
export function platformClient(nodePort: number): ControllerClient {
  return new ControllerClient({ url: `http://berth.localhost:${nodePort}` });
}
