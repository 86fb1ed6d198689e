import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { isGitPath } from "@berth/api";

/** Sends git traffic to the builder and everything else to the controller API. */
export function platformDispatch(controller: RequestListener, builder: (req: IncomingMessage, res: ServerResponse) => void): RequestListener {
  return (req, res) => {
    if (isGitPath(req.url ?? "/")) builder(req, res);
    else controller(req, res);
  };
}
