"""python3-caldav against Hearth's public folders: the user's calendar home lists the domain's
public calendars it may read; a read-only one serves its events and refuses a new one (403);
a writable one takes it. Usage: public_folders.py URL USER PASSWORD.
Prints one line per step; exits non-zero on failure."""
import sys
import caldav
from caldav.lib import error

url, user, password = sys.argv[1:4]

def step(name):
    print("ok", name, flush=True)

EVENT = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//interop//EN
BEGIN:VEVENT
UID:%s
DTSTAMP:20260101T000000Z
DTSTART:20260705T100000Z
DTEND:20260705T110000Z
SUMMARY:%s
END:VEVENT
END:VCALENDAR
"""

client = caldav.DAVClient(url=url + "/.well-known/caldav", username=user, password=password)
principal = client.principal()
cals = {c.name: c for c in principal.calendars()}
assert "Company Holidays" in cals and "Rooms" in cals, sorted(cals)
assert "Board" not in cals, sorted(cals)
assert "/public-" in str(cals["Company Holidays"].url), cals["Company Holidays"].url
step("discovered public calendars: %s" % ", ".join(sorted(n for n in cals if n in ("Company Holidays", "Rooms"))))

holidays = cals["Company Holidays"]
summaries = sorted(str(e.vobject_instance.vevent.summary.value) for e in holidays.events())
assert summaries == ["Summer break"], summaries
step("read public events")

try:
    holidays.save_event(EVENT % ("mine-1@interop", "Mine"))
    raise SystemExit("a read-only public calendar took an event")
except (error.AuthorizationError, error.PutError) as e:
    assert "403" in str(e) or isinstance(e, error.AuthorizationError), e
step("refused on read-only")

rooms = cals["Rooms"]
rooms.save_event(EVENT % ("room-1@interop", "Room booked"))
booked = [str(e.vobject_instance.vevent.summary.value) for e in rooms.events()]
assert "Room booked" in booked, booked
step("wrote to writable public calendar")
print("done", flush=True)
