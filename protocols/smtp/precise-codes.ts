/**
 * Lets our replies carry their own RFC 3463 enhanced status code. smtp-server picks the enhanced
 * code from the basic code alone (every 554 becomes 5.6.0, every 553 5.1.3), which would
 * mislabel a relay refusal (5.7.1) or an oversized message (5.3.4). A reply whose text already
 * starts with an enhanced code is sent as it is; every other reply keeps smtp-server's choice.
 */
import type { SMTPServer, SMTPServerSession } from 'smtp-server';

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;

type Send = (code: number, data: unknown, context?: unknown) => void;
interface ConnectionLike { id: string; send: Send; __hearthPrecise?: boolean }

/** Call from onConnect: finds the session's connection and wraps its send once. */
export function usePreciseCodes(server: SMTPServer, session: SMTPServerSession): void {
  const connections = (server as unknown as { connections: Set<ConnectionLike> }).connections;
  for (const c of connections) {
    if (c.id !== session.id || c.__hearthPrecise) continue;
    const send = c.send.bind(c);
    c.send = (code, data, context) => send(code, data, typeof data === 'string' && ENHANCED.test(data) ? false : context);
    c.__hearthPrecise = true;
  }
}
