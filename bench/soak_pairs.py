#!/usr/bin/python3
"""The adoption half of bench/soak: adopts and unmanages snapshots in pairs against a running
snapmgrd on 127.0.0.1, and checks every pair ended where it should.

Setup: lists the backend's manageable volumes and snapshots, manages the safe volume that has the
most safe snapshots (once; waits for `available`) and takes up to --rotation of its safe
snapshots. Then it writes --ready and, until --seconds have passed or --max-pairs pairs were
tried, repeats for the next snapshot of the rotation:

  1. POST manageable_snapshots (202, status `creating`), then GET snapshots/{id} until
     `available`; the listing must show the object (renamed `_snapshot-<id>` by the fake driver)
     as `already managed` with cinder_id = id;
  2. POST snapshots/{id}/action {"os-unmanage": null} (202, empty body), then GET snapshots/{id}
     until 404; the listing must show `_snapshot-<id>` safe to manage again, without cinder_id.
     The next adoption of this slot uses that name.

A listing found wrong is polled again for up to 3 s: when it comes right the listing was stale
(the pair goes on; its lag is recorded under `stale`, and bench/soak judges it); otherwise the
pair fails, is recorded with the reason and its slot leaves the rotation. Every request is
bounded (--timeout per request, --wait per state change). Writes --summary (JSON: pairs done and
failed, stale listings, requests, pair times, the first failures) and exits 1 when a pair or the
setup failed.

Run: soak_pairs.py --port P --host soak@fake1 --seconds 600 --ready F --summary F
"""
import argparse
import http.client
import json
import statistics
import sys
import time
import urllib.parse

HEADERS = {"X-Auth-Token": "admin:p1", "OpenStack-API-Version": "volume 3.8",
           "Content-Type": "application/json"}
POLL_S = 0.01
LISTING_RECHECK_S = 3.0


class PairFailed(Exception):
    pass


class Api:
    """One keep-alive connection to snapmgrd on 127.0.0.1, reopened after a transport error."""

    def __init__(self, port, timeout):
        self.port, self.timeout = port, timeout
        self.conn = None
        self.requests = 0
        self.transport_errors = 0

    def call(self, method, path, body=None):
        """Returns (status, parsed JSON body or None); raises PairFailed on a transport error."""
        self.requests += 1
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            data = None if body is None else json.dumps(body)
            self.conn.request(method, "/v3/p1" + path, body=data, headers=HEADERS)
            reply = self.conn.getresponse()
            raw = reply.read()
        except (OSError, http.client.HTTPException) as e:
            self.transport_errors += 1
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            raise PairFailed("%s %s: %s: %s" % (method, path, type(e).__name__, e))
        parsed = None
        if raw and reply.getheader("Content-Type", "").startswith("application/json"):
            parsed = json.loads(raw)
        return reply.status, parsed

    def expect(self, status, method, path, body=None):
        got, parsed = self.call(method, path, body)
        if got != status:
            raise PairFailed("%s %s answered %d, not %d: %s" % (method, path, got, status, parsed))
        return parsed


def list_all(api, kind, host):
    """Every entry of manageable_<kind>/detail, page by page (limit 1000, marker)."""
    entries, marker = [], None
    while True:
        query = {"host": host, "limit": "1000", "sort": "reference:asc"}
        if marker is not None:
            query["marker"] = json.dumps(marker)
        page = api.expect(200, "GET", "/manageable_%s/detail?%s" % (kind, urllib.parse.urlencode(query)))
        page = page["manageable-" + kind]
        entries += page
        if len(page) < 1000:
            return entries
        marker = page[-1]["reference"]


def wait_for(what, deadline_s, probe):
    """Calls probe() every POLL_S until it returns a true value; PairFailed after deadline_s."""
    until = time.monotonic() + deadline_s
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > until:
            raise PairFailed("no %s within %g s" % (what, deadline_s))
        time.sleep(POLL_S)


