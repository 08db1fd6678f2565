import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import { generate } from 'selfsigned';
import { ConfigError, type Config } from './config.js';

export interface TlsMaterial {
  /** Default certificate and key (PEM). */
  cert: string;
  key: string;
  /** SNI: picks the certificate configured for the requested host name. */
  SNICallback: (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) => void;
  selfSigned: boolean;
}

/**
 * TLS for every listener: the configured certificates per host name (SNI), or a self-signed
 * certificate for HEARTH_HOSTNAME generated at first start and kept in DATA/tls/.
 */
export async function loadTls(config: Config): Promise<TlsMaterial> {
  const entries = config.tls.certificates.map((c) => {
    try {
      return { hostnames: c.hostnames.map((h) => h.toLowerCase()), cert: readFileSync(c.cert, 'utf8'), key: readFileSync(c.key, 'utf8') };
    } catch (e) {
      throw new ConfigError(`tls.certificates: cannot read ${c.cert} or ${c.key}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  });
  let selfSigned = false;
  if (entries.length === 0) {
    entries.push({ hostnames: [config.hostname], ...(await selfSignedFor(config)) });
    selfSigned = true;
  }
  const contexts = entries.map((e) => {
    try {
      return { hostnames: e.hostnames, ctx: createSecureContext({ cert: e.cert, key: e.key }) };
    } catch (err) {
      throw new ConfigError(`tls.certificates: certificate for ${e.hostnames[0]} is invalid: ${(err as Error).message}`);
    }
  });
  const match = (name: string) => contexts.find((c) => c.hostnames.some((h) => h === name || (h.startsWith('*.') && name.endsWith(h.slice(1)) && !name.slice(0, -h.length + 1).includes('.'))));
  return {
    cert: entries[0].cert,
    key: entries[0].key,
    selfSigned,
    SNICallback: (servername, cb) => cb(null, (match(servername.toLowerCase()) ?? contexts[0]).ctx),
  };
}

async function selfSignedFor(config: Config): Promise<{ cert: string; key: string }> {
  const dir = join(config.dataDir, 'tls');
  const certFile = join(dir, 'self-signed.crt');
  const keyFile = join(dir, 'self-signed.key');
  if (existsSync(certFile) && existsSync(keyFile)) return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  const pems = await generate([{ name: 'commonName', value: config.hostname }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notAfterDate: new Date(Date.now() + 825 * 86_400_000),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: config.hostname }, { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
  } as never);
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certFile, pems.cert);
  return { cert: pems.cert, key: pems.private };
}
