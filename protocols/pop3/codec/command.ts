/**
 * The POP3 command line (RFC 1939 §3, RFC 2449 §4): a keyword of 3-4 printable characters,
 * case-insensitive, then arguments separated by single spaces. Pure: no I/O, nothing from src/.
 */

/** A parsed command: upper-case keyword, the arguments split on spaces, and the raw rest of the line. */
export interface Pop3Command {
  keyword: string;
  args: string[];
  /** Everything after "KEYWORD " exactly as sent: PASS takes it whole, spaces and all (RFC 1939 §7). */
  rest: string;
}

/** RFC 2449 §4: arguments up to 40 characters; the keyword 3 or 4. PASS and AUTH responses are exempt. */
export const MAX_ARG_LENGTH = 40;

/** Parses one line without its CRLF; null when it is not a command at all (empty, bad keyword, control characters). */
export function parseCommand(line: string): Pop3Command | null {
  // Control characters other than space have no place in a command line (RFC 1939 §3).
  if (/[\x00-\x1f\x7f]/.test(line)) return null;
  const space = line.indexOf(' ');
  const keyword = (space < 0 ? line : line.slice(0, space)).toUpperCase();
  if (!/^[A-Z]{3,4}$/.test(keyword)) return null;
  const rest = space < 0 ? '' : line.slice(space + 1);
  const args = rest === '' ? [] : rest.split(' ');
  return { keyword, args, rest };
}

/**
 * A message number argument (RFC 1939 §5: "msg" is a decimal message number): digits only, no
 * sign or leading garbage, 1 or more; null otherwise.
 */
export function parseMessageNumber(arg: string | undefined): number | null {
  if (arg === undefined || !/^[0-9]{1,9}$/.test(arg)) return null;
  const n = Number(arg);
  return n >= 1 ? n : null;
}

/** A non-negative line count for TOP (RFC 1939 §7); null when malformed. */
export function parseLineCount(arg: string | undefined): number | null {
  if (arg === undefined || !/^[0-9]{1,9}$/.test(arg)) return null;
  return Number(arg);
}
