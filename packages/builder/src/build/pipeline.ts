import type { ControllerClient, HookBuildResponse } from "@berth/api";
import { ApiError } from "@berth/api";
import { detect } from "../buildpacks/detect.ts";
import type { BuildPlan, SourceTree, Stack } from "../buildpacks/plan.ts";
import { BuildError } from "../errors.ts";
import { type GitRepo, readBlob, refTarget, rootEntries, spawnGit } from "../git/git.ts";
import { buildImage, type DockerClient, pushImage, stackNodeVersion } from "./docker.ts";
import type { BuildOutput } from "./output.ts";

export interface PipelineDeps {
  docker: DockerClient;
  controller: Pick<ControllerClient, "hooks">;
  stackImage: string;
  /** `host:port` of the registry images are pushed to (cluster mode); local images only when absent. */
  registry: string | undefined;
  /** Network mode of build steps; the engine's default when absent. */
  buildNetwork: string | undefined;
}

export interface BuildJob {
  app: string;
  user: string;
  sha: string;
  /** The ref being updated and where it pointed before the push (undefined: a new branch). */
  ref: string;
  previous: string | undefined;
  repo: GitRepo;
  out: BuildOutput;
  signal: AbortSignal;
}

const truthy = new Set(["1", "true", "yes", "on"]);

function sourceTree(repo: GitRepo, sha: string, entries: ReadonlySet<string>): SourceTree {
  return { entries, read: (path) => readBlob(repo, sha, path) };
}

/** The commit as a tar stream (`git archive`), with the plan's generated files added. */
function archive(repo: GitRepo, sha: string, plan: BuildPlan) {
  const args = ["archive", "--format=tar", ...plan.files.map((f) => `--add-virtual-file=${f.path}:${f.content}`), sha];
  const child = spawnGit(repo, args);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new BuildError("GIT_FAILED", `git archive of ${sha.slice(0, 7)} failed: ${stderr.trim()}`)),
    );
  });
  if (child.stdout === null) throw new BuildError("GIT_FAILED", "git archive gave no output");
  return { stream: child.stdout, done, kill: () => child.kill() };
}

/** What the controller said, as a build failure the pusher can read. */
function releaseFailure(error: unknown): BuildError {
  if (error instanceof ApiError) {
    return new BuildError("RELEASE_FAILED", `the controller refused the build: ${error.message}`, {
      cause: error,
      ...(error.hint === undefined ? { hint: "push again; if it keeps failing, ask your Berth operator" } : { hint: error.hint }),
    });
  }
  return new BuildError("RELEASE_FAILED", "cannot record the build with the controller", { cause: error, hint: "push again" });
}

/**
 * Builds one pushed commit into an image and records it with the controller, which makes the
 * release. Every failure is a {@link BuildError}; nothing is recorded unless the image is ready.
 */
export async function runBuild(deps: PipelineDeps, job: BuildJob): Promise<HookBuildResponse> {
  const started = performance.now();
  const { out, repo, sha, app } = job;
  const short = sha.slice(0, 7);
  out.step(`Building ${app} (${short}) pushed by ${job.user}`);

  const entries = await rootEntries(repo, sha);
  const stack: Stack = {
    image: deps.stackImage,
    nodeVersion: entries.has("Dockerfile") ? undefined : await stackNodeVersion(deps.docker, deps.stackImage, job.signal, out),
  };
  const plan = await detect(sourceTree(repo, sha, entries), stack);
  out.step(plan.kind === "dockerfile" ? "Dockerfile detected" : `${plan.pack} app detected (buildpack on ${deps.stackImage})`);
  for (const note of plan.notes) out.line(note);
  for (const warning of plan.warnings) out.warn(warning);

  let buildArgs: Record<string, string> = {};
  if (plan.kind === "dockerfile") {
    job.signal.throwIfAborted();
    const config = await deps.controller.hooks.config(app).catch((e: unknown) => {
      throw releaseFailure(e);
    });
    if (truthy.has((config.values.BERTH_DOCKER_BUILD_ARGS_ENABLED ?? "").toLowerCase())) {
      buildArgs = config.values;
      out.line(`passing ${Object.keys(buildArgs).length} config values as build arguments`);
    }
  }

  const tag = `${app}:git-${short}`;
  out.step(`Building image ${tag}`);
  const source = archive(repo, sha, plan);
  try {
    await buildImage(deps.docker, {
      context: source.stream,
      dockerfile: plan.dockerfile,
      tag,
      network: deps.buildNetwork,
      buildArgs,
      signal: job.signal,
      out,
    });
    await source.done;
  } finally {
    source.kill();
  }

  let image = tag;
  if (deps.registry !== undefined) {
    const repoName = `${deps.registry}/${app}`;
    out.step(`Pushing ${repoName}:git-${short}`);
    await pushImage(deps.docker, tag, { repo: repoName, tag: `git-${short}` }, job.signal, out);
    image = `${repoName}:git-${short}`;
  }
  job.signal.throwIfAborted();
  // Another push may have moved the branch while this one built: git would then refuse to update
  // it after the hook, and a release of this commit would not match the repository.
  const now = await refTarget(repo, job.ref);
  if (now !== job.previous) {
    throw new BuildError("BUILD_FAILED", `${job.ref.replace("refs/heads/", "")} moved to ${now?.slice(0, 7) ?? "nothing"} while this push was building`, {
      hint: "pull, merge, and push again",
    });
  }
  const durationMs = Math.round(performance.now() - started);
  out.step(`Build complete in ${(durationMs / 1000).toFixed(1)} s: ${image}`);
  out.step("Releasing");
  try {
    return await deps.controller.hooks.build({
      app,
      user: job.user,
      sha,
      image,
      procfile: plan.procfile,
      kind: plan.kind,
      log: out.log,
      durationMs,
    });
  } catch (error) {
    throw releaseFailure(error);
  }
}
