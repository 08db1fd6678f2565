// The private Dovecot moved to test/helpers/dovecot.ts, shared with the `hearth migrate imap` test.
export * from '../../helpers/dovecot.js';
