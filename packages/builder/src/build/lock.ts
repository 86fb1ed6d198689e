/** Who holds an app's build lock. */
export interface BuildHolder {
  user: string;
  sha: string;
  since: number;
}

/** One build per app at a time: a second push is refused, never queued. */
export class BuildLocks {
  readonly #held = new Map<string, BuildHolder>();

  /** Takes the app's lock, or returns who holds it. */
  acquire(app: string, holder: BuildHolder): { ok: true; release: () => void } | { ok: false; holder: BuildHolder } {
    const current = this.#held.get(app);
    if (current !== undefined) return { ok: false, holder: current };
    this.#held.set(app, holder);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.#held.delete(app);
      },
    };
  }

  isHeld(app: string): boolean {
    return this.#held.has(app);
  }
}