def setup(api, host, rotation, wait_s):
    """Manages one volume; returns (volume id, names of its safe snapshots, at most rotation)."""
    volumes = {v["reference"]["source-name"] for v in list_all(api, "volumes", host) if v["safe_to_manage"]}
    by_volume = {}
    for s in list_all(api, "snapshots", host):
        origin = (s.get("source_reference") or {}).get("source-name")
        if s["safe_to_manage"] and origin in volumes:
            by_volume.setdefault(origin, []).append(s["reference"]["source-name"])
    if not by_volume:
        raise PairFailed("no safe volume with a safe snapshot on %s" % host)
    volume = max(sorted(by_volume), key=lambda v: len(by_volume[v]))
    reply = api.expect(202, "POST", "/manageable_volumes",
                       {"volume": {"host": host, "ref": {"source-name": volume}, "name": "soak-volume"}})
    volume_id = reply["volume"]["id"]

    def available():
        status, body = api.call("GET", "/volumes/" + volume_id)
        if status == 200 and body["volume"]["status"] == "error":
            raise PairFailed("volume %s went to error" % volume_id)
        return status == 200 and body["volume"]["status"] == "available"
    wait_for("available volume", wait_s, available)
    return volume_id, by_volume[volume][:rotation]


def listing_head(api, host, slots):
    """The first entries of the listing by reference: every `_snapshot-<id>` (a name beginning
    with '_' sorts before every generated `snap-`)."""
    query = urllib.parse.urlencode({"host": host, "sort": "reference:asc", "limit": str(slots + 10)})
    return api.expect(200, "GET", "/manageable_snapshots/detail?" + query)["manageable-snapshots"]


def check_listed(api, host, slots, name, step, right, stale):
    """Checks the listing's entry for `name` with right(entry). When it is wrong, polls the
    listing for up to LISTING_RECHECK_S: if it comes right, the listing was stale — appended to
    `stale` (the pair goes on, and counts as failed) — otherwise raises PairFailed."""
    def entry():
        return next((e for e in listing_head(api, host, slots) if e["reference"].get("source-name") == name), None)
    first = entry()
    if first is not None and right(first):
        return
    started = time.monotonic()
    later = None
    while time.monotonic() - started < LISTING_RECHECK_S:
        time.sleep(0.02)
        later = entry()
        if later is not None and right(later):
            break
    waited = 1000 * (time.monotonic() - started)
    seen = "not listed" if first is None else "listed as %s" % json.dumps(first)
    if later is not None and right(later):
        stale.append(("%s: %s %s; listed right %.0f ms later" % (step, name, seen, waited), waited))
        return
    raise PairFailed("%s: %s %s; still wrong after %.0f ms: %s" % (step, name, seen, waited, later))


