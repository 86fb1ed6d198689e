import type { Container, Secret } from "../kinds/shapes.ts";

/** The container config cannot be built: the kubelet's CreateContainerConfigError. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

function secretValue(secret: Secret, key: string): string | undefined {
  const data = secret.data?.[key];
  return data === undefined ? undefined : Buffer.from(data, "base64").toString("utf8");
}

/**
 * The environment as the kubelet builds it at container start: `envFrom` first, then `env` (later
 * entries win), Secret references resolved now; then `PORT`, which the simulator always sets to the
 * port it gave the container on the host network.
 */
export function containerEnv(
  container: Container,
  namespace: string,
  lookup: (name: string) => Secret | undefined,
  port: number | undefined,
): string[] {
  const env = new Map<string, string>();
  for (const source of container.envFrom ?? []) {
    if (!source.secretRef) continue;
    const secret = lookup(source.secretRef.name);
    if (!secret) {
      if (source.secretRef.optional) continue;
      throw new ConfigError(`secret "${source.secretRef.name}" not found`);
    }
    for (const key of Object.keys(secret.data ?? {})) env.set(`${source.prefix ?? ""}${key}`, secretValue(secret, key)!);
  }
  for (const v of container.env ?? []) {
    const ref = v.valueFrom?.secretKeyRef;
    if (!ref) {
      env.set(v.name, v.value ?? "");
      continue;
    }
    const secret = lookup(ref.name);
    if (!secret) {
      if (ref.optional) continue;
      throw new ConfigError(`secret "${ref.name}" not found`);
    }
    const value = secretValue(secret, ref.key);
    if (value === undefined) {
      if (ref.optional) continue;
      throw new ConfigError(`couldn't find key ${ref.key} in Secret ${namespace}/${ref.name}`);
    }
    env.set(v.name, value);
  }
  // $(VAR) references in env values expand against earlier variables, as the kubelet does.
  for (const [k, v] of env)
    env.set(
      k,
      v.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env.get(name) ?? whole),
    );
  if (port !== undefined) env.set("PORT", String(port));
  return [...env].map(([k, v]) => `${k}=${v}`);
}
