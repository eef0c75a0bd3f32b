#!/usr/bin/env python3
"""Events applied per second by `nim-migrate serve` (SPEC §8, issue 19): N `friend.added` events
(one NIM call each) posted to /old/events at 100 per second; the rate is that of the events'
settlements in serve.sqlite (each recorded when NIM answered its call), beside the emulator's 416
count and its busiest second.

usage: bench-events.py SERVE_BASE EMULATOR_BASE TOKEN COUNT USERS_JSONL SERVE_SQLITE"""
import json, sqlite3, sys, time, urllib.request

serve, emulator, token, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
accids = [json.loads(line)["accid"] for line in open(sys.argv[5]) if line.strip()]


def call(url, body=None, auth=True):
    request = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
    if auth:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


pairs = ((a, b) for i, a in enumerate(accids) for b in accids[i + 1:])
events = []
for n, (a, b) in zip(range(count), pairs):
    events.append({"id": f"bench{n}", "time": 1_700_000_000_000 + n, "type": "friend.added",
                   "accid": a, "faccid": b})
start = time.monotonic()
for i in range(0, count, 10):
    call(serve + "/old/events", json.dumps(events[i:i + 10]).encode())
    time.sleep(max(0, start + (i + 10) / 100 - time.monotonic()))
posted = time.monotonic() - start
while True:
    health = call(serve + "/healthz", auth=False)
    if health.get("events_queued") == 0:
        break
    time.sleep(0.2)
dump = call(emulator + "/_emulator/dump", auth=False)
times = [row[0] for row in sqlite3.connect(sys.argv[6]).execute(
    "SELECT settled_at FROM event WHERE status = 2 ORDER BY settled_at")]
span = (times[-1] - times[0]) / 1000 if len(times) > 1 else 0
rate = (len(times) - 1) / span if span else 0
print(f"serve events: {health['events_applied']} of {count} applied ({health['failed']} failed), posted in {posted:.1f} s; "
      f"{rate:.1f} events/s applied (throttle.rate 100: {rate / 100:.3f} x), {dump['throttled']} x 416, "
      f"busiest NIM second {dump['maxCallsPerSecond']}")
