// Reads one Dovecot imaptest scripted test (format: ../shared/imaptest/README.md): header lines,
// a blank line, then commands, each followed by the untagged replies it must ("*") or must not
// ("!") produce and its tagged result. Consecutive commands with no expectations between them
// form a group that is sent pipelined.

export interface ScriptHeader {
  capabilities: string[];
  connections: number;
  state: 'nonauth' | 'auth' | 'created' | 'selected';
  /** How many messages of the mbox to append first; 'all' or a count. */
  messages: number | 'all' | 0;
  ignoreExtraUntagged: boolean;
}

export interface ScriptCommand {
  /** 1-based session. */
  conn: number;
  /** Explicit tag from the script ("tag1 create ..."), else the runner picks one. */
  tag?: string;
  text: string;
  /** Expected result word and the tokens that must start its text, e.g. ok + "[read-only]". */
  /** Literal arguments spanning lines ("{{{" ... "}}}"); `text` holds \u0001index\u0001 where each goes. */
  literals?: Array<{ data: Buffer; binary: boolean }>;
  /** 'any' for `"" command` or a command whose result the script does not give. */
  status?: { word: 'ok' | 'no' | 'bad' | 'any'; text: string };
}

export interface ScriptGroup {
  commands: ScriptCommand[];
  expected: Array<{ conn: number; line: string }>;
  banned: Array<{ conn: number; line: string }>;
  /** Source line of the group's first command, for reports. */
  lineNo: number;
}

export interface Script { header: ScriptHeader; groups: ScriptGroup[] }

const COMMANDS = new Set([
  'append', 'authenticate', 'capability', 'check', 'close', 'copy', 'create', 'delete', 'enable', 'examine',
  'expunge', 'fetch', 'getquota', 'getquotaroot', 'id', 'idle', 'list', 'login', 'logout', 'lsub', 'move',
  'namespace', 'noop', 'rename', 'search', 'select', 'sort', 'status', 'store', 'subscribe', 'thread', 'uid',
  'unselect', 'unsubscribe', 'esearch', 'genurlauth', 'urlfetch', 'resetkey', 'notify', 'starttls', 'done',
]);
const STATUS = new Set(['ok', 'no', 'bad']);

export class ScriptError extends Error {}


