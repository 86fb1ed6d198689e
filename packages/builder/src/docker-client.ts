import { dockerOptions } from "@berth/config";
import Docker from "dockerode";

/** The dockerode client for a `DOCKER_HOST` value (see `dockerOptions`); the default socket when absent. */
export function dockerFromHost(host: string | undefined): Docker {
  return new Docker(dockerOptions(host));
}
