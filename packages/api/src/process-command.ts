/**
 * How Berth runs a process type's command (`web: npm start`) in an instance: under a small POSIX `sh`
 * supervisor that starts the command in its own process group (`setsid`, where the image has it),
 * passes TERM, INT and HUP on to that whole group, as Heroku signals every process of a dyno, and,
 * once signalled, waits until every process of the group has exited, so the engine's or kubelet's
 * grace period, not the outer shell, decides when the app is killed.
 *
 * Without it, a stop's SIGTERM reaches only the outer `/bin/sh -c` (or `npm`): the shell exits at
 * once and the container ends with it, so an app never saw its SIGTERM and had no time to finish.
 *
 * The supervisor exits with the command's status. It is written for dash and busybox `sh` alike
 * (`kill -TERM -<pgid>`; busybox's `kill` takes no `--`) and passes its standard input on to the
 * command (an asynchronous list would otherwise read /dev/null; a closed one is /dev/null).
 */
const SUPERVISOR = [
  "child= signalled=",
  'forward() { signalled=$1; if [ -n "$child" ]; then kill -"$1" -"$child" 2>/dev/null || kill -"$1" "$child" 2>/dev/null; fi; }',
  "trap 'forward TERM' TERM",
  "trap 'forward INT' INT",
  "trap 'forward HUP' HUP",
  // Standard input on fd 3 for the command; a closed one becomes /dev/null.
  "{ command exec 3<&0; } 2>/dev/null || exec 3</dev/null",
  'if command -v setsid >/dev/null 2>&1; then setsid /bin/sh -c "$1" 0<&3 3<&- & else /bin/sh -c "$1" 0<&3 3<&- & fi',
  "child=$!",
  "exec 3<&-",
  // A signal that came before the command started goes to it now.
  'if [ -n "$signalled" ]; then forward "$signalled"; fi',
  // `wait` returns early (status > 128) when a trap ran; wait on while the command runs.
  'wait "$child" 2>/dev/null; status=$?',
  'while [ "$status" -gt 128 ] && kill -0 "$child" 2>/dev/null; do wait "$child" 2>/dev/null; status=$?; done',
  // Stopping: the rest of the group (an app under `npm start`, say) may still be finishing.
  'if [ -n "$signalled" ]; then while kill -0 -"$child" 2>/dev/null; do sleep 0.2 2>/dev/null || sleep 1; done; fi',
  'exit "$status"',
].join("\n");

/** The name the supervisor runs under (its `$0`), as `ps` shows it. */
export const PROCESS_SUPERVISOR_NAME = "berth-run";

/** The argv an instance runs for a process type's command: the supervisor, then the command as `$1`. */
export function processCommand(command: string): string[] {
  return ["/bin/sh", "-c", SUPERVISOR, PROCESS_SUPERVISOR_NAME, command];
}