def pair(api, host, volume_id, name, number, slots, wait_s, stale):
    """Adopts `name`, then unmanages it; returns the object's name after the pair. Listings
    found stale (right only later) are appended to `stale`."""
    reply = api.expect(202, "POST", "/manageable_snapshots",
                       {"snapshot": {"volume_id": volume_id, "ref": {"source-name": name}, "name": "soak-%d" % number}})
    snapshot_id = reply["snapshot"]["id"]
    if reply["snapshot"]["status"] != "creating":
        raise PairFailed("adopting %s answered status %s" % (name, reply["snapshot"]["status"]))

    def status():
        got, body = api.call("GET", "/snapshots/" + snapshot_id)
        if got == 404:
            return "gone"
        if got != 200:
            raise PairFailed("GET snapshots/%s answered %d: %s" % (snapshot_id, got, body))
        return body["snapshot"]["status"]

    def adopted():
        s = status()
        if s in ("error", "gone"):
            raise PairFailed("snapshot %s (%s) became %s, not available" % (snapshot_id, name, s))
        return s == "available"
    wait_for("available snapshot", wait_s, adopted)
    new_name = "_snapshot-" + snapshot_id
    check_listed(api, host, slots, new_name, "after adoption (available)",
                 lambda e: not e["safe_to_manage"] and e["reason_not_safe"] == "already managed"
                 and e["cinder_id"] == snapshot_id, stale)

    got, body = api.call("POST", "/snapshots/%s/action" % snapshot_id, {"os-unmanage": None})
    if got != 202 or body is not None:
        raise PairFailed("os-unmanage of %s answered %d: %s" % (snapshot_id, got, body))

    def gone():
        s = status()
        if s not in ("unmanaging", "gone"):
            raise PairFailed("unmanaged snapshot %s became %s" % (snapshot_id, s))
        return s == "gone"
    wait_for("removed row", wait_s, gone)
    check_listed(api, host, slots, new_name, "after unmanage (row gone)",
                 lambda e: e["safe_to_manage"] and e["reason_not_safe"] is None and e["cinder_id"] is None, stale)
    return new_name


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--host", required=True, help="the backend, host@backend")
    p.add_argument("--seconds", type=float, required=True, help="stop starting pairs after this")
    p.add_argument("--max-pairs", type=int, default=100000)
    p.add_argument("--rotation", type=int, default=4, help="snapshots adopted in turn")
    p.add_argument("--timeout", type=float, default=30, help="seconds per request")
    p.add_argument("--wait", type=float, default=30, help="seconds per state change")
    p.add_argument("--ready", required=True, help="file written when setup is done")
    p.add_argument("--summary", required=True, help="JSON summary written at the end")
    args = p.parse_args()

    api = Api(args.port, args.timeout)
    summary = {"pairs_done": 0, "pairs_failed": 0, "failures": [],
               "pairs_with_stale_listings": 0, "stale_listings": 0, "stale_max_ms": 0, "stale": []}
    try:
        volume_id, slots = setup(api, args.host, args.rotation, args.wait)
    except PairFailed as e:
        summary["failures"].append("setup: %s" % e)
        slots = []
    summary["rotation"] = list(slots)
    with open(args.ready, "w") as f:
        f.write("ready\n")

    durations, by_minute = [], {}
    begun = time.monotonic()
    deadline = begun + args.seconds
    number = 0
    while slots and number < args.max_pairs and time.monotonic() < deadline:
        slot = number % len(slots)
        number += 1
        started = time.monotonic()
        stale = []
        try:
            slots[slot] = pair(api, args.host, volume_id, slots[slot], number, len(summary["rotation"]),
                               args.wait, stale)
            durations.append(time.monotonic() - started)
            by_minute.setdefault(int((started - begun) // 60), []).append(durations[-1])
            summary["pairs_done"] += 1
            if stale:  # the objects ended right, but a listing showed it late
                summary["pairs_with_stale_listings"] += 1
                summary["stale_listings"] += len(stale)
                summary["stale_max_ms"] = max([summary["stale_max_ms"]] + [round(ms) for _, ms in stale])
                if len(summary["stale"]) < 20:
                    summary["stale"] += ["pair %d: %s" % (number, message) for message, _ in stale]
        except PairFailed as e:
            summary["pairs_failed"] += 1
            if len(summary["failures"]) < 20:
                summary["failures"].append("pair %d (%s): %s" % (number, slots[slot], e))
            del slots[slot]

    summary["requests"] = api.requests
    summary["transport_errors"] = api.transport_errors
    if durations:
        durations.sort()
        summary["pair_ms"] = {"median": round(1000 * statistics.median(durations), 1),
                              "p99": round(1000 * durations[int(0.99 * (len(durations) - 1))], 1),
                              "max": round(1000 * durations[-1], 1)}
        # Does a pair slow down as the catalog keeps its soft-deleted rows?
        summary["pair_ms_median_by_minute"] = [round(1000 * statistics.median(by_minute[m]), 1)
                                               for m in sorted(by_minute)]
    with open(args.summary, "w") as f:
        json.dump(summary, f, indent=1)
    ok = summary["pairs_failed"] == 0 and not summary["failures"] and (summary["pairs_done"] > 0 or args.max_pairs == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
