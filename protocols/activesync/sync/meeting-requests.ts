/**
 * [MS-ASCMD] 2.2.1.21 (16.0+): when a 16.x client adds, changes or deletes a meeting it
 * organizes (Calendar with Attendees), the server sends the meeting requests and cancellations;
 * clients of earlier versions send them themselves with SendMail. The rule is
 * src/pim/organizer-schedule.ts; iMIP leaves through the outbound queue. A failure to tell the
 * attendees is logged and never fails the client's write, which is already stored.
 */
import { imipOverOutbound } from '../../../src/mail/imip/sender.js';
import { scheduleAsOrganizer } from '../../../src/pim/organizer-schedule.js';
import type { Folder } from '../../../src/model/types.js';
import type { CommandContext } from '../commands/types.js';

export async function organizerWrote(o: { ctx: CommandContext; folder: Folder }, before: string | null, after: string | null): Promise<void> {
  const { ctx, folder } = o;
  if (folder.kind !== 'calendar' || folder.accountId !== ctx.account.id || !ctx.atLeast('16.0')) return;
  const outbound = ctx.outbound;
  const imip = outbound
    ? imipOverOutbound(outbound, ctx.settings.hostname)
    : { async send() { throw new Error('this server has no outbound mail'); } };
  try {
    const told = await scheduleAsOrganizer(ctx.store, ctx.account, before, after, imip);
    if (told.length) ctx.log.info({ attendees: told.length }, 'eas.sync.meeting-requests-sent');
  } catch (e) {
    ctx.log.warn({ err: (e as Error).message }, 'eas.sync.meeting-requests-failed');
  }
}
