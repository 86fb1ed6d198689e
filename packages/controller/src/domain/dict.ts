/**
 * The value a user-keyed map (formation, procfile, limits, healthchecks, config values) holds for
 * `key`, read only from the map's own entries: `formation["constructor"]` must never reach the
 * prototype.
 */
export function own<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}
