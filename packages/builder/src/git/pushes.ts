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
  readonly #pushes = new Map<string, PendingPush>();

  add(app: string, commit: string, push: PendingPush): () => void {
    const key = `${app} ${commit}`;
    this.#pushes.set(key, push);
    return () => {
      if (this.#pushes.get(key) === push) this.#pushes.delete(key);
    };
  }

  find(app: string, commit: string): PendingPush | undefined {
    return this.#pushes.get(`${app} ${commit}`);
  }
}
