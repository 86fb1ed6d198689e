import test from "ava";
import { createJsonLogger } from "../src/logger.ts";
import { RequestLog } from "../src/respond.ts";

test("writes access-log lines that stay valid JSON whatever the path holds", (t) => {
  const chunks: string[] = [];
  const logger = createJsonLogger((chunk) => chunks.push(chunk));
  const log = new RequestLog(logger, performance.now(), "GET", '/a"b\\c\n\u2028\ud800', "shop.test", "127.0.0.1", "id-1");
  log.status = 200;
  log.finish(undefined);
  logger.flush();
  const line = JSON.parse(chunks.join("")) as Record<string, unknown>;
  t.is(line.path, '/a"b\\c\n\u2028\ud800');
  t.is(line.msg, "request");
  t.is(line.status, 200);
});

test("buffers lines and writes them together", (t) => {
  const chunks: string[] = [];
  const logger = createJsonLogger((chunk) => chunks.push(chunk));
  logger.info("one");
  logger.info("two", { n: 2 });
  t.is(chunks.length, 0);
  logger.flush();
  t.is(chunks.length, 1);
  t.deepEqual(
    chunks[0]!
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { msg: string }).msg),
    ["one", "two"],
  );
});
