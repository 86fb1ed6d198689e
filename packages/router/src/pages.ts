/** The small HTML pages the router answers with when it does not proxy. */

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]!);
}

export interface Page {
  status: number;
  title: string;
  /** What went wrong and what to do next; plain text, escaped when rendered. */
  detail: string;
}

export function renderPage(page: Page): string {
  const title = escapeHtml(page.title);
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${page.status} ${title}</title>` +
    `<style>body{font-family:system-ui,sans-serif;margin:4rem auto;max-width:40rem;color:#222}p{color:#555}</style></head>` +
    `<body><h1>${title}</h1><p>${escapeHtml(page.detail)}</p><hr><small>Berth router</small></body></html>\n`
  );
}

export const pages = {
  unknownHost: (host: string): Page => ({
    status: 404,
    title: "No app at this address",
    detail: `No app answers to host "${host}". Check the address, or attach the domain: berth domains:add ${host} -a <app>.`,
  }),
  notRoutable: (app: string): Page => ({
    status: 404,
    title: "App not routable",
    detail: `The app "${app}" is not routable. Its owner can turn routing back on: berth routing:enable -a ${app}.`,
  }),
  maintenance: (app: string): Page => ({
    status: 503,
    title: "Down for maintenance",
    detail: `The app "${app}" is in maintenance mode. Please try again later.`,
  }),
  forbidden: (app: string, client: string): Page => ({
    status: 403,
    title: "Access denied",
    detail: `Your address ${client} is not on the allow-list of "${app}". Ask its owner to add it: berth allowlist:add ${client} -a ${app}.`,
  }),
  noInstances: (app: string): Page => ({
    status: 503,
    title: "No instances running",
    detail: `The app "${app}" has no web instances ready. Deploy it with git push, or scale it up: berth ps:scale web=1 -a ${app}.`,
  }),
  badGateway: (app: string, reason: string): Page => ({
    status: 502,
    title: "Bad gateway",
    detail: `The app "${app}" could not be reached (${reason}). Check its logs: berth logs -a ${app}.`,
  }),
  gatewayTimeout: (app: string, what: string, ms: number): Page => ({
    status: 504,
    title: "Gateway timeout",
    detail: `The app "${app}" did not ${what} within ${ms} ms. Check its logs (berth logs -a ${app}) or raise the timeout in its settings.`,
  }),
  missingHost: (): Page => ({
    status: 400,
    title: "Missing Host header",
    detail:
      "An HTTP/1.1 request must say which site it is for in a Host header (RFC 9112, section 3.2), and this one has none. Send Host: <app>.<domain>, as every browser, curl and HTTP library does.",
  }),
  malformedRequest: (reason: string | undefined): Page => ({
    status: 400,
    title: "Bad request",
    detail: `The request could not be read as HTTP/1.1${reason === undefined ? "" : ` (${reason})`}. Lines must end with CRLF and the request line must read like "GET /path HTTP/1.1"; if this was HTTPS, this port speaks plain HTTP.`,
  }),
  headTooLarge: (): Page => ({
    status: 431,
    title: "Request header fields too large",
    detail:
      "The request's headers are over 16 KiB, the most this router reads. Send fewer or smaller headers (large cookies are the usual cause).",
  }),
  chunkExtensionsTooLarge: (): Page => ({
    status: 413,
    title: "Chunk extensions too large",
    detail: "The request body's chunk extensions are over the 16 KiB the router reads. Send the body without chunk extensions.",
  }),
  requestTimeout: (ms: number): Page => ({
    status: 408,
    title: "Request timeout",
    detail: `The request's headers did not arrive within ${ms} ms, so the connection is closed. Send the whole request head at once, then retry.`,
  }),
  noPlatform: (host: string): Page => ({
    status: 404,
    title: "Platform API not served here",
    detail: `"${host}" is the platform's address, but this router has no platform handler mounted. Run the Berth platform, or reach the controller directly.`,
  }),
};
