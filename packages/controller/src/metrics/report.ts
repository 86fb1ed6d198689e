import { METRICS_BUCKET_MS, METRICS_LATENCY_BOUNDS_MS, type RouterMetricsReport, type TrafficBucket } from "@berth/api";
import { asObject, onlyKeys, requiredString } from "../domain/validate.ts";
import { invalid } from "../errors.ts";

const count = (value: unknown) => typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= Number.MAX_SAFE_INTEGER;

function bucket(value: unknown, i: number): TrafficBucket {
  const field = `buckets[${i}]`;
  const b = asObject(value, field);
  onlyKeys(b, ["app", "start", "requests", "errors", "latency", "latencySumMs"], field);
  if (typeof b.app !== "string" || b.app.length === 0 || b.app.length > 63) throw invalid(`${field}.app`, "must name an app");
  if (!count(b.start) || (b.start as number) % METRICS_BUCKET_MS !== 0)
    throw invalid(`${field}.start`, "must be the start of a minute, in ms");
  if (!count(b.requests) || !count(b.errors) || (b.errors as number) > (b.requests as number)) {
    throw invalid(`${field}.requests`, "requests and errors must be counts, errors at most requests");
  }
  const latency = b.latency;
  if (!Array.isArray(latency) || latency.length !== METRICS_LATENCY_BOUNDS_MS.length + 1 || !latency.every(count)) {
    throw invalid(`${field}.latency`, `must be ${METRICS_LATENCY_BOUNDS_MS.length + 1} counts, one per latency bucket`);
  }
  if (typeof b.latencySumMs !== "number" || !(b.latencySumMs >= 0)) throw invalid(`${field}.latencySumMs`, "must be a sum of ms");
  return {
    app: b.app,
    start: b.start as number,
    requests: b.requests as number,
    errors: b.errors as number,
    latency: latency as number[],
    latencySumMs: b.latencySumMs,
  };
}

/** A router's metrics report, checked field by field. */
export function validateMetricsReport(value: unknown): RouterMetricsReport {
  const body = asObject(value, "body");
  onlyKeys(body, ["router", "boot", "buckets"], "");
  const router = requiredString(body, "router", 253);
  const boot = requiredString(body, "boot", 64);
  if (router.trim() === "" || boot.trim() === "")
    throw invalid("router", "must name the router and its start", "a pod name, and a random id per start");
  if (!Array.isArray(body.buckets) || body.buckets.length > 5000) throw invalid("buckets", "must be a list of at most 5000 buckets");
  return { router, boot, buckets: body.buckets.map(bucket) };
}
