/**
 * Splits a pod log read with `timestamps=true` (`2026-01-02T03:04:05.123456789Z text`) into lines;
 * a line without a timestamp keeps the previous one's time.
 */
export function parseLogLines(text: string): { time: string; line: string }[] {
  const lines: { time: string; line: string }[] = [];
  let last = "";
  for (const raw of text.split("\n")) {
    if (raw === "") continue;
    const space = raw.indexOf(" ");
    const stamp = space > 0 ? raw.slice(0, space) : raw;
    if (/^\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)$/.test(stamp)) {
      last = stamp;
      lines.push({ time: stamp, line: space > 0 ? raw.slice(space + 1) : "" });
    } else lines.push({ time: last, line: raw });
  }
  return lines;
}
