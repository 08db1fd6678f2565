"""python3-caldav as the DAV side of the cross-protocol test (see ../cross-protocol.test.ts).
Usage:
  caldav_cross.py find URL USER PASSWORD CALPATH UID START END
      discovery from /.well-known/caldav, picks the calendar at CALPATH among principal.calendars(),
      date-range search with expand=True over [START, END) (ISO, UTC), and the master by UID.
  caldav_cross.py put URL USER PASSWORD CALPATH < event.ics
      discovery, then save_event (a PUT, as Apple Calendar makes it).
Prints one JSON object on the last line of stdout; exits non-zero on failure."""
import json
import sys
import time
from datetime import datetime
from urllib.parse import unquote
import caldav

cmd, url, user, password, calpath = sys.argv[1:6]
client = caldav.DAVClient(url=url + "/.well-known/caldav", username=user, password=password)
principal = client.principal()
cals = [c for c in principal.calendars() if unquote(c.url.path).rstrip("/") == calpath.rstrip("/")]
assert len(cals) == 1, [str(c.url) for c in principal.calendars()]
cal = cals[0]


def when(v):
    dt = v.dt
    tz = getattr(dt, "tzinfo", None)
    return {"iso": dt.isoformat(), "tz": str(getattr(tz, "zone", None) or getattr(tz, "key", None) or tz)}


if cmd == "find":
    uid, start, end = sys.argv[6:9]
    res = cal.search(start=datetime.fromisoformat(start), end=datetime.fromisoformat(end), event=True, expand=True)
    instances = []
    for r in res:
        c = r.icalendar_component
        instances.append({"uid": str(c["uid"]), "summary": str(c["summary"]), "dtstart": when(c["dtstart"]),
                          "recurrence_id": when(c["recurrence-id"]) if "recurrence-id" in c else None})
    master = cal.event_by_uid(uid)
    m = master.icalendar_component
    out = {"instances": instances, "master": {"summary": str(m["summary"]), "dtstart": when(m["dtstart"]),
           "tzid": m["dtstart"].params.get("TZID"), "rrule": m["rrule"].to_ical().decode() if "rrule" in m else None}}
    print(json.dumps(out))
elif cmd == "put":
    ev = cal.save_event(sys.stdin.read())
    done = time.time()
    print(json.dumps({"url": str(ev.url), "path": ev.url.path, "putAnsweredAt": done * 1000, "sent": ev.data}))
else:
    raise SystemExit("unknown command " + cmd)
