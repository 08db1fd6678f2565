// Parses one framed command (from CommandReader) into an ImapCommand: tag, name, UID prefix and
// structured arguments (RFC 9051 §6 and §9; extensions cited where they are read). Throws only
// ImapCodecError; its `tag` is set whenever the tag could be read, for a tagged BAD.
import { Cursor } from './cursor.js';
import { ImapCodecError } from './errors.js';
import type { CommandArgs, ImapCommand } from './command-types.js';
import { parseFetchItems } from './parse-fetch.js';
import { parseSearchArgs, parseSortArgs, parseThreadArgs, readSequenceSet } from './parse-search.js';
import {
  parseAppendArgs, parseCreateParams, parseListArgs, parseSelectParams, readFlag, readFlagList,
  readListPattern, readMailbox, readStatusItems,
} from './parse-mailbox-args.js';

/** tag = 1*<any ASTRING-CHAR except "+"> (RFC 9051 §9). */
function readTag(c: Cursor): string {
  const start = c.pos;
  while (c.peek() !== undefined && c.peek() !== 0x2b && /[^\x00-\x20\x7f(){%*"\\]/.test(String.fromCharCode(c.peek()!))) c.pos++;
  if (c.pos === start) c.fail('expected a tag');
  return c.bytes.subarray(start, c.pos).toString('latin1');
}

const NO_ARGS = new Set(['CAPABILITY', 'NOOP', 'LOGOUT', 'STARTTLS', 'CHECK', 'CLOSE', 'UNSELECT', 'IDLE', 'NAMESPACE']);
const MAILBOX_ONLY = new Set(['DELETE', 'SUBSCRIBE', 'UNSUBSCRIBE', 'GETQUOTAROOT']);
/** Commands that take a "UID " prefix (RFC 9051 §6.4.9, RFC 6851 MOVE, RFC 5256, RFC 4315). */
const UID_COMMANDS = new Set(['COPY', 'MOVE', 'FETCH', 'SEARCH', 'STORE', 'EXPUNGE', 'SORT', 'THREAD']);

function parseStore(c: Cursor): CommandArgs {
  const set = readSequenceSet(c);
  c.sp();
  let unchangedSince: number | undefined;
  if (c.peek() === 0x28) {
    // RFC 7162 §3.1.3: STORE set (UNCHANGEDSINCE n) ...
    c.list(() => {
      c.expect('UNCHANGEDSINCE');
      c.sp();
      unchangedSince = c.number();
    }, false);
    c.sp();
  }
  const sign = c.tryChar('+') ? 'add' : c.tryChar('-') ? 'remove' : 'set';
  c.expect('FLAGS');
  const silent = c.tryLiteralText('.SILENT');
  c.sp();
  let flags: string[];
  if (c.peek() === 0x28) {
    flags = readFlagList(c);
  } else {
    // RFC 9051 §9 store-att-flags allows flags without parentheses.
    flags = [readFlag(c)];
    while (c.tryChar(' ')) flags.push(readFlag(c));
  }
  return { command: 'STORE', set, operation: sign, silent, flags, unchangedSince };
}

function parseId(c: Cursor): CommandArgs {
  if (c.tryNil()) return { command: 'ID', params: null };
  const params: Array<[string, string | null]> = [];
  c.expect('(');
  if (!c.tryChar(')')) {
    for (;;) {
      const key = c.string().toString('utf8');
      c.sp();
      const value = c.nstring();
      params.push([key, value === null ? null : value.toString('utf8')]);
      if (c.tryChar(')')) break;
      c.sp();
    }
  }
  // RFC 2971 §3.3: at most 30 field-value pairs.
  if (params.length > 30) c.fail('too many ID parameters');
  return { command: 'ID', params };
}

function parseArgs(c: Cursor, name: string, uid: boolean): CommandArgs {
  if (NO_ARGS.has(name)) return { command: name } as CommandArgs;
  if (name === 'EXPUNGE') {
    if (!uid) return { command: 'EXPUNGE' };
    c.sp();
    return { command: 'EXPUNGE', uids: readSequenceSet(c) };
  }
  c.sp();
  switch (name) {
    case 'LOGIN': {
      const user = c.astringText();
      c.sp();
      return { command: 'LOGIN', user, password: c.astringText() };
    }
    case 'AUTHENTICATE': {
      const mechanism = c.atom().toUpperCase();
      if (!c.tryChar(' ')) return { command: 'AUTHENTICATE', mechanism };
      // RFC 4959 §3: initial response in base64, "=" for an empty one.
      const initialResponse = c.atom();
      if (initialResponse !== '=' && !/^[A-Za-z0-9+/]*={0,2}$/.test(initialResponse)) c.fail('bad SASL initial response');
      return { command: 'AUTHENTICATE', mechanism, initialResponse };
    }
    case 'ENABLE': {
      const capabilities = [c.atom().toUpperCase()];
      while (c.tryChar(' ')) capabilities.push(c.atom().toUpperCase());
      return { command: 'ENABLE', capabilities };
    }
    case 'ID':
      return parseId(c);
    case 'COMPRESS':
      // RFC 4978 §5: compress = "COMPRESS" SP algorithm; the engine refuses unknown algorithms.
      return { command: 'COMPRESS', mechanism: c.atom().toUpperCase() };
    case 'CANCELUPDATE': {
      // RFC 5267 §4.3: CANCELUPDATE tag-string *(SP tag-string)
      const tags = [c.string().toString('utf8')];
      while (c.tryChar(' ')) tags.push(c.string().toString('utf8'));
      return { command: 'CANCELUPDATE', tags };
    }
    case 'SELECT':
    case 'EXAMINE': {
      const mailbox = readMailbox(c);
      return { command: name, mailbox, params: parseSelectParams(c) };
    }
    case 'CREATE': {
      const mailbox = readMailbox(c);
      return { command: 'CREATE', mailbox, specialUse: parseCreateParams(c) };
    }
    case 'GETQUOTA':
      return { command: 'GETQUOTA', root: c.astringText() };
    case 'RENAME': {
      const from = readMailbox(c);
      c.sp();
      return { command: 'RENAME', from, to: readMailbox(c) };
    }
    case 'LIST':
      return { command: 'LIST', ...parseListArgs(c) };
    case 'LSUB': {
      const reference = readMailbox(c);
      c.sp();
      return { command: 'LSUB', reference, pattern: readListPattern(c) };
    }
    case 'STATUS': {
      const mailbox = readMailbox(c);
      c.sp();
      return { command: 'STATUS', mailbox, items: readStatusItems(c) };
    }
    case 'APPEND':
      return { command: 'APPEND', ...parseAppendArgs(c) };
    case 'SEARCH':
      return { command: 'SEARCH', ...parseSearchArgs(c) };
    case 'SORT':
      return { command: 'SORT', ...parseSortArgs(c) };
    case 'THREAD':
      return { command: 'THREAD', ...parseThreadArgs(c) };
    case 'FETCH': {
      const set = readSequenceSet(c);
      c.sp();
      return { command: 'FETCH', set, ...parseFetchItems(c, uid) };
    }
    case 'STORE':
      return parseStore(c);
    case 'COPY':
    case 'MOVE': {
      const set = readSequenceSet(c);
      c.sp();
      return { command: name, set, mailbox: readMailbox(c) };
    }
    default:
      if (MAILBOX_ONLY.has(name)) return { command: name as 'DELETE', mailbox: readMailbox(c) };
      throw new ImapCodecError('UnknownCommand', `unknown command "${name}"`, c.tag);
  }
}

/** Parses a whole command, CRLF included. */
export function parseCommand(bytes: Buffer): ImapCommand {
  const first = new Cursor(bytes);
  const tag = readTag(first);
  const c = new Cursor(bytes, tag);
  c.pos = first.pos;
  c.sp();
  let name = c.atom().toUpperCase();
  let uid = false;
  if (name === 'UID') {
    uid = true;
    c.sp();
    name = c.atom().toUpperCase();
    if (!UID_COMMANDS.has(name)) c.fail(`"UID ${name}" is not a command`);
  }
  const args = parseArgs(c, name, uid);
  c.end();
  return { ...args, tag, uid } as ImapCommand;
}
