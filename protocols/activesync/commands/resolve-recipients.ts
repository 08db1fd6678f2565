/**
 * ResolveRecipients ([MS-ASCMD] 2.2.1.15): each To (a name or an address the user typed) against
 * the global address list (the enabled accounts of the user's domain and the contacts of the
 * domain's public address books the user may read, Type 1) and the user's own
 * contacts (the EMAIL of their vCards, Type 2). An address that is exactly one entry's resolves
 * to it; otherwise display names, their words and addresses that start with the text match.
 * Response Status ([MS-ASCMD] 2.2.3.177.12): 1 one recipient, 2 ambiguous (up to
 * MaxAmbiguousRecipients listed, default 20), 4 none. With Options/Availability (14.0+) each
 * listed recipient carries its free/busy (../availability.ts); a StartTime that is missing or
 * not a date, or a span under 30 minutes or over 42 days, is the command's Status 5. With
 * Options/Picture (14.1+) each recipient carries its photo's Picture (../gal-picture.ts; a contact
 * of the user's own has none: 173). Certificates are not served (Hearth stores no S/MIME
 * certificates; no Certificates element is answered).
 */
import type { Account } from '../../../src/model/types.js';
import { child, childText, children, el, type WbxmlElement } from '../wbxml/types.js';
import { availabilityOf, availabilityRange } from '../availability.js';
import { publicContacts } from '../../../src/pim/public-contacts.js';
import { PictureStatus, pictureOption } from '../gal-picture.js';
import { type CommandContext, type CommandResult, type WbxmlCommand, wbxml } from './types.js';

const NS = 'ResolveRecipients';
const Status = { Success: 1, Ambiguous: 2, NotFound: 4, ProtocolError: 5, ServerError: 6 } as const;

interface Candidate { type: 1 | 2; name: string; email: string; account?: Account }

/** FN and EMAIL values of a vCard (unfolded; RFC 6350 §3.2), one candidate per address. */
function vcardCandidates(card: string): Candidate[] {
  const lines = card.replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  const fn = lines.find((l) => /^(item\d+\.)?FN[;:]/i.test(l))?.replace(/^[^:]*:/, '').replace(/\\([,;\\])/g, '$1').trim() ?? '';
  return lines.filter((l) => /^(item\d+\.)?EMAIL[;:]/i.test(l)).map((l) => l.replace(/^[^:]*:/, '').trim()).filter((e) => e.includes('@'))
    .map((email) => ({ type: 2 as const, name: fn || email, email }));
}

async function candidates(ctx: CommandContext): Promise<Candidate[]> {
  const gal: Candidate[] = (await ctx.store.listAccounts(ctx.account.domainId)).filter((a) => !a.disabled)
    .map((a) => ({ type: 1, name: a.displayName ?? a.email, email: a.email, account: a }));
  // The domain's public address books the user may read are part of the GAL (Type 1).
  for (const c of await publicContacts(ctx.store, ctx.account)) if (c.email) gal.push({ type: 1, name: c.displayName, email: c.email });
  const contacts: Candidate[] = [];
  for (const f of await ctx.store.listFolders(ctx.account.id, 'contacts')) {
    for (const item of await ctx.store.listItems(f.id)) if (item.content) contacts.push(...vcardCandidates(item.content));
    if (contacts.length > 50_000) break;
  }
  return [...gal, ...contacts];
}

function matching(all: Candidate[], query: string): Candidate[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const exact = all.filter((c) => c.email.toLowerCase() === q);
  if (exact.length) return [exact[0]];
  const seen = new Set<string>();
  return all.filter((c) => {
    const name = c.name.toLowerCase();
    const hit = name.startsWith(q) || name.split(/\s+/).some((w) => w.startsWith(q)) || c.email.toLowerCase().startsWith(q);
    const key = `${c.type}:${c.email.toLowerCase()}`;
    if (!hit || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function run(ctx: CommandContext, req: WbxmlElement): Promise<CommandResult> {
  const to = children(req, 'To', NS).map((t) => t.text ?? '').slice(0, 100);
  if (to.length === 0) return wbxml(el(NS, 'ResolveRecipients', [el(NS, 'Status', String(Status.ProtocolError))]));
  const options = children(req, 'Options', NS)[0];
  const max = Math.min(Math.max(Number(options ? childText(options, 'MaxAmbiguousRecipients', NS) ?? 20 : 20) || 20, 1), 100);
  const avail = options && ctx.atLeast('14.0') ? child(options, 'Availability', NS) : undefined;
  const range = avail ? availabilityRange(childText(avail, 'StartTime', NS), childText(avail, 'EndTime', NS)) : null;
  if (avail && !range) return wbxml(el(NS, 'ResolveRecipients', [el(NS, 'Status', String(Status.ProtocolError))]));
  // Picture (14.1+, [MS-ASCMD] 2.2.3.135.2): GAL entries' photos; a contact of the user has none here.
  const pictures = options && ctx.atLeast('14.1') ? pictureOption(options, NS) : null;
  const all = await candidates(ctx);
  const responses: WbxmlElement[] = [];
  for (const query of to) {
    const hits = matching(all, query);
    const status = hits.length === 0 ? Status.NotFound : hits.length === 1 ? Status.Success : Status.Ambiguous;
    const shown = hits.slice(0, max);
    const recipients: WbxmlElement[] = [];
    for (const c of shown) {
      const parts = [el(NS, 'Type', String(c.type)), el(NS, 'DisplayName', c.name), el(NS, 'EmailAddress', c.email)];
      if (range) {
        const a = await availabilityOf(ctx, c.email, range);
        parts.push(el(NS, 'Availability', [el(NS, 'Status', String(a.status)), ...(a.merged !== undefined ? [el(NS, 'MergedFreeBusy', a.merged)] : [])]));
      }
      if (pictures) {
        const pic = c.account ? await pictures.of(ctx, c.account) : { status: PictureStatus.NoPicture };
        parts.push(el(NS, 'Picture', [el(NS, 'Status', String(pic.status)), ...('data' in pic && pic.data ? [el(NS, 'Data', pic.data)] : [])]));
      }
      recipients.push(el(NS, 'Recipient', parts));
    }
    responses.push(el(NS, 'Response', [el(NS, 'To', query), el(NS, 'Status', String(status)), el(NS, 'RecipientCount', String(shown.length)), ...recipients]));
  }
  return wbxml(el(NS, 'ResolveRecipients', [el(NS, 'Status', '1'), ...responses]));
}

export const resolveRecipients: WbxmlCommand = {
  name: 'ResolveRecipients',
  needsProvisioning: true,
  root: { ns: NS, tag: 'ResolveRecipients' },
  malformedStatus: Status.ProtocolError,
  errorStatus: () => Status.ServerError,
  body: 'wbxml',
  handle: run,
};
