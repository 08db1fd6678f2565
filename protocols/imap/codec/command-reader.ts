// Frames the client's byte stream into whole commands: lines, plus the literals announced at
// their ends (RFC 9051 §4.3 and §7.5: "{n}" waits for a "+" continuation; RFC 7888: "{n+}" is
// LITERAL+, and under LITERAL- only up to 4096 bytes; RFC 3516 §4.2: "~{n}" is literal8).
// The reader does no parsing beyond framing; `parseCommand` reads the bytes it yields. It also
// yields the bare lines that are not commands (IDLE's DONE, AUTHENTICATE's responses).
import { ImapCodecError } from './errors.js';

export interface CommandReaderLimits {
  /** Longest line, excluding literal data (RFC 9051 §4 asks servers to accept at least 8000). */
  maxLineBytes: number;
  /** Largest single literal (APPEND message size is the usual bound). */
  maxLiteralBytes: number;
  /** Largest whole command, lines and literals together. */
  maxCommandBytes: number;
  /** Non-synchronizing literals: 'plus' (RFC 7888 LITERAL+), 'minus' (LITERAL-, <= 4096), 'none'. */
  nonSync: 'plus' | 'minus' | 'none';
}

export const DEFAULT_READER_LIMITS: CommandReaderLimits = {
  maxLineBytes: 64 * 1024,
  maxLiteralBytes: 64 * 1024 * 1024,
  maxCommandBytes: 80 * 1024 * 1024,
  nonSync: 'plus',
};

/** RFC 7888 §5: under LITERAL- a non-synchronizing literal may be at most this long. */
export const LITERAL_MINUS_MAX = 4096;

export type ReaderEvent =
  /** A complete command (or bare line), CRLF and literal data included, ready for parseCommand. */
  | { type: 'command'; bytes: Buffer }
  /** A synchronizing literal was announced: the server sends "+ ..." now (RFC 9051 §7.5). */
  | { type: 'continue'; tag: string | undefined }
  /**
   * The command was refused while framing (too long, literal too big or not allowed). The
   * engine answers BAD with the tag; the reader has already dropped the command's bytes.
   */
  | { type: 'error'; error: ImapCodecError };

// "{123}", "{123+}" or "~{123}" right before the line's CRLF.
const LITERAL_AT_END = /(~?)\{(\d{1,20})(\+?)\}$/;

