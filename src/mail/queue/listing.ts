/**
 * The outbound queue as the operator sees it (`hearth queue list`): one line per message,
 * tab-separated: id, sender (<> for the null sender), recipients with their state, attempts,
 * next attempt (ISO 8601), last error (the remote's reply), as Postfix's mailq shows the same.
 */
import type { QueuedMessage } from '../../store/queue-store.js';

const oneLine = (s: string) => s.replace(/[\t\r\n]+/g, ' ');

export function queueLine(m: QueuedMessage): string {
  const recipients = m.recipients.map((r) => `${r.address} (${r.state}${r.attempts ? ` ${r.attempts}` : ''})`).join(', ');
  const lastError = m.recipients.find((r) => (r.state === 'deferred' || r.state === 'failed') && r.lastError)?.lastError ?? '-';
  return [
    m.id,
    m.mailFrom ? oneLine(m.mailFrom) : '<>',
    oneLine(recipients),
    `attempts ${m.attempts}`,
    `next ${new Date(m.nextAttemptAt).toISOString()}`,
    oneLine(lastError),
  ].join('\t');
}
