import anyTest, { type ExecutionContext, type TestFn } from "ava";
import { type BackendName, backends } from "./backends.ts";

const test = anyTest as TestFn<unknown>;

/** Registers one test per backend, titled `[sqlite] …` and `[postgres] …`. */
export function eachBackend(title: string, body: (t: ExecutionContext, backend: BackendName) => Promise<void>): void {
  for (const backend of backends) test(`[${backend}] ${title}`, (t) => body(t, backend));
}

/** Asserts that a promise rejects with an ApiError of this status and code; returns the error. */
export async function rejects(
  t: ExecutionContext,
  promise: Promise<unknown>,
  status: number,
  code: string,
): Promise<{ message: string; hint: string | undefined; field: string | undefined }> {
  const error = await t.throwsAsync(promise);
  const e = error as Error & { status?: number; code?: string; hint?: string; field?: string };
  t.is(e.status, status, `status of: ${e.message}`);
  t.is(e.code, code, `code of: ${e.message}`);
  return { message: e.message, hint: e.hint, field: e.field };
}
