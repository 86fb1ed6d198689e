// Loaded with `node --import` before berth starts: appends the URL of every module that the process
// loads to the file named by BERTH_IMPORT_LOG, so a test can see which modules a command line loaded.
import { appendFileSync } from "node:fs";
import { registerHooks } from "node:module";

const log = process.env.BERTH_IMPORT_LOG;
if (log === undefined) throw new Error("record-imports needs BERTH_IMPORT_LOG");
registerHooks({
  load(url, context, nextLoad) {
    if (url.startsWith("file:")) appendFileSync(log, `${url}\n`);
    return nextLoad(url, context);
  },
});
