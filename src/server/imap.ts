/**
 * Starts the IMAP listeners the configuration asks for (CONTRACT.md: HEARTH_IMAP with STARTTLS,
 * HEARTH_IMAPS with implicit TLS), with TLS from the same per-host certificates as HTTPS (SNI).
 */
import type { Config, Listener } from './config.js';
import type { ProtocolContext } from '../model/context.js';
import { createImapServer, type ImapServer } from '../../protocols/imap/server/server.js';
import { loadTls } from './tls.js';

export interface RunningImap {
  lines: string[];
  ports: { imap?: number; imaps?: number };
  close(): Promise<void>;
}

const MODES = [['imap', 'HEARTH_IMAP', false], ['imaps', 'HEARTH_IMAPS', true]] as const;

export async function startImap(config: Config, ctx: ProtocolContext): Promise<RunningImap> {
  const running: ImapServer[] = [];
  const out: RunningImap = { lines: [], ports: {}, close: () => Promise.all(running.map((r) => r.close())).then(() => {}) };
  const wanted = MODES.filter(([key]) => config.listeners[key]);
  if (wanted.length === 0) return out;
  const tls = await loadTls(config);
  try {
    for (const [key, envName, implicitTls] of wanted) {
      const l = config.listeners[key] as Listener;
      const imap = createImapServer({ ctx, implicitTls, tls: { key: tls.key, cert: tls.cert, SNICallback: tls.SNICallback } });
      await new Promise<void>((resolve, reject) => {
        const onError = (e: NodeJS.ErrnoException) => {
          const why = e.code === 'EADDRINUSE' ? 'address already in use' : e.code === 'EACCES' ? 'permission denied' : e.code ?? e.message;
          reject(new Error(`${envName}: cannot listen on ${l.host}:${l.port}: ${why}`));
        };
        imap.server.once('error', onError);
        imap.server.listen(l.port, l.host, () => { imap.server.off('error', onError); resolve(); });
      });
      running.push(imap);
      const port = (imap.server.address() as { port: number }).port;
      out.ports[key] = port;
      out.lines.push(`  ${implicitTls ? 'IMAPS (TLS)      ' : 'IMAP (STARTTLS)  '}${l.host}:${port}`);
    }
  } catch (e) {
    await out.close();
    throw e;
  }
  return out;
}
