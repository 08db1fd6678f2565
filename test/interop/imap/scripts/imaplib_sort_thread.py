#!/usr/bin/env python3
"""Python's imaplib (a client we did not write) issuing SORT and THREAD against Hearth over
implicit TLS: the capabilities, SORT with REVERSE and several keys, SORT=DISPLAY, UID SORT,
ESORT RETURN options, THREAD=REFERENCES and ORDEREDSUBJECT, UID THREAD, a BAD for malformed
arguments with the connection still usable.
Usage: imaplib_sort_thread.py HOST TLSPORT USER PASSWORD. Prints one "ok NAME" or "FAIL NAME ..." per check."""
import imaplib
import ssl
import sys

host, tls_port, user, pw = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl._create_unverified_context()
failed = 0


def check(name, ok, detail=''):
    global failed
    failed += not ok
    print(('ok %s' if ok else 'FAIL %s %r') % ((name,) if ok else (name, detail)), flush=True)


MESSAGES = [
    # (date, from, subject, message-id, references)
    ('Tue, 2 Jan 2024 10:00:00 +0000', 'Mallory <mallory@example.net>', 'Budget 2024', '<b1@x>', None),
    ('Tue, 2 Jan 2024 11:00:00 +0000', 'alice@example.net', 'Re: Budget 2024', '<b2@x>', '<b1@x>'),
    ('Mon, 1 Jan 2024 09:00:00 +0000', 'Zoe <zoe@example.net>', 'Kickoff', '<k1@x>', None),
    ('Wed, 3 Jan 2024 08:00:00 +0000', 'bob@example.net', 'Re: Re: Budget 2024', '<b3@x>', '<b1@x> <b2@x>'),
]

c = imaplib.IMAP4_SSL(host, tls_port, ssl_context=ctx, timeout=60)
typ, _ = c.login(user, pw)
check('login', typ == 'OK')
typ, data = c.capability()
caps = data[0].decode().split()
check('capabilities', all(x in caps for x in ('SORT', 'SORT=DISPLAY', 'THREAD=REFERENCES', 'THREAD=ORDEREDSUBJECT', 'ESORT')), caps)
for date, frm, subject, mid, refs in MESSAGES:
    msg = 'Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: %s\r\n%s\r\nbody\r\n' % (
        date, frm, user, subject, mid, ('References: %s\r\n' % refs) if refs else '')
    typ, data = c.append('INBOX', None, None, msg.encode())
    check('append', typ == 'OK', data)
typ, _ = c.select('INBOX')
check('select', typ == 'OK')

typ, data = c.sort('(DATE)', 'UTF-8', 'ALL')
check('sort-date', typ == 'OK' and data[0] == b'3 1 2 4', data)
typ, data = c.sort('(REVERSE ARRIVAL)', 'US-ASCII', 'ALL')
check('sort-reverse-arrival', typ == 'OK' and data[0] == b'4 3 2 1', data)
typ, data = c.sort('(SUBJECT REVERSE DATE)', 'UTF-8', 'ALL')
check('sort-subject-then-reverse-date', data[0] == b'4 2 1 3', data)
typ, data = c.sort('(FROM)', 'UTF-8', 'NOT', 'FROM', 'zoe')
check('sort-from-with-search-key', data[0] == b'2 4 1', data)
typ, data = c.sort('(DISPLAYFROM)', 'UTF-8', 'ALL')
check('sort-displayfrom', data[0] == b'2 4 1 3', data)
typ, data = c.uid('SORT', '(REVERSE DATE)', 'UTF-8', 'ALL')
typ2, uids = c.uid('SEARCH', 'ALL')
u = uids[0].split()
check('uid-sort', typ == 'OK' and data[0].split() == [u[3], u[1], u[0], u[2]], (data, uids))
typ, data = c._simple_command('SORT', 'RETURN', '(MIN MAX COUNT)', '(DATE)', 'UTF-8', 'ALL')
esearch = c.untagged_responses.pop('ESEARCH', [b''])[0]
check('esort', typ == 'OK' and b'MIN 3' in esearch and b'MAX 4' in esearch and b'COUNT 4' in esearch, esearch)

typ, data = c.thread('REFERENCES', 'UTF-8', 'ALL')
check('thread-references', typ == 'OK' and data[0] == b'(3)(1 2 4)', data)
typ, data = c.thread('ORDEREDSUBJECT', 'UTF-8', 'ALL')
check('thread-orderedsubject', typ == 'OK' and data[0] == b'(3)(1 (2)(4))', data)
typ, data = c.uid('THREAD', 'REFERENCES', 'UTF-8', 'ALL')
check('uid-thread', typ == 'OK' and data[0] == b'(%s)(%s %s %s)' % (u[2], u[0], u[1], u[3]), data)

try:
    c.sort('(NONSENSE)', 'UTF-8', 'ALL')
    check('sort-bad', False)
except imaplib.IMAP4.error as e:
    check('sort-bad', 'BAD' in str(e) or 'unknown sort key' in str(e), e)
try:
    c.thread('SIDEWAYS', 'UTF-8', 'ALL')
    check('thread-bad', False)
except imaplib.IMAP4.error as e:
    check('thread-bad', 'SIDEWAYS' in str(e), e)
typ, _ = c.noop()
check('still-usable', typ == 'OK')
c.logout()
sys.exit(1 if failed else 0)
