/**
 * Bounds on what the mail parser and delivery accept, checked before any work is done
 * (DESIGN.md "Bad input": bound memory and time before parsing).
 */
export const MAIL_LIMITS = {
  /** Largest message parsed at all; SMTP SIZE and domain limits are usually lower. */
  maxMessageBytes: 64 * 1024 * 1024,
  /** Most MIME parts in one message, nested messages included. */
  maxParts: 1000,
  /** Deepest multipart / message/rfc822 nesting followed. */
  maxDepth: 32,
  /** Largest header block of one part (mailsplit refuses larger with EMAXLEN). */
  maxHeaderBytes: 1024 * 1024,
  /** Body bytes of the first text part decoded for the preview. */
  previewSourceBytes: 64 * 1024,
  /** Characters of preview kept ([MS-ASAIRS] 2.2.2.38 Preview: at most 255). */
  previewChars: 255,
  /** At this share of a quota the user gets one warning message. */
  quotaWarnRatio: 0.9,
} as const;

export type MailLimits = typeof MAIL_LIMITS;
