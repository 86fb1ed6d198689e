import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

const NGINX = process.env.NGINX ?? "/usr/sbin/nginx";

/** The parts every nginx here shares: foreground, one worker, everything inside `prefix`. */
function base(prefix: string, http: string): string {
  return `daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 65s;
${http}
}
`;
}

/** The shared upstream: a small fixed body, as a tiny app would answer. */
export function upstreamConf(prefix: string, port: number, body: string): string {
  return base(
    prefix,
    `  access_log off;
  server {
    listen 127.0.0.1:${port} reuseport;
    location / { default_type text/plain; return 200 ${JSON.stringify(body)}; }
  }`,
  );
}

/** nginx as a reverse proxy with a keep-alive upstream pool, doing the work the Berth router does. */
export function proxyConf(prefix: string, port: number, upstream: string, accessLog: boolean): string {
  return base(
    prefix,
    `  access_log ${accessLog ? `${prefix}/access.log combined buffer=64k flush=1s` : "off"};
  upstream app { server ${upstream}; keepalive 128; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:${port};
    server_name bench.localhost;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header X-Request-Id $request_id;
      add_header X-Request-Id $request_id;
      proxy_connect_timeout 5s;
      proxy_read_timeout 30s;
    }
  }`,
  );
}

/** Starts nginx in the foreground with `conf` written into its own `prefix` directory. */
export async function startNginx(prefix: string, name: string, conf: string): Promise<ChildProcess> {
  const file = join(prefix, "nginx.conf");
  await writeFile(file, conf);
  const child = spawn(NGINX, ["-p", prefix, "-c", file, "-e", join(prefix, "error.log")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.once("exit", (code) => {
    if (code !== 0 && code !== null) process.stderr.write(`nginx (${name}) exited ${code}: ${stderr}\n`);
  });
  return child;
}
