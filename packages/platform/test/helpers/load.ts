import { Agent } from "node:http";
import { get } from "./http.ts";

export interface LoadReport {
  ok: number;
  /** Every failed request: status and the start of its body, or the client's error. */
  errors: string[];
  /** What the successful answers said, counted (`hello from v3 on 5000`). */
  answers: Map<string, number>;
}

/** Which kind of client made a request (see {@link startLoad}). */
export type LoadClient = "keepAlive" | "fresh" | "slow";

/** One finished request, as a watcher of the load sees it: the normalised answer, or why it failed. */
export type LoadOutcome = { client: LoadClient; answer: string; failure?: undefined } | { client: LoadClient; failure: string };

export interface Load {
  /** Stops the clients once their current request ends, and says what they saw. */
  stop(): Promise<LoadReport>;
}

const entities: Record<string, string> = { quot: '"', amp: "&", lt: "<", gt: ">", "#39": "'" };

/** A failed reply's body in a line: the title and text of the router's HTML page (they say why), else its start. */
function gist(body: string): string {
  const page = /<h1>(.*?)<\/h1><p>(.*?)<\/p>/s.exec(body);
  if (page === null) return body.slice(0, 120);
  const text = `${page[1]}: ${page[2]}`.replace(/&(quot|amp|lt|gt|#39);/g, (_, e: string) => entities[e] ?? e);
  return text.slice(0, 300);
}

/**
 * Clients that loop GETs to an app through the platform's port until stopped: `keepAlive` of them
 * on pooled connections, `fresh` of them opening a new connection per request (the case a port
 * proxy or an early stop hurts most), and `slow` of them asking for `/slow` (a response that is
 * under way when an instance is stopped too early is cut, and no retry can save it). Bounded: each
 * stops by itself after `maxMs`. `watch`, when given, is told of every request as it ends.
 */
export function startLoad(
  port: number,
  host: string,
  counts: { keepAlive: number; fresh: number; slow?: number },
  maxMs = 240_000,
  watch?: (outcome: LoadOutcome) => void,
): Load {
  const report: LoadReport = { ok: 0, errors: [], answers: new Map() };
  let running = true;
  const pooled = new Agent({ keepAlive: true, maxSockets: counts.keepAlive });
  const fresh = new Agent({ keepAlive: false });
  const stopAt = Date.now() + maxMs;
  const fail = (client: LoadClient, failure: string) => {
    report.errors.push(failure);
    watch?.({ client, failure });
  };
  const loop = async (kind: LoadClient, agent: Agent, path = "/") => {
    while (running && Date.now() < stopAt) {
      try {
        const reply = await get(port, host, path, agent);
        if (reply.status !== 200) {
          fail(kind, `${reply.status} ${gist(reply.body)}`);
          continue;
        }
        report.ok += 1;
        const answer = reply.body
          .trim()
          .replace(/ on \d+$/, "")
          .replace(/^slow /, "");
        report.answers.set(answer, (report.answers.get(answer) ?? 0) + 1);
        watch?.({ client: kind, answer });
      } catch (error) {
        fail(kind, String(error));
      }
    }
  };
  const clients = [
    ...Array.from({ length: counts.keepAlive }, () => loop("keepAlive", pooled)),
    ...Array.from({ length: counts.fresh }, () => loop("fresh", fresh)),
    ...Array.from({ length: counts.slow ?? 0 }, () => loop("slow", fresh, "/slow")),
  ];
  return {
    async stop() {
      running = false;
      await Promise.all(clients);
      pooled.destroy();
      fresh.destroy();
      return report;
    },
  };
}
