import { flag, profileName, text, typedUrl } from "../kinds.ts";
import { optional, setting } from "../setting.ts";

/** What the `berth` command reads besides its arguments; each is read when a command needs it. */
export const cliSettings = {
  profile: setting({
    env: "BERTH_PROFILE",
    kind: profileName(),
    default: "client",
    shown: "`client` (`~/.berth/client.json`)",
    meaning:
      "the profile `login` keeps the controller URL, username and token in: `staging` is `~/.berth/staging.json`, a value ending in `.json` is the file's path",
  }),
  url: optional({
    env: "BERTH_URL",
    kind: typedUrl(),
    shown: "the profile's",
    meaning: "the controller's URL, in place of the profile's (`http://` when left out)",
  }),
  token: optional({
    env: "BERTH_TOKEN",
    kind: text(),
    shown: "the profile's",
    meaning: "API token, in place of the profile's: with `BERTH_URL`, scripts need no profile (`berth auth:token` prints one)",
  }),
  debug: setting({
    env: "BERTH_DEBUG",
    kind: flag(),
    default: false,
    meaning: "`1` adds each error's stack trace and causes; any other value is off",
  }),
};
