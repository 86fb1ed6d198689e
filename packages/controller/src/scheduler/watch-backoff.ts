/** Pause before the next try after `failures` watches in a row could not connect: 1 s, doubling up to 30 s. */
export function watchBackoff(failures: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, failures - 1));
}

/**
 * Whether a watch that ended counts as a failed try: it never connected, or it connected but said
 * nothing and ended within seconds (the server refused it in the stream). A quiet watch that lived a
 * while and then ended (a timeout, a restarted server) is not one: it is resumed at once.
 */
export function watchFailed(connected: boolean, heard: boolean, began: number): boolean {
  return !connected || (!heard && Date.now() - began < 5000);
}
