/**
 * Splits the engine's multiplexed log stream (8-byte frame headers: stream, 0, 0, 0, size) into
 * lines, each led by the timestamp the engine adds with `timestamps: true`.
 */
export function demuxLogs(raw: Buffer): { time: string; line: string }[] {
  const chunks: Buffer[] = [];
  let offset = 0;
  const framed = raw.length >= 8 && (raw[0] === 1 || raw[0] === 2) && raw[1] === 0 && raw[2] === 0 && raw[3] === 0;
  if (!framed) chunks.push(raw);
  while (framed && offset + 8 <= raw.length) {
    const size = raw.readUInt32BE(offset + 4);
    chunks.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  const out: { time: string; line: string }[] = [];
  for (const text of Buffer.concat(chunks).toString("utf8").split("\n")) {
    if (text === "") continue;
    const space = text.indexOf(" ");
    out.push(space > 0 ? { time: text.slice(0, space), line: text.slice(space + 1) } : { time: "", line: text });
  }
  return out;
}
