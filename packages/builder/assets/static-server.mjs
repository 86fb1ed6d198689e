// Serves a static site for Berth's static buildpack: files under BERTH_STATIC_ROOT on $PORT.
// Dependency-free on purpose: it is copied into the app's image.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";

const root = normalize(process.env.BERTH_STATIC_ROOT || process.cwd());
const port = Number(process.env.PORT || 5000);
const types = {
  ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8", ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png",
  ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp", ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8", ".xml": "application/xml", ".woff": "font/woff", ".woff2": "font/woff2",
  ".wasm": "application/wasm", ".pdf": "application/pdf", ".map": "application/json",
};

async function resolveFile(urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath.split("?")[0]);
  } catch {
    return undefined;
  }
  // Dotfiles (.git, .env, the build's own files) are never served.
  if (path.split("/").some((part) => part.startsWith("."))) return undefined;
  const file = normalize(join(root, path));
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  const info = await stat(file).catch(() => undefined);
  if (info?.isFile()) return { file, size: info.size };
  if (info?.isDirectory()) {
    const index = join(file, "index.html");
    const indexInfo = await stat(index).catch(() => undefined);
    if (indexInfo?.isFile()) return { file: index, size: indexInfo.size };
  }
  return undefined;
}

const server = createServer(async (req, res) => {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  const found = await resolveFile(req.url || "/");
  if (found === undefined) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
    return;
  }
  res.writeHead(200, { "content-type": types[extname(found.file).toLowerCase()] || "application/octet-stream", "content-length": found.size });
  if (req.method === "HEAD") res.end();
  else createReadStream(found.file).pipe(res);
});
server.listen(port, () => process.stdout.write(`serving ${root} on port ${port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
