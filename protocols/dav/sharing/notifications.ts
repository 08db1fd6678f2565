/** Sharing invitations as CalendarServer notifications (caldav-sharing §5.5, Apple invite-notification). */
import type { Grant } from '../../../src/model/types.js';
import type { DavRequest } from '../request.js';
import { homeHref, folderSegment } from '../resolve.js';
import { NS } from '../xml/names.js';
import { documentRoot, el, href, esc } from '../xml/writer.js';

export async function notificationXml(q: DavRequest, g: Grant): Promise<string> {
  const store = q.svc.ctx.store;
  const owner = await store.getAccount(g.ownerId);
  const folder = g.folderId !== null ? await store.getFolder(g.folderId) : null;
  if (!owner || !folder) return documentRoot(NS.CS, 'notification', '');
  const area = folder.kind === 'contacts' ? 'addressbooks' : 'calendars';
  const inner = el(NS.CS, 'invite-notification',
    el(NS.CS, 'uid', `${g.id}`) + href(`mailto:${q.user.email}`) + el(NS.CS, 'invite-noresponse') +
    el(NS.CS, 'hosturl', href(homeHref(area, owner) + encodeURIComponent(folderSegment(folder)) + '/')) +
    el(NS.CS, 'organizer', href(`mailto:${owner.email}`) + el(NS.CS, 'common-name', esc(owner.displayName ?? owner.email))) +
    el(NS.CS, 'access', el(NS.CS, g.rights === 'write' ? 'read-write' : 'read')) +
    el(NS.CS, 'summary', esc(folder.name)));
  return documentRoot(NS.CS, 'notification', el(NS.CS, 'dtstamp', new Date(g.createdAt).toISOString()) + inner);
}
