// COPY, MOVE and their UID forms (RFC 9051 §6.4.7, RFC 6851) with COPYUID (RFC 4315 §3).
import { atom, untaggedStatus } from '../../codec/index.js';
import type { UidMapping } from '../../../../src/model/mail.js';
import type { Folder } from '../../../../src/model/types.js';
import { copyAcrossAccounts, removeMoved } from '../cross-account.js';
import { decodeName } from '../mailboxes.js';
import { resolveMailbox } from '../shared.js';
import { trainMovedMessages } from '../../../../src/mail/filters/train-moves.js';
import type { CommandContext } from '../session.js';
import { bad, no, ok, type Outcome } from '../respond.js';
import { SELECTED, command, type CommandOf } from './types.js';

function copyUid(m: UidMapping): { code: string; args: [number, ReturnType<typeof atom>, ReturnType<typeof atom>] } {
  return { code: 'COPYUID', args: [m.uidValidity, atom(m.pairs.map(([s]) => s).join(',')), atom(m.pairs.map(([, t]) => t).join(','))] };
}

async function transfer(c: CommandContext, cmd: CommandOf<'COPY' | 'MOVE'>): Promise<Outcome> {
  const s = c.session;
  const sel = s.selected!;
  const uids = sel.resolve(cmd.set, cmd.uid, s.saved);
  if (!uids) return bad('Invalid message sequence number');
  const found = await resolveMailbox(c.ctx.store, s.account!, decodeName(s, cmd.mailbox));
  if (!found) return no('No such mailbox', 'TRYCREATE');
  if (!found.writable) return no('Shared read-only', 'NOPERM');
  const target = found.folder;
  if (uids.length === 0) return ok(`${cmd.command} completed (no messages)`);
  // Into or out of a shared or public mailbox: another account (../cross-account.ts).
  if (target.accountId !== sel.folder.accountId) return across(c, cmd, uids, target);
  if (cmd.command === 'COPY') {
    const mapping = await c.ctx.store.copyMessages(sel.folder.id, uids, target.id);
    return ok('COPY completed', mapping.pairs.length ? copyUid(mapping) : undefined);
  }
  if (sel.readOnly) return no('Mailbox is read-only', 'READ-ONLY');
  const mapping = await c.ctx.store.moveMessages(sel.folder.id, uids, target.id);
  // Into or out of Junk: a lesson for the spam filter, not awaited (src/mail/filters/train-moves.ts).
  trainMovedMessages(c.ctx.store, c.ctx.spamTrainer, { from: sel.folder, to: target, targetUids: mapping.pairs.map(([, t]) => t), user: s.account!.email },
    (e) => c.ctx.log.warn({ err: e.message }, 'imap.move.spam-training-failed'));
  const pre = mapping.pairs.length ? [untaggedStatus('OK', 'Moved', copyUid(mapping))] : [];
  // RFC 6851 §3.3: the moved messages are expunged from the source, announced before the OK.
  pre.push(...sel.expunge(mapping.pairs.map(([src]) => src), s.enabled.has('QRESYNC')));
  return ok('MOVE completed', undefined, pre);
}

async function across(c: CommandContext, cmd: CommandOf<'COPY' | 'MOVE'>, uids: number[], target: Folder): Promise<Outcome> {
  const sel = c.session.selected!;
  if (cmd.command === 'MOVE' && sel.readOnly) return no('Mailbox is read-only', 'READ-ONLY');
  const mapping = await copyAcrossAccounts(c.ctx.store, sel.folder, uids, target);
  if (cmd.command === 'COPY') return ok('COPY completed', mapping.pairs.length ? copyUid(mapping) : undefined);
  const gone = await removeMoved(c.ctx.store, sel.folder, mapping.pairs.map(([src]) => src));
  const pre = mapping.pairs.length ? [untaggedStatus('OK', 'Moved', copyUid(mapping))] : [];
  pre.push(...sel.expunge(gone, c.session.enabled.has('QRESYNC')));
  return ok('MOVE completed', undefined, pre);
}

export const copy = command({ name: 'COPY', states: SELECTED, handle: transfer });
export const move = command({ name: 'MOVE', states: SELECTED, handle: transfer });
