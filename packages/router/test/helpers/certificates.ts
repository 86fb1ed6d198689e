import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A self-signed certificate for `names` (the first is its subject), made by openssl: its PEM files in `dir`. */
export async function selfSignedCertificate(dir: string, file: string, names: string[]): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${file}.crt`);
  const key = join(dir, `${file}.key`);
  await run("openssl", [
    ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"],
    ...["-subj", `/CN=${names[0]}`, "-addext", `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}`],
    ...["-keyout", key, "-out", cert],
  ]);
  return { cert, key };
}
