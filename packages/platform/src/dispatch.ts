import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";

/** Smart-HTTP git paths: `/<app>.git/info/refs`, `/<app>.git/git-receive-pack`, … */
const gitPath = /^\/[^/?]+\.git(?:[/?]|$)/;

/** Sends git traffic to the builder and everything else to the controller API. */
export function platformDispatch(controller: RequestListener, builder: (req: IncomingMessage, res: ServerResponse) => void): RequestListener {
  return (req, res) => {
    if (gitPath.test(req.url ?? "/")) builder(req, res);
    else controller(req, res);
  };
}
