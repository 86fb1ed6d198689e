import { readFile } from "node:fs/promises";

/** CPU seconds (user, system) a process has used so far, from /proc (Linux clock ticks of 10 ms). */
export async function cpuSeconds(pid: number): Promise<{ user: number; system: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // fields after the command name (which may contain spaces) start at the last ")"
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

/** The nginx worker of a `worker_processes 1` master: its only child. */
export async function onlyChild(pid: number): Promise<number> {
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, "utf8")).trim().split(/\s+/).filter(Boolean);
  if (children.length !== 1) throw new Error(`expected one nginx worker under pid ${pid}, found ${children.length}`);
  return Number(children[0]);
}
