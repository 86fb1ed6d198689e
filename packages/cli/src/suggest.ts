/** Edit distance between two strings (Levenshtein), for "did you mean" suggestions. */
export function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The closest names (at most two), or none when nothing is close enough to be a typo. */
export function suggest(input: string, names: string[]): string[] {
  const scored = [...new Set(names)]
    .map((name) => ({ name, score: name.startsWith(`${input}:`) ? 0 : distance(input, name) }))
    .filter(({ name, score }) => score <= Math.max(2, Math.floor(Math.min(input.length, name.length) / 3)))
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
  return scored.slice(0, 2).map(({ name }) => name);
}
