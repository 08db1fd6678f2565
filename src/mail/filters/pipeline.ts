/**
 * The content filters of one delivery, in the order the issue asks (10.5): the virus scanner
 * looks at every message, the spam filter at every message that did not come from an
 * authenticated submitter (DESIGN "SMTP": submission skips content filters; its viruses are
 * still refused). Both run at once; the operator's policy decides what a silent daemon means.
 * The result is a decision, never an SMTP reply: src/server maps it to the listener's answer.
 */
import { FilterUnavailableError, type FilterEnvelope, type FilterVerdict, type MessageFilter } from './filter.js';
import { foldField, rewriteHeader, type HeaderField } from '../header-block.js';

/** What a filter that cannot answer means for the message: let it through, or ask the client to retry. */
export type FailurePolicy = 'accept' | 'tempfail';

export interface FilterPolicy {
  /** Default 'accept': spam filtering is advice, a message is not held back for want of it. */
  spamOnFailure: FailurePolicy;
  /** Default 'tempfail': an unscanned message could carry a virus; the sender retries (RFC 5321 §4.5.4.1). */
  virusOnFailure: FailurePolicy;
  /** What rspamd's `reject` action does: file in Junk (default: no false positive is lost) or refuse at DATA. */
  spamReject: 'junk' | 'refuse';
}

export const DEFAULT_FILTER_POLICY: FilterPolicy = { spamOnFailure: 'accept', virusOnFailure: 'tempfail', spamReject: 'junk' };

export type FilterDecision =
  | {
      outcome: 'deliver';
      /** True: every local recipient gets the copy in its Junk folder. */
      junk: boolean;
      /** The message to store: the scanned bytes with Hearth's X-Spam-* / X-Virus-Scanned fields first. */
      message: Buffer;
      spam: FilterVerdict | null;
      virus: FilterVerdict | null;
      /** Filters that could not answer and were let through by the policy, with why. */
      failures: FilterUnavailableError[];
    }
  | { outcome: 'refuse'; reason: 'virus'; virus: string }
  | { outcome: 'refuse'; reason: 'spam'; spam: FilterVerdict }
  | { outcome: 'tempfail'; failures: FilterUnavailableError[] };

export interface FilterSet {
  spam?: MessageFilter | null;
  antivirus?: MessageFilter | null;
}

/** Header fields a sender must not set for us: they are removed whenever the filter that owns them ran. */
const isSpamField = (name: string) => name.startsWith('x-spam-');
const isVirusField = (name: string) => name === 'x-virus-scanned' || name === 'x-virus-status';

export class FilterPipeline {
  constructor(
    private readonly filters: FilterSet,
    private readonly policy: FilterPolicy = DEFAULT_FILTER_POLICY,
  ) {}

  /** True when at least one filter is configured (otherwise screen() changes nothing). */
  get active(): boolean {
    return Boolean(this.filters.spam || this.filters.antivirus);
  }

  async screen(message: Uint8Array, envelope: FilterEnvelope): Promise<FilterDecision> {
    const spamFilter = envelope.authenticatedUser ? null : (this.filters.spam ?? null);
    const avFilter = this.filters.antivirus ?? null;
    const [virus, spam] = await Promise.all([run(avFilter, message, envelope), run(spamFilter, message, envelope)]);
    const failures: FilterUnavailableError[] = [];

    // The virus scanner's word comes first: a virus is refused whatever the spam filter says.
    if (virus instanceof FilterUnavailableError) {
      if (this.policy.virusOnFailure === 'tempfail') return { outcome: 'tempfail', failures: [virus] };
      failures.push(virus);
    } else if (virus?.action === 'reject') {
      return { outcome: 'refuse', reason: 'virus', virus: virus.virus ?? 'unnamed' };
    }
    if (spam instanceof FilterUnavailableError) {
      if (this.policy.spamOnFailure === 'tempfail') return { outcome: 'tempfail', failures: [...failures, spam] };
      failures.push(spam);
    } else if (spam?.action === 'reject' && this.policy.spamReject === 'refuse') {
      return { outcome: 'refuse', reason: 'spam', spam };
    }
    const spamVerdict = spam instanceof FilterUnavailableError ? null : spam;
    const virusVerdict = virus instanceof FilterUnavailableError ? null : virus;
    const junk = spamVerdict !== null && spamVerdict.action !== 'accept';
    const add: string[] = [];
    if (spamVerdict) add.push(...spamFields(spamVerdict, junk));
    if (virusVerdict && !virusVerdict.skipped) add.push(`X-Virus-Scanned: ${avFilter!.name}`);
    // A sender's own X-Spam-* fields go whenever the spam filter was asked (even if it could not
    // answer), so that no client or sieve rule trusts a forged "X-Spam-Flag: NO".
    const dropSpam = spamFilter !== null;
    const dropVirus = virusVerdict !== null && !virusVerdict.skipped;
    const drop = (f: HeaderField) => (dropSpam && isSpamField(f.name)) || (dropVirus && isVirusField(f.name));
    const rewritten = rewriteHeader(message, { drop, prepend: add });
    return { outcome: 'deliver', junk, message: rewritten, spam: spamVerdict, virus: virusVerdict, failures };
  }
}

async function run(
  filter: MessageFilter | null,
  message: Uint8Array,
  envelope: FilterEnvelope,
): Promise<FilterVerdict | FilterUnavailableError | null> {
  if (!filter) return null;
  try {
    return await filter.scan(message, envelope);
  } catch (e) {
    return e instanceof FilterUnavailableError ? e : new FilterUnavailableError(filter.name, (e as Error).message);
  }
}

/** The SpamAssassin-style fields clients and sieve scripts already know (X-Spam-Flag, X-Spam-Status). */
function spamFields(v: FilterVerdict, junk: boolean): string[] {
  const score = (v.score ?? 0).toFixed(2);
  const required = v.threshold !== undefined ? v.threshold.toFixed(2) : '?';
  const fields = [`X-Spam-Flag: ${junk ? 'YES' : 'NO'}`, `X-Spam-Score: ${score}`];
  const tests = (v.symbols ?? [])
    .filter((s) => /^[A-Za-z0-9_.-]{1,100}$/.test(s))
    .slice(0, 100)
    .join(',');
  fields.push(
    foldField(
      'X-Spam-Status',
      `${junk ? 'Yes' : 'No'}, score=${score} required=${required}${tests ? ` tests=${tests.replaceAll(',', ', ')}` : ''}`,
    ),
  );
  return fields;
}