function tagOf(head: Buffer): string | undefined {
  const text = head.subarray(0, Math.min(head.length, 200)).toString('latin1');
  // tag = 1*<any ASTRING-CHAR except "+"> (RFC 9051 §9), as parse-command.ts reads it.
  const match = /^([^\x00-\x20\x7f(){%*"\\+]+) /.exec(text);
  return match?.[1];
}

export class CommandReader {
  private readonly limits: CommandReaderLimits;
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private line: Buffer[] = [];
  private lineBytes = 0;
  /** Bytes of literal data still to copy into `parts`. */
  private literalLeft = 0;
  /** When > 0 or discarding: bytes to drop (an oversized non-synchronizing literal). */
  private skipLeft = 0;
  /** Dropping the rest of a refused command up to the end of its last line. */
  private discarding = false;

  constructor(limits: Partial<CommandReaderLimits> = {}) {
    this.limits = { ...DEFAULT_READER_LIMITS, ...limits };
  }

  /** Feeds bytes from the socket; returns what became complete, in order. */
  push(chunk: Buffer): ReaderEvent[] {
    const events: ReaderEvent[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (this.skipLeft > 0) {
        const n = Math.min(this.skipLeft, chunk.length - pos);
        this.skipLeft -= n;
        pos += n;
        continue;
      }
      if (this.literalLeft > 0) {
        const n = Math.min(this.literalLeft, chunk.length - pos);
        this.parts.push(chunk.subarray(pos, pos + n));
        this.partsBytes += n;
        this.literalLeft -= n;
        pos += n;
        continue;
      }
      const lf = chunk.indexOf(0x0a, pos);
      const end = lf < 0 ? chunk.length : lf + 1;
      const piece = chunk.subarray(pos, end);
      pos = end;
      if (this.discarding && this.line.length === 0 && lf < 0) {
        // Keep only a short tail while discarding: enough to see a literal marker.
        this.keepLine(piece.subarray(Math.max(0, piece.length - 32)));
        continue;
      }
      this.keepLine(piece);
      if (lf < 0) {
        if (this.lineBytes > this.limits.maxLineBytes && !this.discarding) {
          events.push(this.refuse('TooBig', 'line too long'));
        }
        if (this.discarding) this.trimLine();
        continue;
      }
      this.endOfLine(events);
    }
    return events;
  }

  private keepLine(piece: Buffer): void {
    this.line.push(piece);
    this.lineBytes += piece.length;
  }

  private trimLine(): void {
    const joined = Buffer.concat(this.line);
    this.line = [joined.subarray(Math.max(0, joined.length - 32))];
    this.lineBytes = this.line[0].length;
  }

  private endOfLine(events: ReaderEvent[]): void {
    const lineBuf = Buffer.concat(this.line);
    this.line = [];
    this.lineBytes = 0;
    // The text before CRLF (a bare LF is accepted too, as most servers do).
    let textEnd = lineBuf.length - 1;
    if (textEnd > 0 && lineBuf[textEnd - 1] === 0x0d) textEnd--;
    const text = lineBuf.subarray(Math.max(0, textEnd - 40), textEnd).toString('latin1');
    const literal = LITERAL_AT_END.exec(text);

    if (this.discarding) {
      if (literal && literal[3] === '+') this.skipLeft = Number(literal[2]);
      else if (!literal) this.discarding = false;
      // A synchronizing literal inside a refused command is never sent by the client: it
      // waits for a "+" we do not give, and takes the BAD as the end of the command.
      else this.discarding = false;
      return;
    }
    if (lineBuf.length > this.limits.maxLineBytes) {
      if (this.parts.length === 0) this.parts.push(lineBuf.subarray(0, 200));
      const skip = literal && literal[3] === '+' ? Number(literal[2]) : 0;
      events.push(this.refuse('TooBig', 'line too long', true, skip));
      return;
    }
    this.parts.push(lineBuf);
    this.partsBytes += lineBuf.length;
    if (!literal) {
      events.push({ type: 'command', bytes: Buffer.concat(this.parts) });
      this.reset();
      return;
    }
    const size = Number(literal[2]);
    const nonSync = literal[3] === '+';
    if (nonSync && this.limits.nonSync === 'none') {
      events.push(this.refuse('Syntax', 'non-synchronizing literals are not supported', true, size));
      return;
    }
    if (nonSync && this.limits.nonSync === 'minus' && size > LITERAL_MINUS_MAX) {
      // RFC 7888 §5: BAD [TOOBIG] for a LITERAL- literal over 4096 bytes.
      events.push(this.refuse('TooBig', 'non-synchronizing literal over 4096 bytes', true, size));
      return;
    }
    if (size > this.limits.maxLiteralBytes || this.partsBytes + size > this.limits.maxCommandBytes) {
      events.push(this.refuse('TooBig', 'literal too big', true, nonSync ? size : 0));
      return;
    }
    if (!nonSync) events.push({ type: 'continue', tag: tagOf(this.parts[0]) });
    this.literalLeft = size;
    if (size === 0) return; // the command goes on with the next line
  }

  /**
   * Refuses the command being read. `complete` says the current line has ended; `skip` bytes of
   * an announced non-synchronizing literal still follow and are dropped.
   */
  private refuse(code: 'TooBig' | 'Syntax', message: string, complete = false, skip = 0): ReaderEvent {
    const head = this.parts[0] ?? Buffer.concat(this.line);
    const error = new ImapCodecError(code, message, tagOf(head));
    this.reset();
    if (complete) {
      this.skipLeft = skip;
      this.discarding = skip > 0;
    } else {
      this.discarding = true;
      this.trimLine();
    }
    return { type: 'error', error };
  }

  private reset(): void {
    this.parts = [];
    this.partsBytes = 0;
  }
}
