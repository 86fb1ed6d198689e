import { watch } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { createSecureContext, createServer, type SecureContextOptions, type Server } from "node:tls";
import type { RouterLogger } from "../logger.ts";

/** The certificate the HTTPS listener presents, from two PEM files. */
export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

/** Why a certificate cannot be served, in words for the operator. */
export class CertificateError extends Error {
  override readonly name = "CertificateError";
}

/**
 * Reads and checks the certificate and key: both must be PEM, and the key must be the
 * certificate's (Node's TLS refuses the pair otherwise). Throws a {@link CertificateError} that says which.
 */
export async function loadCertificate(files: CertificateFiles): Promise<SecureContextOptions> {
  const read = (file: string, what: string) =>
    readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new CertificateError(`the ${what} ${file} cannot be read: ${error.code ?? error.message}`);
    });
  const [cert, key] = await Promise.all([read(files.certFile, "certificate"), read(files.keyFile, "key")]);
  if (!cert.includes("-----BEGIN CERTIFICATE-----")) throw new CertificateError(`${files.certFile} holds no PEM certificate`);
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) throw new CertificateError(`${files.keyFile} holds no PEM private key`);
  const options = { cert, key };
  try {
    createSecureContext(options);
  } catch (error) {
    const reason = (error as Error).message;
    throw new CertificateError(
      /key values mismatch/i.test(reason)
        ? `the key ${files.keyFile} is not the key of the certificate ${files.certFile}`
        : `the certificate and key cannot be used: ${reason}`,
    );
  }
  return options;
}

/**
 * A TLS listener (HTTP/1.1 by ALPN, TLS 1.2 and newer) presenting the certificate in `files`, which
 * it reads again whenever a file in their directory changes (a Kubernetes Secret volume swaps a
 * symlink; a renewal rewrites the files): new handshakes get the new certificate, open connections
 * keep theirs. A changed pair that cannot be used is logged and the one in service kept.
 * `close()` also stops watching.
 */
export async function tlsListener(files: CertificateFiles, logger: RouterLogger): Promise<Server> {
  let current = await loadCertificate(files);
  const server = createServer({ ...current, ALPNProtocols: ["http/1.1"], minVersion: "TLSv1.2" });
  // A client that fails its handshake (a scanner, a wrong name) concerns nobody else.
  server.on("tlsClientError", () => {});
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    timer = undefined;
    loadCertificate(files).then(
      (next) => {
        if (next.cert === current.cert && next.key === current.key) return;
        server.setSecureContext(next);
        current = next;
        logger.info("certificate reloaded", { cert: files.certFile });
      },
      (error: Error) => logger.error("the changed certificate is not used; the previous one is still served", { err: error.message }),
    );
  };
  const watchers = [...new Set([dirname(files.certFile), dirname(files.keyFile)])].map((dir) =>
    watch(dir, () => {
      // Both files change, in some order, often with a symlink swap between: read once they settle.
      clearTimeout(timer);
      timer = setTimeout(reload, 200);
    }),
  );
  server.on("close", () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  });
  return server;
}
