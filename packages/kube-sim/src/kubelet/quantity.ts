const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const decimal: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, m: 1e-3, "": 1 };

/** A resource quantity ("512Mi", "1G", "250m", "2") as a number of base units. */
export function parseQuantity(text: string): number {
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(text.trim());
  if (!m) throw new Error(`invalid quantity "${text}"`);
  const factor = binary[m[2]!] ?? decimal[m[2]!];
  if (factor === undefined) throw new Error(`invalid quantity suffix in "${text}"`);
  return Number(m[1]) * factor;
}
