/**
 * The one flag state every protocol shares (IMAP spelling, src/model/mail.ts) as ActiveSync
 * email properties, and a phone's Change back into it:
 * - Read ([MS-ASEMAIL] 2.2.2.58) is \Seen;
 * - Flag ([MS-ASEMAIL] 2.2.2.36): Status 2 (active) or 1 (complete) is \Flagged; 0 or an empty
 *   Flag clears it (a completed flag keeps the keyword $Completed so that it reads back as 1);
 * - Categories ([MS-ASEMAIL] 2.2.2.15) are IMAP keywords (RFC 9051 §2.3.2). A keyword is an atom,
 *   so characters an atom cannot hold (space, parentheses, quotes, %, *, ], \, controls) become
 *   '_' (a category "Red category" is the keyword Red_category; it reads back as such);
 * - LastVerbExecuted ([MS-ASEMAIL] 2.2.2.47): \Answered is 1 (reply to sender), $Forwarded 3.
 */
import { ANSWERED, FLAGGED, FORWARDED, SEEN } from '../../../src/model/mail.js';
import { el, type WbxmlElement } from '../wbxml/types.js';

export const COMPLETED = '$Completed';

/** Keywords with a meaning of their own (RFC 5788 registry, ours): not shown as categories. */
function isCategory(flag: string): boolean {
  return !flag.startsWith('\\') && !flag.startsWith('$');
}

export function categoryKeyword(category: string): string {
  const k = category.trim().replace(/[\x00-\x20\x7f(){%*"\\\]]/g, '_').slice(0, 200);
  return k.startsWith('$') || k.startsWith('\\') ? `_${k.slice(1)}` : k;
}

export function readOf(flags: string[]): '0' | '1' {
  return flags.includes(SEEN) ? '1' : '0';
}

/** Email:Flag: active, complete or none (an empty element). */
export function flagElement(flags: string[]): WbxmlElement {
  if (!flags.includes(FLAGGED)) return el('Email', 'Flag');
  const done = flags.includes(COMPLETED);
  return el('Email', 'Flag', [el('Email', 'Status', done ? '1' : '2'), el('Email', 'FlagType', 'Follow up')]);
}

export function categoriesOf(flags: string[]): string[] {
  return flags.filter(isCategory);
}

export function lastVerbOf(flags: string[]): string | null {
  if (flags.includes(FORWARDED)) return '3';
  if (flags.includes(ANSWERED)) return '1';
  return null;
}

/** What a phone's Change asks for: flags to add and to remove (undefined fields are left alone). */
export interface FlagEdit { add: string[]; remove: string[] }

/**
 * Reads Read, Flag and Categories of a Change's ApplicationData against the current flags.
 * Elements the phone leaves out are not touched ([MS-ASCMD] 2.2.3.24: a Change carries what changed).
 */
export function flagEdit(appData: WbxmlElement[], current: string[]): FlagEdit {
  const add: string[] = [];
  const remove: string[] = [];
  const read = appData.find((x) => x.ns === 'Email' && x.tag === 'Read');
  if (read) (read.text?.trim() === '1' ? add : remove).push(SEEN);
  const flag = appData.find((x) => x.ns === 'Email' && x.tag === 'Flag');
  if (flag) {
    const status = flag.children.find((x) => x.tag === 'Status')?.text?.trim();
    if (status === '2') { add.push(FLAGGED); remove.push(COMPLETED); } else if (status === '1') add.push(FLAGGED, COMPLETED);
    else remove.push(FLAGGED, COMPLETED);
  }
  const cats = appData.find((x) => x.ns === 'Email' && x.tag === 'Categories');
  if (cats) {
    const wanted = new Set(cats.children.filter((c) => c.tag === 'Category').map((c) => categoryKeyword(c.text ?? '')).filter(Boolean));
    for (const k of categoriesOf(current)) if (!wanted.has(k)) remove.push(k);
    for (const k of wanted) if (!current.includes(k)) add.push(k);
  }
  return { add: add.filter((f) => !current.includes(f)), remove: remove.filter((f) => current.includes(f)) };
}
