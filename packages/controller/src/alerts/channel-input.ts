import { asObject, onlyKeys, requiredString } from "../domain/validate.ts";
import { invalid } from "../errors.ts";
import type { AlertChannelRow } from "../store/schema.ts";
import { checkDestination } from "./destination.ts";
import { newId } from "./notify.ts";
import { newWebhookSecret } from "./webhook-secret.ts";

/**
 * A new channel from `POST …/alerts/channels` (`{type, url}`), of an app or (`app` null) of the
 * platform: its URL checked now, not at the first delivery, so whoever adds it learns at once; a
 * webhook gets its signing secret.
 */
export async function channelFromRequest(value: unknown, app: string | null, allowPrivate: boolean): Promise<AlertChannelRow> {
  const body = asObject(value, "body");
  onlyKeys(body, ["type", "url"], "");
  const type = requiredString(body, "type", 20);
  if (type !== "webhook" && type !== "slack") throw invalid("type", `"${type}" is not a channel type`, "webhook or slack");
  const url = requiredString(body, "url", 2000);
  await checkDestination(url, { allowPrivate });
  const secret = type === "webhook" ? newWebhookSecret() : null;
  return { id: newId("c", 3), app_id: app, type, url, secret, enabled: 1, disabled_reason: null, created: new Date().toISOString() };
}
