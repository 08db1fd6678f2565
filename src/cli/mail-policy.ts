/**
 * `hearth domain dkim` (CONTRACT.md) and `hearth domain footer`, under `hearth domain`: a
 * domain's DKIM key and its footer (docs/operations.md, docs/protocols/smtp.md).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Store } from '../store/store.js';
import type { Domain } from '../model/types.js';
import { dkimDnsRecord, zoneFileStrings } from '../mail/dkim-keys.js';
import { ensureDomainDkim } from '../admin/dkim.js';
import { checkDomainName } from './accounts.js';
import { UsageError } from './sizes.js';
import type { AuditBy, Print, WithStore } from './context.js';

/** Footers are short texts; a bigger file is a mistake (a whole message, a binary). */
const MAX_FOOTER_BYTES = 64 * 1024;

async function knownDomain(store: Store, name: string): Promise<Domain> {
  const d = await store.getDomain(checkDomainName(name));
  if (!d) throw new UsageError(`unknown domain ${name}`);
  return d;
}

function readFooter(option: string, path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(`${option}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (bytes.length > MAX_FOOTER_BYTES) throw new UsageError(`${option}: ${path} is larger than ${MAX_FOOTER_BYTES / 1024} KiB`);
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  try {
    return text.decode(bytes).replace(/\r\n/g, '\n').replace(/\n+$/, '');
  } catch {
    throw new UsageError(`${option}: ${path} is not UTF-8 text`);
  }
}

export function mailPolicyCommands(domain: Command, withStore: WithStore, print: Print, by: AuditBy): void {
  domain
    .command('dkim <domain>')
    .description("make (or show) the domain's DKIM key; prints the DNS TXT record to publish")
    .action((name: string) =>
      withStore(async (s) => {
        const d = await knownDomain(s, name);
        const { key, created } = await ensureDomainDkim(s, by, d);
        const record = dkimDnsRecord(d.name, key);
        // The private key stays in the store: only the public record is printed.
        print(
          `DKIM key of ${d.name}: selector ${key.selector}, RSA 2048, ${created ? 'created now' : `created ${new Date(key.createdAt).toISOString()}`}`,
        );
        print(`name:  ${record.name}`);
        print(`value: ${record.value}`);
        print(`zone:  ${record.name}. IN TXT ${zoneFileStrings(record.value)}`);
      }),
    );

  domain
    .command('footer <domain>')
    .description("show or set the footer appended to mail the domain's users send")
    .option('--text <file>', 'plain-text footer (UTF-8 file)')
    .option('--html <file>', 'HTML footer (UTF-8 file with an HTML fragment)')
    .option('--internal-too', 'also on mail whose recipients are all in the domain')
    .option('--clear', 'remove the footer')
    .action((name: string, o: { text?: string; html?: string; internalToo?: boolean; clear?: boolean }) =>
      withStore(async (s) => {
        const d = await knownDomain(s, name);
        const setting = o.text !== undefined || o.html !== undefined;
        if (o.clear && (setting || o.internalToo)) throw new UsageError('--clear takes no other option');
        if (o.clear || setting || o.internalToo) {
          const patch: Partial<Domain> = o.clear
            ? { footerText: null, footerHtml: null, settings: { ...d.settings, footerInternal: false } }
            : {
                ...(setting
                  ? { footerText: o.text ? readFooter('--text', o.text) : null, footerHtml: o.html ? readFooter('--html', o.html) : null }
                  : {}),
                settings: { ...d.settings, footerInternal: !!o.internalToo },
              };
          const updated = await s.updateDomain(d.id, patch);
          await s.audit({
            ...by,
            action: 'domain.footer',
            target: `domain:${d.name}`,
            detail: { text: !!updated.footerText, html: !!updated.footerHtml, internal: !!o.internalToo },
          });
          print(o.clear ? `footer of ${d.name} removed` : `footer of ${d.name} set`);
          return;
        }
        const internal = d.settings.footerInternal === true;
        if (!d.footerText && !d.footerHtml) {
          print(`${d.name} has no footer`);
          return;
        }
        print(
          `footer of ${d.name}: ${[d.footerText && 'text', d.footerHtml && 'html'].filter(Boolean).join(' and ')}, ${internal ? 'on all mail' : 'on mail leaving the domain'}`,
        );
        if (d.footerText) print(`--- text\n${d.footerText}`);
        if (d.footerHtml) print(`--- html\n${d.footerHtml}`);
      }),
    );
}
