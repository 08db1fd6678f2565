#!/usr/bin/env python3
"""Python's imaplib (a client we did not write) against Hearth: STARTTLS and LOGIN, APPEND with
a UTF-8 subject, SEARCH CHARSET UTF-8, FETCH of a partial body, STORE, COPY, EXPUNGE, STATUS,
NAMESPACE, GETQUOTAROOT, and AUTHENTICATE PLAIN on the implicit-TLS port.
Usage: imaplib_story.py HOST PORT TLSPORT USER PASSWORD. Prints one "ok NAME" or "FAIL NAME ..." per check."""
import imaplib
import ssl
import sys

host, port, tls_port, user, pw = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
ctx = ssl._create_unverified_context()
failed = 0


def check(name, ok, detail=''):
    global failed
    failed += not ok
    print(('ok %s' if ok else 'FAIL %s %r') % ((name,) if ok else (name, detail)), flush=True)


c = imaplib.IMAP4(host, port, timeout=60)
check('logindisabled-before-tls', 'LOGINDISABLED' in c.capabilities, c.capabilities)
c.starttls(ctx)
typ, _ = c.login(user, pw)
check('login', typ == 'OK')
msg = ('From: Zoë <zoe@example.net>\r\nTo: %s\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n'
       'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
       'Schöne Grüße aus Köln.\r\n' % user).encode('utf-8')
typ, data = c.append('INBOX', '(\\Flagged)', None, msg)
check('append', typ == 'OK' and b'APPENDUID' in data[0], data)
typ, _ = c.select('INBOX')
check('select', typ == 'OK')
c.literal = 'Grüße'.encode('utf-8')
typ, data = c.uid('SEARCH', 'CHARSET', 'UTF-8', 'SUBJECT')
check('search-utf8-subject', typ == 'OK' and len(data[0].split()) == 1, data)
uid = data[0].split()[-1].decode()
c.literal = 'köln'.encode('utf-8')
typ, data = c.uid('SEARCH', 'CHARSET', 'UTF-8', 'BODY')
check('search-utf8-body', data[0].split() == [uid.encode()], data)
typ, data = c.uid('SEARCH', 'CHARSET', 'KOI8-R', 'ALL')
check('search-bad-charset', typ == 'NO', data)
typ, data = c.uid('FETCH', uid, '(BODY.PEEK[TEXT]<0.6>)')
check('fetch-partial', data[0][1] == 'Schöne'.encode('utf-8')[:6], data)
typ, data = c.uid('STORE', uid, '+FLAGS', '(\\Deleted)')
check('store', typ == 'OK' and b'\\Deleted' in data[0], data)
typ, data = c.uid('COPY', uid, 'Archive')
check('copy', typ == 'OK', data)
typ, data = c.expunge()
check('expunge', typ == 'OK' and data == [b'1'], data)
typ, data = c.status('Archive', '(MESSAGES UNSEEN UIDNEXT)')
check('status', typ == 'OK' and b'MESSAGES 1' in data[0], data)
typ, data = c.namespace()
check('namespace', typ == 'OK' and data[0].startswith(b'(("" "/"))'), data)
typ, data = c.getquotaroot('INBOX')
check('getquotaroot', typ == 'OK', data)
typ, data = c.select('"No such box"')
check('select-missing', typ == 'NO', data)
c.logout()

s = imaplib.IMAP4_SSL(host, tls_port, ssl_context=ctx, timeout=60)
typ, _ = s.authenticate('PLAIN', lambda _: ('\0%s\0%s' % (user, pw)).encode())
check('authenticate-plain', typ == 'OK')
s.logout()
s = imaplib.IMAP4_SSL(host, tls_port, ssl_context=ctx, timeout=60)
try:
    s.login(user, 'wrong-password')
    check('wrong-password-refused', False)
except imaplib.IMAP4.error as e:
    check('wrong-password-refused', 'AUTHENTICATIONFAILED' in str(e), e)
s.logout()
sys.exit(1 if failed else 0)
