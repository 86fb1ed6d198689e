/** A push whose HTTP request was authenticated and is being received. */
export interface PendingPush {
  user: string;
  /** Aborts when the pusher disconnects before the push finished. */
  signal: AbortSignal;
}

/**
 * Pairs a pre-receive hook with the authenticated request it runs under. The hook only knows the
 * repository and the ref updates, so a push is found by app and pushed commit.
 */
export class PendingPushes {
  // Several requests may push the same commit at once (to two branches, say): keep them all.
  readonly #pushes = new Map<string, PendingPush[]>();

  add(app: string, commit: string, push: PendingPush): () => void {
    const key = `${app} ${commit}`;
    this.#pushes.set(key, [...(this.#pushes.get(key) ?? []), push]);
    return () => {
      const rest = (this.#pushes.get(key) ?? []).filter((p) => p !== push);
      if (rest.length === 0) this.#pushes.delete(key);
      else this.#pushes.set(key, rest);
    };
  }

  find(app: string, commit: string): PendingPush | undefined {
    return this.#pushes.get(`${app} ${commit}`)?.at(-1);
  }
}
