// The base subject of RFC 5256 §2.1, the key of SORT SUBJECT and of both THREAD algorithms: the
// decoded subject without its reply/forward leaders ("Re:", "Fwd:", "[list] Re:"), "(fwd)"
// trailers and "[fwd: ...]" wrappers, whitespace collapsed. Whether anything of the kind was
// removed is kept too: THREAD=REFERENCES step 5 treats such a message as a reply or forward.

export interface BaseSubject {
  /** The base subject, not yet case-folded (see `subjectSortKey`). */
  base: string;
  /** A "re"/"fw"/"fwd" leader, a "(fwd)" trailer or a "[fwd: ]" wrapper was removed (RFC 5256 §2.1, §3 step 5). */
  replyOrForward: boolean;
}

// BLOBCHAR = %x01-5a / %x5c / %x5e-7f: any CHAR except "[" and "]" (RFC 5256 §5).
const BLOB = String.raw`\[[\x01-\x5a\x5c\x5e-\x7f]*\][ \t]*`;
/** subj-leader's first form: *subj-blob subj-refwd, subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":". */
const REFWD_LEADER = new RegExp(String.raw`^(?:${BLOB})*(?:re|fwd?)[ \t]*(?:${BLOB})?:`, 'i');
const LEADING_BLOB = new RegExp(`^${BLOB}`);
/** subj-trailer = "(fwd)" / WSP. */
const FWD_TRAILER = /\(fwd\)$/i;

export function baseSubject(decoded: string): BaseSubject {
  // (1) The subject is already decoded (RFC 2047) by the parser; tabs and continuations become
  // one space, runs of spaces one space.
  let s = decoded.replace(/\r?\n|\t/g, ' ').replace(/ {2,}/g, ' ');
  let replyOrForward = false;
  for (;;) {
    // (2) Trailers, as long as any remains.
    for (;;) {
      if (s.endsWith(' ')) s = s.slice(0, -1);
      else if (FWD_TRAILER.test(s)) { s = s.slice(0, -5); replyOrForward = true; }
      else break;
    }
    // (3) leaders, (4) a leading blob when something is left after it, (5) until neither applies.
    for (;;) {
      if (s.startsWith(' ')) { s = s.slice(1); continue; }
      const leader = REFWD_LEADER.exec(s);
      if (leader) { s = s.slice(leader[0].length); replyOrForward = true; continue; }
      const blob = LEADING_BLOB.exec(s);
      if (blob && blob[0].length < s.length) { s = s.slice(blob[0].length); continue; }
      break;
    }
    // (6) "[fwd:" ... "]" around the whole: unwrap and start again from (2).
    if (s.length >= 6 && s.slice(0, 5).toLowerCase() === '[fwd:' && s.endsWith(']')) {
      s = s.slice(5, -1);
      replyOrForward = true;
      continue;
    }
    return { base: s, replyOrForward };
  }
}

/**
 * i;ascii-casemap (RFC 4790 §9.2): ASCII letters folded to upper case, then compared octet by
 * octet as UTF-8 (RFC 5256 §2.1 and "Internationalization Considerations"). Returned as the
 * UTF-8 bytes so that `Buffer.compare` gives exactly that order.
 */
export function asciiCasemapKey(text: string): Buffer {
  return Buffer.from(text.replace(/[a-z]+/g, (m) => m.toUpperCase()), 'utf8');
}

export function subjectSortKey(decoded: string): Buffer {
  return asciiCasemapKey(baseSubject(decoded).base);
}
