import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The `docker` CLI against one engine. */
export interface DockerCli {
  /** Runs `docker …`; resolves to stdout, throws with stderr. */
  exec(args: string[]): Promise<string>;
  /** Runs `docker …` and resolves to its duration in ms (stdout discarded); throws with stderr. */
  timed(args: string[]): Promise<number>;
}

export function dockerCli(host: string): DockerCli {
  const env = { ...process.env, DOCKER_HOST: host };
  return {
    async exec(args) {
      try {
        return (await run("docker", args, { env, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 })).stdout;
      } catch (error) {
        const e = error as { stderr?: string; message: string };
        throw new Error(`docker ${args.slice(0, 2).join(" ")} failed: ${e.stderr || e.message}`);
      }
    },
    timed(args) {
      return new Promise((resolve, reject) => {
        const started = performance.now();
        const child = spawn("docker", args, { env, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
        });
        child.on("error", reject);
        child.on("close", (code) =>
          code === 0 ? resolve(performance.now() - started) : reject(new Error(`docker ${args.slice(0, 2).join(" ")} failed: ${stderr}`)),
        );
      });
    },
  };
}

/** Removes every image whose repository is `repo` (any tag); returns how many. */
export async function removeImages(docker: DockerCli, repo: string): Promise<number> {
  const refs = (await docker.exec(["image", "ls", "--filter", `reference=${repo}`, "--format", "{{.Repository}}:{{.Tag}}"]))
    .split("\n")
    .filter(Boolean);
  if (refs.length > 0) await docker.exec(["image", "rm", "--force", ...refs]);
  return refs.length;
}

/** Removes the containers carrying `label` (running or not). */
export async function removeContainers(docker: DockerCli, label: string): Promise<void> {
  const ids = (await docker.exec(["ps", "-aq", "--filter", `label=${label}`])).split("\n").filter(Boolean);
  if (ids.length > 0) await docker.exec(["rm", "--force", ...ids]);
}
