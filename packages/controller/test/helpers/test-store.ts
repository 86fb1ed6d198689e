import type { Store } from "../../src/store/open.ts";
import { type BackendName, backends, freshStore } from "./backends.ts";

export type TestBackend = BackendName;

/** Every store test runs on both backends; PostgreSQL comes from `scripts/with-services`. */
export const testBackends = backends;

/** A fresh, migrated store whose `close()` also removes its database. */
export async function openTestStore(backend: TestBackend): Promise<Store> {
  const { store, dispose } = await freshStore(backend);
  return { ...store, close: dispose };
}
