/**
 * Bytes as a latin1 string (one byte, one char: lossless), through the Buffer method `toString`
 * itself ends in — without its encoding lookup, which the hot path would pay per request.
 */
export function latin1(buffer: Buffer, start: number, end: number): string {
  return (buffer as Buffer & { latin1Slice(start: number, end: number): string }).latin1Slice(start, end);
}
