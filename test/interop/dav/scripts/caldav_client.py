"""python3-caldav against Hearth: discovery, calendar creation, event and todo save,
date-range search with recurrence expansion, and sync-token based sync.
Usage: caldav_client.py URL USER PASSWORD. Prints one line per step; exits non-zero on failure."""
import sys
from datetime import datetime, timezone
import caldav

url, user, password = sys.argv[1:4]

def step(name):
    print("ok", name, flush=True)

client = caldav.DAVClient(url=url + "/.well-known/caldav", username=user, password=password)
principal = client.principal()
assert principal.url.path.startswith("/dav/principals/users/"), principal.url
step("discovery")

cals = principal.calendars()
assert len(cals) >= 1, cals
step("default calendars: %d" % len(cals))

cal = principal.make_calendar(name="Interop", cal_id="interop")
assert any(str(c.url).rstrip("/").endswith("/interop") for c in principal.calendars())
step("make_calendar")

ev = cal.save_event("""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//interop//EN
BEGIN:VEVENT
UID:weekly-1@interop
DTSTAMP:20260101T000000Z
DTSTART:20260105T100000Z
DTEND:20260105T110000Z
RRULE:FREQ=WEEKLY;COUNT=10
SUMMARY:Weekly sync
END:VEVENT
END:VCALENDAR
""")
single = cal.save_event("""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//interop//EN
BEGIN:VEVENT
UID:single-1@interop
DTSTAMP:20260101T000000Z
DTSTART:20260301T090000Z
DTEND:20260301T093000Z
SUMMARY:Single
END:VEVENT
END:VCALENDAR
""")
step("save_event")

todo = cal.save_todo("""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//interop//EN
BEGIN:VTODO
UID:todo-1@interop
DTSTAMP:20260101T000000Z
SUMMARY:Write report
DUE:20260210T170000Z
END:VTODO
END:VCALENDAR
""")
assert len(cal.todos()) == 1
step("save_todo")

# February holds 4 instances of the weekly event (2, 9, 16, 23) and not the single one.
res = cal.search(start=datetime(2026, 2, 1, tzinfo=timezone.utc), end=datetime(2026, 3, 1, tzinfo=timezone.utc), event=True, expand=True)
starts = sorted(str(r.icalendar_component["dtstart"].dt) for r in res)
assert len(starts) == 4, starts
step("date search with recurrence: %d instances" % len(starts))

res = cal.search(start=datetime(2026, 3, 1, tzinfo=timezone.utc), end=datetime(2026, 3, 2, tzinfo=timezone.utc), event=True)
assert [r.icalendar_component["uid"] for r in res] == ["single-1@interop"], res
step("date search single")

objs = cal.objects_by_sync_token(load_objects=True)
assert len(list(objs)) == 3
token = objs.sync_token
single.delete()
cal.save_event("""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//interop//EN
BEGIN:VEVENT
UID:new-1@interop
DTSTAMP:20260101T000000Z
DTSTART:20260401T090000Z
DTEND:20260401T093000Z
SUMMARY:New
END:VEVENT
END:VCALENDAR
""")
changes = cal.objects_by_sync_token(sync_token=token, load_objects=True)
changed = list(changes)
assert len(changed) == 2, changed
assert changes.sync_token != token
step("sync-collection delta: %d changes" % len(changed))
print("done")
