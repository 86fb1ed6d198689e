/** How a test app behaves; each is a Node app with no dependencies, built by the Node.js buildpack. */
export interface AppBehaviour {
  /** Starts listening this long after it starts (0: at once; undefined with `never`). */
  listenAfterMs?: number;
  /** Never listens: a release of it can never become ready. */
  never?: boolean;
  /** `exit` (Node's default: gone at once), or `ignore` (runs on until it is killed). */
  onSigterm?: "exit" | "ignore";
  /** Exits with code 3 this long after it started listening. */
  crashAfterMs?: number;
  /** Exits with code 1 at once, before it listens, as an app whose database is not there does. */
  crashAtBoot?: boolean;
  /** Printed at start, so the app's log says what it is. */
  banner?: string;
}

/**
 * The files of a test app. It answers `<GREETING or hello> from <release> on <port>` (on `/slow`
 * the same after `slow `, its head at once and its body half a second later); a plain
 * `http.createServer` app that does not handle SIGTERM unless told to, as most apps are.
 */
export function nodeApp(behaviour: AppBehaviour = {}): Record<string, string> {
  const listen = behaviour.never
    ? "// never listens"
    : `setTimeout(() => server.listen(process.env.PORT, () => {
  console.log("listening on " + process.env.PORT);
  ${behaviour.crashAfterMs === undefined ? "" : `setTimeout(() => { console.error("boom: lost the database"); process.exit(3); }, ${behaviour.crashAfterMs});`}
}), ${behaviour.listenAfterMs ?? 0});`;
  return {
    "package.json": JSON.stringify({ name: "test-app", version: "1.0.0", scripts: { start: "node server.js" } }),
    "server.js": `const http = require("node:http");
console.log(${JSON.stringify(behaviour.banner ?? "starting")});
${behaviour.crashAtBoot ? 'console.error("boom: cannot reach redis at 127.0.0.1:6379"); process.exit(1);' : ""}
${behaviour.onSigterm === "ignore" ? 'process.on("SIGTERM", () => console.log("SIGTERM ignored"));' : ""}
const answer = () => \`\${process.env.GREETING || "hello"} from \${process.env.BERTH_RELEASE} on \${process.env.PORT}\\n\`;
const server = http.createServer((req, res) => {
  // /slow: the head at once, the body half a second later, as a download or a slow page would.
  if (req.url === "/slow") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("slow ");
    setTimeout(() => res.end(answer()), 500);
    return;
  }
  res.end(answer());
});
server.keepAliveTimeout = 65000;
${behaviour.never ? "setInterval(() => {}, 60000);" : ""}
${listen}
`,
  };
}
