/**
 * The out-of-office form of the set-up page, to and from the account setting 'oof' that phones
 * read and write over ActiveSync Settings ([MS-ASCMD] 2.2.3.119; src/model/types.ts OofSetting)
 * and that src/mail/out-of-office.ts answers mail with. One message serves colleagues
 * (internal) and, when the user ticks it, people outside (externalKnown and externalUnknown).
 * Times are entered and shown in UTC (an HTML datetime-local value carries no zone).
 */
import type { OofSetting } from '../../src/model/types.js';

export const MAX_OOF_MESSAGE = 8000;

export interface OofForm {
  state: 'off' | 'on' | 'scheduled';
  start: string;
  end: string;
  message: string;
  external: boolean;
}

const toLocalInput = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().slice(0, 16));
const fromLocalInput = (v: string): number | null => {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v)) return null;
  const t = Date.parse(`${v}Z`);
  return Number.isFinite(t) ? t : null;
};

export function formOf(oof: OofSetting | null): OofForm {
  const m = oof?.internal ?? oof?.externalKnown ?? oof?.externalUnknown ?? null;
  return {
    state: oof?.state === 1 ? 'on' : oof?.state === 2 ? 'scheduled' : 'off',
    start: toLocalInput(oof?.start ?? null),
    end: toLocalInput(oof?.end ?? null),
    message: m?.message ?? '',
    external: !!(oof?.externalKnown?.enabled || oof?.externalUnknown?.enabled),
  };
}

/** The setting the form asks for, or the reason it is refused. */
export function settingOf(body: Record<string, string>): { ok: true; oof: OofSetting } | { ok: false; error: string } {
  const state = body.state === 'on' ? 1 : body.state === 'scheduled' ? 2 : body.state === 'off' ? 0 : null;
  if (state === null) return { ok: false, error: 'Choose off, on, or between two dates.' };
  const message = String(body.message ?? '').replace(/\r\n/g, '\n');
  if (message.length > MAX_OOF_MESSAGE) return { ok: false, error: `The message is longer than ${MAX_OOF_MESSAGE} characters.` };
  if (state !== 0 && message.trim() === '') return { ok: false, error: 'Write the message people will get.' };
  let start: number | null = null;
  let end: number | null = null;
  if (state === 2) {
    start = fromLocalInput(String(body.start ?? ''));
    end = fromLocalInput(String(body.end ?? ''));
    if (start === null || end === null) return { ok: false, error: 'Give the start and the end (UTC).' };
    if (start >= end) return { ok: false, error: 'The end must come after the start.' };
  }
  const reply = (enabled: boolean) => ({ enabled, message, bodyType: 'Text' as const });
  const external = body.external === 'on';
  return {
    ok: true,
    oof: { state, start, end, internal: reply(state !== 0), externalKnown: reply(state !== 0 && external), externalUnknown: reply(state !== 0 && external) },
  };
}