export function parseScript(source: string): Script {
  const rawLines = source.split('\n');
  const lines = rawLines.map((l) => l.replace(/\r$/, ''));
  const header: ScriptHeader = { capabilities: [], connections: 1, state: 'selected', messages: 0, ignoreExtraUntagged: true };
  let i = 0;
  // Header: "key: value" lines up to the first blank line (a script may have none).
  if (/^[a-z_]+:/.test(lines[0] ?? '')) {
    for (; i < lines.length && lines[i].trim() !== ''; i++) {
      const m = /^([a-z_]+):\s*(.*)$/.exec(lines[i]);
      if (!m) throw new ScriptError(`bad header line ${i + 1}: ${lines[i]}`);
      const [, key, value] = m;
      if (key === 'capabilities') header.capabilities = value.split(/\s+/).filter(Boolean).map((c) => c.toUpperCase());
      else if (key === 'connections') header.connections = Number(value);
      else if (key === 'state') header.state = value.trim() as ScriptHeader['state'];
      else if (key === 'messages') header.messages = value.trim() === 'all' ? 'all' : Number(value);
      else if (key === 'ignore_extra_untagged') header.ignoreExtraUntagged = value.trim() !== 'no';
      else throw new ScriptError(`unknown header "${key}"`);
    }
  }
  const groups: ScriptGroup[] = [];
  let current: ScriptGroup | undefined;
  let lastConn = 1;
  const pending = (): ScriptCommand[] => (current ? current.commands.filter((c) => !c.status) : []);

  for (; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    let rest = raw;
    let conn: number | undefined;
    const connMatch = /^(\d+) (.*)$/.exec(rest);
    if (connMatch && header.connections > 1) {
      conn = Number(connMatch[1]);
      rest = connMatch[2];
    }
    if (rest.startsWith('* ') || rest.startsWith('! ')) {
      if (!current) throw new ScriptError(`reply before any command at line ${i + 1}`);
      // "{{{" ... "}}}" (or "~{{{", literal8): a multi-line literal value, lines joined with
      // LF (match.ts ignores CR in strings); inlined as \0 length \0 text, the form the
      // connection gives received literals.
      while (rest.endsWith('{{{')) {
        const body: string[] = [];
        for (i++; i < lines.length && !lines[i].startsWith('}}}'); i++) body.push(lines[i]);
        if (i >= lines.length) throw new ScriptError('unterminated {{{ literal');
        const text = body.join('\n');
        rest = rest.slice(0, rest.endsWith('~{{{') ? -4 : -3) + `\u0000${text.length}\u0000${text}` + lines[i].slice(3);
      }
      const list = rest.startsWith('*') ? current.expected : current.banned;
      list.push({ conn: conn ?? lastConn, line: rest.slice(2) });
      continue;
    }
    // A command with "{{{" ... "}}}" literal arguments (APPEND messages, CATENATE parts): the
    // lines are the literal as written (LF between lines, a CR only where the file has one, no
    // newline before "}}}"); "~{{{" is literal8 (RFC 3516).
    const literals: Array<{ data: Buffer; binary: boolean }> = [];
    while (rest.endsWith('{{{')) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].startsWith('}}}'); i++) body.push(rawLines[i]);
      if (i >= lines.length) throw new ScriptError('unterminated {{{ literal');
      const binary = rest.endsWith('~{{{');
      rest = rest.slice(0, binary ? -4 : -3) + `\u0001${literals.length}\u0001` + lines[i].slice(3);
      literals.push({ data: Buffer.from(body.join('\n'), 'latin1'), binary });
    }
    const words = rest.split(' ');
    const first = words[0].toLowerCase();
    // "tag1 ok": the result of an explicitly tagged command of the group.
    const tagged = pending().find((c) => c.tag !== undefined && c.tag === words[0]);
    if (tagged && STATUS.has((words[1] ?? '').toLowerCase())) {
      tagged.status = { word: words[1].toLowerCase() as 'ok', text: words.slice(2).join(' ') };
      continue;
    }
    // "ok [read-only]" right after a command that had no result: that command's result.
    const open = pending().filter((c) => c.tag === undefined && (conn === undefined || c.conn === conn));
    if (STATUS.has(first) && open.length > 0 && !COMMANDS.has((words[1] ?? '').toLowerCase())) {
      open[0].status = { word: first as 'ok', text: words.slice(1).join(' ') };
      continue;
    }
    const command: ScriptCommand = { conn: conn ?? 1, text: rest };
    if (literals.length > 0) command.literals = literals;
    if (first === '""') {
      command.status = { word: 'any', text: '' };
      command.text = words.slice(1).join(' ');
    } else if (STATUS.has(first)) {
      command.status = { word: first as 'ok', text: '' };
      command.text = words.slice(1).join(' ');
    } else if (!COMMANDS.has(first) && COMMANDS.has((words[1] ?? '').toLowerCase())) {
      command.tag = words[0];
      command.text = words.slice(1).join(' ');
    }
    lastConn = command.conn;
    // A command joins the open group when the group so far is only commands without results.
    const joinable = current && current.expected.length === 0 && current.banned.length === 0 && current.commands.every((c) => !c.status);
    if (joinable && !command.status) current!.commands.push(command);
    else {
      current = { commands: [command], expected: [], banned: [], lineNo: i + 1 };
      groups.push(current);
    }
  }
  // A command the script gives no result for is checked only for its replies.
  for (const g of groups) for (const c of g.commands) c.status ??= { word: 'any', text: '' };
  return { header, groups };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "From user@domain  Fri Feb 22 17:06:23 2008" -> IMAP date-time "22-Feb-2008 17:06:23 +0000". */
function fromLineDate(line: string): string | undefined {
  const m = /([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d\d:\d\d:\d\d)\s+(\d{4})(?:\s+([+-]\d{4}))?\s*$/.exec(line);
  if (!m || !MONTHS.includes(m[1])) return undefined;
  return `${m[2].padStart(2, '0')}-${m[1]}-${m[4]} ${m[3]} ${m[5] ?? '+0000'}`;
}

export interface MboxMessage { message: Buffer; date?: string }

/** Splits an mbox file into messages (lines "From " start a message), CRLF line ends. */
export function splitMbox(text: string): MboxMessage[] {
  const messages: string[][] = [];
  const dates: Array<string | undefined> = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('From ')) { messages.push([]); dates.push(fromLineDate(line)); }
    else if (messages.length > 0) messages[messages.length - 1].push(line);
  }
  return messages.map((lines, index) => ({ message: toMessage(lines, lines === messages[messages.length - 1]), date: dates[index] }));
}

function toMessage(lines: string[], last: boolean): Buffer {
  {
    // A file's final newline leaves one empty element that is no line of the message.
    if (lines.length > 0 && lines[lines.length - 1] === '' && last) lines.pop();
    return Buffer.from(lines.map((l) => l.replace(/\r$/, '')).join('\r\n') + '\r\n', 'utf8');
  }
}
