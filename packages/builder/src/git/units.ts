/** A size as the settings table writes it: `256 MiB`, `0.5 MiB`, `64 KiB`. */
export function formatBytes(bytes: number): string {
  const mib = bytes / 1024 / 1024;
  if (mib >= 0.1) return `${Number(mib.toFixed(1))} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}

/** A duration for messages: `60 s`, `1.5 s`, `200 ms`. */
export function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${ms} ms`;
}
