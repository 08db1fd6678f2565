/**
 * Archiving of outgoing mail: wraps the one Outbound (src/mail/outbound.ts) so that every
 * message any part of Hearth sends on (submission, ActiveSync SendMail, auto-replies, DSNs) is
 * archived once it has been accepted. The composition root wraps the queue with it when the
 * archive is on. A failed archive write is reported, never turned into a failed send: the
 * message is already durably accepted.
 */
import type { Outbound, OutboundMessage } from '../outbound.js';
import type { MessageArchive } from './archive.js';

export function archivingOutbound(
  inner: Outbound,
  archive: MessageArchive,
  onError: (e: Error, message: OutboundMessage) => void,
): Outbound {
  return {
    async send(message) {
      const result = await inner.send(message);
      await archive
        .keep({ direction: 'out', mailFrom: message.mailFrom, rcptTo: message.recipients, message: message.bytes })
        .catch((e: Error) => onError(e, message));
      return result;
    },
  };
}
