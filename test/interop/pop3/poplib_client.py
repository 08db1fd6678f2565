"""Python's poplib against Hearth: log in (STLS or POP3S), list, fetch every message, optionally
DELE them all and QUIT. Prints one JSON object on stdout; exits 1 with the server's error.

usage: poplib_client.py HOST PORT stls|ssl USER PASSWORD [--auth plain] [--delete]
"""
import base64
import json
import poplib
import ssl
import sys


def main():
    host, port, mode, user, password = sys.argv[1:6]
    flags = sys.argv[6:]
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if mode == "ssl":
        pop = poplib.POP3_SSL(host, int(port), context=ctx, timeout=120)
    else:
        pop = poplib.POP3(host, int(port), timeout=120)
    out = {"welcome": pop.getwelcome().decode(), "capa_before": sorted(pop.capa().keys())}
    if mode == "stls":
        pop.stls(context=ctx)
        out["capa_after"] = sorted(pop.capa().keys())
    if "--auth" in flags:
        # RFC 5034 AUTH PLAIN with an initial response, sent by hand (poplib has no AUTH helper).
        token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()
        out["login"] = pop._shortcmd("AUTH PLAIN " + token).decode()
    else:
        pop.user(user)
        out["login"] = pop.pass_(password).decode()
    count, octets = pop.stat()
    out["stat"] = [count, octets]
    uidl = [line.decode().split(" ", 1)[1] for line in pop.uidl()[1]]
    messages = []
    for i in range(1, count + 1):
        _, lines, size = pop.retr(i)
        raw = b"\r\n".join(lines) + b"\r\n"
        top = b"\r\n".join(pop.top(i, 0)[1]).decode("latin-1")
        messages.append({"uidl": uidl[i - 1], "raw": base64.b64encode(raw).decode(), "top_has_subject": "Subject:" in top})
    out["messages"] = messages
    if "--delete" in flags:
        for i in range(1, count + 1):
            pop.dele(i)
    out["quit"] = pop.quit().decode()
    print(json.dumps(out))


if __name__ == "__main__":
    try:
        main()
    except poplib.error_proto as e:
        print(str(e), file=sys.stderr)
        sys.exit(1)
