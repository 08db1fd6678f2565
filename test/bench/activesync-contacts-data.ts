/** The benchmark's contacts: the same vCard 3.0 text is stored in Hearth and written as files for Z-Push's BackendVCardDir. */
import { vcard } from '../protocols/activesync/sync/helpers.js';

export const BENCH_CONTACT_USER = 'bench@example.com';
export const BENCH_CONTACT_PASSWORD = 'bench-pass-1';

export const benchContact = (i: number, note = `A note for contact ${i}.`) => vcard(
  `c-${i}`, `Person${i}`, 'Example',
  `EMAIL;TYPE=WORK:p${i}@example.org\r\nTEL;TYPE=CELL:+1 555 ${1000 + i}\r\nORG:Example Corp;Sales\r\nADR;TYPE=WORK:;;1 Main St;Springfield;IL;62701;US\r\nNOTE:${note}\r\n`,
);
