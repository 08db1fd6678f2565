/**
 * Starts the POP3 listeners the configuration asks for (CONTRACT.md: HEARTH_POP3 with STLS,
 * HEARTH_POP3S with implicit TLS; both off unless set), with one maildrop lock table shared by
 * both and TLS from the same per-host certificates as HTTPS (SNI).
 */
import type { Config, Listener } from './config.js';
import type { ProtocolContext } from '../model/context.js';
import { createPop3Server, type Pop3Mode, type Pop3Server } from '../../protocols/pop3/listener.js';
import { MaildropLocks } from '../../protocols/pop3/in-use.js';
import { DEFAULT_POP3_SETTINGS, type Pop3Settings } from '../../protocols/pop3/settings.js';
import { loadTls } from './tls.js';

export interface RunningPop3 {
  /** Banner lines, one per listener. */
  lines: string[];
  /** Port each started listener is bound to (port 0 in tests becomes the real port). */
  ports: Partial<Record<Pop3Mode, number>>;
  close(): Promise<void>;
}

const NAMES: Record<Pop3Mode, [key: 'pop3' | 'pop3s', env: string, label: string]> = {
  pop3: ['pop3', 'HEARTH_POP3', 'POP3 (STLS)'],
  pop3s: ['pop3s', 'HEARTH_POP3S', 'POP3 (TLS)'],
};

export async function startPop3(config: Config, ctx: ProtocolContext, overrides: Partial<Pop3Settings> = {}): Promise<RunningPop3> {
  const modes = (Object.keys(NAMES) as Pop3Mode[]).filter((m) => config.listeners[NAMES[m][0]]);
  const running: Pop3Server[] = [];
  const out: RunningPop3 = { lines: [], ports: {}, close: () => Promise.all(running.map((r) => r.close())).then(() => {}) };
  if (modes.length === 0) return out;
  const tls = await loadTls(config);
  const locks = new MaildropLocks();
  const settings = { ...DEFAULT_POP3_SETTINGS, ...overrides };
  try {
    for (const mode of modes) {
      const [key, envName, label] = NAMES[mode];
      const l = config.listeners[key] as Listener;
      const pop3 = createPop3Server(mode, { ctx, settings, hostname: config.hostname, tls, locks });
      await new Promise<void>((resolve, reject) => {
        const onError = (e: NodeJS.ErrnoException) => {
          const why =
            e.code === 'EADDRINUSE' ? 'address already in use' : e.code === 'EACCES' ? 'permission denied' : (e.code ?? e.message);
          reject(new Error(`${envName}: cannot listen on ${l.host}:${l.port}: ${why}`));
        };
        pop3.server.once('error', onError);
        pop3.server.listen(l.port, l.host, () => {
          pop3.server.off('error', onError);
          resolve();
        });
      });
      running.push(pop3);
      const port = (pop3.server.address() as { port: number }).port;
      out.ports[mode] = port;
      out.lines.push(`  ${label}  ${l.host}:${port}`);
    }
  } catch (e) {
    await out.close();
    throw e;
  }
  return out;
}
