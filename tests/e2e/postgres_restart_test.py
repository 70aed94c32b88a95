#!/usr/bin/python3
"""End-to-end test of a PostgreSQL restart under load: three snapmgrd nodes with fake backends share
one PostgreSQL 15 catalog (postgres_support.py). Debian's wrk drives manageable listings — through
node 1 a listing of node 2's backend (forwarded over the internal route) and on node 3 a listing
of its own backend — while two threads loop adopt → `available` → os-unmanage → gone through node
1, one on a volume of node 2 (forwarded) and one on a volume of node 1 (local). Meanwhile
PostgreSQL is restarted with pg_ctl (`stop -m fast`, 3 s with nothing on the port, `start`).

It proves: every failed request the loops saw is a 503 whose message says the catalog is
unavailable and names the server (printed), or a 409/400 that the request before it (a 503 saying
the change may or may not have been applied) explains; wrk got 200s before and after the outage,
only 503s that say the same otherwise, and no socket error (a node that crashed or dropped
connections shows as connect/read errors); every node is still running; the loops completed
cycles after the restart, and then listings answer 200 and a fresh adopt/unmanage cycle through
node 1 gives only 2xx answers; no row of `volumes` or `snapshots` is left `creating` or
`unmanaging`; every node exits 0 on SIGTERM.

Run: /usr/bin/python3 tests/e2e/postgres_restart_test.py --snapmgrd build/snapmgrd --plugin-dir build/plugins
"""
import glob
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from e2e_support import Snapmgrd, daemon_arguments, run_tests
from postgres_support import NODE_CONFIG, PostgresServer

WRK = "/usr/bin/wrk"
WRK_SECONDS = 15
OUTAGE_S = 3.0
ARGS = None
SECRET = "postgres-restart-test-secret"
DATABASE = "restart"
HEADERS = {"X-Auth-Token": "admin:p1", "OpenStack-API-Version": "volume 3.8"}

# The node configuration (postgres_support.NODE_CONFIG) and this script's backends.
CONFIG = NODE_CONFIG + """  - name: %(backend)s
    driver: fake
    options:
      volumes:
        - {{name: %(volume)s, size_bytes: 2147483648}}
      snapshots:
        - {{name: %(snapshot)s, size_bytes: 1073741824, origin: %(volume)s}}
"""

# host, backend, its one volume and that volume's snapshot.
NODES = [
    ("node1", "fake1", "volume-11111111-1111-1111-1111-111111111111", "snap1"),
    ("node2", "fake2", "volume-22222222-2222-2222-2222-222222222222", "snap2"),
    ("node3", "fake3", "volume-33333333-3333-3333-3333-333333333333", "snap3"),
]

# wrk's script: the two headers, and per second and status the answers counted (and the first body
# of each status other than 200), printed by done() as `second <unix time> <status> <count>` and
# `body <status> <body>` lines after wrk's own report.
WRK_SCRIPT = """
wrk.headers["X-Auth-Token"] = "admin:p1"
wrk.headers["OpenStack-API-Version"] = "volume 3.8"
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  counts = {}
  bodies = {}
end
function response(status, headers, body)
  local key = os.time() .. " " .. status
  counts[key] = (counts[key] or 0) + 1
  if status ~= 200 and bodies[tostring(status)] == nil then
    bodies[tostring(status)] = body
  end
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("counts")) do
      io.write("second " .. key .. " " .. count .. "\\n")
    end
    for status, body in pairs(thread:get("bodies")) do
      io.write("body " .. status .. " " .. string.gsub(body, "\\n", " ") .. "\\n")
    end
  end
end
"""


def call(port, method, path, body=None, timeout=30):
    """One request on a new connection: (status, parsed JSON body or its text); status None when
    the node could not be reached or did not answer (the text says why)."""
    headers = dict(HEADERS)
    data = None
    if body is not None:
        data = json.dumps(body)
        headers["Content-Type"] = "application/json"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        try:
            return response.status, json.loads(text) if text else None
        except ValueError:
            return response.status, text
    except (OSError, http.client.HTTPException) as e:
        return None, "%s: %s" % (type(e).__name__, e)
    finally:
        connection.close()


def fault_message(body):
    """The message of an error body ({"serviceUnavailable": {"code": 503, "message": ...}})."""
    if isinstance(body, dict) and len(body) == 1:
        inner = next(iter(body.values()))
        if isinstance(inner, dict):
            return inner.get("message")
    return None


class CycleLoop(threading.Thread):
    """Adopts the one volume of `service` through the node at `port`, waits until it is available,
    unmanages it and waits until it is gone, again and again until stopped (then it ends the cycle
    it is in). Every answer is recorded. After a failed manage or unmanage it looks at the
    backend's detail listing to learn where the cycle stands (a 503 whose COMMIT was cut off may
    have been applied), so it never loses track of the object."""

    def __init__(self, port, service, volume_name):
        super().__init__(daemon=True)
        self.port = port
        self.service = service
        self.name = volume_name  # the volume's backend name now (adoption renames it volume-<id>)
        self.volume_id = None    # the row being cycled, None before an adoption
        self.records = []        # (time, method, path, status, body)
        self.cycles = []         # the times cycles ended (the volume gone after an unmanage)
        self.problems = []       # what the loop itself finds wrong (an `error` row, a stall)
        self.stopping = threading.Event()
        self.crash = None

    def request(self, method, path, body=None):
        status, answer = call(self.port, method, path, body)
        self.records.append((time.time(), method, path, status, answer))
        return status, answer

    def run(self):
        try:
            deadline = None
            while not (self.stopping.is_set() and self.volume_id is None):
                if self.stopping.is_set() and deadline is None:
                    deadline = time.time() + 60
                if deadline is not None and time.time() > deadline:
                    self.problems.append("volume %s did not settle within 60 s of the stop" % self.volume_id)
                    return
                self.step()
        except Exception as e:  # reported by the test
            self.crash = "%s: %s" % (type(e).__name__, e)

    def step(self):
        if self.volume_id is None:
            status, answer = self.request("POST", "/v3/p1/manageable_volumes",
                                          {"volume": {"host": self.service, "ref": {"source-name": self.name}}})
            if status == 202:
                self.volume_id = answer["volume"]["id"]
            else:
                self.resync()
            return
        status, answer = self.request("GET", "/v3/p1/volumes/" + self.volume_id)
        if status == 404:
            self.name = "volume-" + self.volume_id
            self.volume_id = None
            self.cycles.append(time.time())
            return
        if status != 200:
            time.sleep(0.2)
            return
        state = answer["volume"]["status"]
        if state in ("creating", "unmanaging"):
            time.sleep(0.05)
            return
        if state != "available":
            self.problems.append("volume %s is %s: %s" % (self.volume_id, state, answer))
        status, _ = self.request("POST", "/v3/p1/volumes/%s/action" % self.volume_id, {"os-unmanage": None})
        if status != 202:
            time.sleep(0.2)

    def resync(self):
        """Where the backend's one volume stands: managed (its row is the cycle's) or free to adopt
        (maybe under its new name)."""
        time.sleep(0.2)
        status, answer = self.request("GET", "/v3/p1/manageable_volumes/detail?host=" + self.service)
        if status != 200:
            return
        entries = answer["manageable-volumes"]
        if len(entries) != 1:
            self.problems.append("%s lists %d volumes, not 1: %s" % (self.service, len(entries), answer))
            return
        entry = entries[0]
        if entry["cinder_id"]:
            self.volume_id = entry["cinder_id"]
        elif entry["safe_to_manage"]:
            self.name = entry["reference"]["source-name"]
        else:
            self.problems.append("%s's volume is not safe to manage: %s" % (self.service, entry))


class PostgresRestart(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nodes = []
        cls.postgres = None
        cls.secret_dir = tempfile.mkdtemp(prefix="snapmgr-pg-restart-%d-" % os.getpid(), dir="/tmp")
        try:
            secret_file = os.path.join(cls.secret_dir, "internal.secret")
            with open(secret_file, "w") as f:
                f.write(SECRET + "\n")
            with open(os.path.join(cls.secret_dir, "wrk.lua"), "w") as f:
                f.write(WRK_SCRIPT)
            cls.postgres = PostgresServer()
            cls.url = cls.postgres.create_database(DATABASE)
            for host, backend, volume, snapshot in NODES:
                values = {"host": host, "plugins": ARGS.plugin_dir, "report_interval_s": 1, "service_down_time_s": 30,
                          "secret_file": secret_file, "url": cls.url,
                          "backend": backend, "volume": volume, "snapshot": snapshot}
                cls.nodes.append(Snapmgrd(ARGS.snapmgrd, CONFIG % values, "snapmgr-pg-restart-" + host))
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        failures = []
        for node in cls.nodes:
            try:
                node.stop_and_clean()
            except AssertionError as e:
                failures.append(str(e))
        cls.nodes = []
        if cls.postgres is not None:
            cls.postgres.stop()
            cls.postgres = None
        shutil.rmtree(cls.secret_dir, ignore_errors=True)
        # A node that failed to start leaves its directory (Snapmgrd keeps it for its log).
        for leftover in glob.glob("/tmp/snapmgr-pg-restart-node*-%d-*" % os.getpid()):
            shutil.rmtree(leftover, ignore_errors=True)
        if failures:
            raise AssertionError("\n".join(failures))

    def psql(self, sql):
        r = subprocess.run(["psql", "-h", self.postgres.dir, "-p", str(self.postgres.port), "-U", "postgres", "-d",
                            DATABASE, "-At", "-F", " ", "-c", sql], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        return [line for line in r.stdout.splitlines() if line]

    def start_wrk(self, node, path):
        command = [WRK, "-t1", "-c2", "-d%ds" % WRK_SECONDS, "--timeout", "10s", "-s",
                   os.path.join(self.secret_dir, "wrk.lua"), "http://127.0.0.1:%d%s" % (self.nodes[node].port, path)]
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                stdin=subprocess.DEVNULL)

    def wrk_report(self, process):
        out, _ = process.communicate(timeout=WRK_SECONDS + 60)
        self.assertEqual(process.returncode, 0, out)
        total = re.search(r"^\s*(\d+) requests in", out, re.M)
        self.assertIsNotNone(total, out)
        non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
        sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
        seconds = {}
        for second, status, count in re.findall(r"^second (\d+) (\d+) (\d+)$", out, re.M):
            seconds.setdefault(int(status), []).append((int(second), int(count)))
        bodies = dict(re.findall(r"^body (\d+) (.*)$", out, re.M))
        return {"out": out, "requests": int(total.group(1)), "non2xx": int(non2xx.group(1)) if non2xx else 0,
                "socket_errors": tuple(int(n) for n in sockets.groups()) if sockets else (0, 0, 0, 0),
                "seconds": seconds, "bodies": bodies}

    def assert_catalog_unavailable(self, message, where):
        self.assertIsNotNone(message, where)
        self.assertTrue(message.startswith("catalog unavailable: "), "%s: %r" % (where, message))
        self.assertIn(self.url, message, where)

    def test_restart_under_load(self):
        forwarded = "/v3/p1/manageable_volumes?host=node2@fake2"
        local = "/v3/p1/manageable_snapshots?host=node3@fake3"
        for node, path in ((0, forwarded), (2, local)):
            self.assertEqual(call(self.nodes[node].port, "GET", path)[0], 200, path)
        started = time.time()
        wrks = [self.start_wrk(0, forwarded), self.start_wrk(2, local)]
        loops = [CycleLoop(self.nodes[0].port, "node2@fake2", NODES[1][2]),
                 CycleLoop(self.nodes[0].port, "node1@fake1", NODES[0][2])]
        try:
            for loop in loops:
                loop.start()
            deadline = time.time() + 20
            while time.time() < deadline and not all(loop.cycles for loop in loops):
                time.sleep(0.1)
            self.assertTrue(all(loop.cycles for loop in loops), "no cycle completed before the restart")
            time.sleep(max(0.0, started + 4 - time.time()))
            down = time.time()
            self.postgres.restart(OUTAGE_S)  # in the main thread: see PostgresServer.restart
            up = time.time()
            print("\nPostgreSQL stopped at +%.1f s, serving again at +%.1f s (postmaster %s)"
                  % (down - started, up - started, self.postgres.postmaster_pid()))
            deadline = time.time() + 30
            while time.time() < deadline and not all(len([t for t in loop.cycles if t > up]) >= 2 for loop in loops):
                time.sleep(0.1)
            reports = [self.wrk_report(process) for process in wrks]
        finally:
            for loop in loops:
                loop.stopping.set()
            for loop in loops:
                loop.join(timeout=90)
            for process in wrks:
                if process.poll() is None:
                    process.kill()
                    process.wait()

        # The nodes: all still running.
        for index, node in enumerate(self.nodes):
            self.assertIsNone(node.process.poll(), "node %d exited:\n%s" % (index + 1, node.read_log()[-4000:]))

        # The loops: every failure a 503 "catalog unavailable", or explained by one before it.
        messages = set()
        for loop in loops:
            self.assertIsNone(loop.crash, loop.service)
            self.assertFalse(loop.is_alive(), "the loop on %s did not end" % loop.service)
            self.assertEqual(loop.problems, [], loop.service)
            in_doubt = False
            failed = 0
            unmanaged = set()  # the volumes an os-unmanage was answered 202 (or maybe applied) for
            for when, method, path, status, body in loop.records:
                where = "%s %s at +%.1f s -> %s %s" % (method, path, when - started, status, body)
                self.assertIsNotNone(status, where)
                if path.endswith("/action") and (status == 202 or status == 503 and in_doubt):
                    unmanaged.add(path.split("/")[4])
                if status == 404 and method == "GET" and path.split("/")[-1] in unmanaged:
                    continue  # the end of a cycle: the volume is gone after its unmanage
                if status < 300:
                    continue
                failed += 1
                message = fault_message(body)
                if status == 503:
                    self.assert_catalog_unavailable(message, where)
                    messages.add(message)
                    in_doubt = in_doubt or "may or may not have been applied" in message
                elif in_doubt and status in (400, 409) and method == "POST":
                    # A manage (409: the row is there) or unmanage (400: already `unmanaging`)
                    # repeated after a 503 said the change may or may not have been applied.
                    print("after an in-doubt 503: %s" % where)
                else:
                    self.fail("not a catalog 503: " + where)
                self.assertTrue(down - 2 <= when <= up + 8, "a failure outside the outage: " + where)
            after = [t for t in loop.cycles if t > up]
            print("loop on %s: %d requests, %d failed, %d cycles (%d after the restart)"
                  % (loop.service, len(loop.records), failed, len(loop.cycles), len(after)))
            self.assertGreater(failed, 0, "the loop on %s never hit the outage" % loop.service)
            self.assertGreaterEqual(len(after), 2, "the loop on %s did not recover" % loop.service)

        # wrk: answers before and after the outage, only catalog 503s otherwise, no socket errors.
        for report, what in zip(reports, ("node 1 forwarded listing", "node 3 local listing")):
            ok = report["seconds"].get(200, [])
            print("wrk, %s: %d requests, %d non-2xx, socket errors %s, statuses %s"
                  % (what, report["requests"], report["non2xx"], report["socket_errors"],
                     {s: sum(c for _, c in v) for s, v in report["seconds"].items()}))
            self.assertEqual(report["socket_errors"], (0, 0, 0, 0), report["out"])
            self.assertTrue(any(second < int(down) for second, _ in ok), "no 200 before the outage:\n" + report["out"])
            self.assertTrue(any(second > int(up) + 1 for second, _ in ok), "no 200 after the outage:\n" + report["out"])
            self.assertEqual(set(report["seconds"]) - {200, 503}, set(), report["out"])
            self.assertEqual(report["non2xx"], sum(c for _, c in report["seconds"].get(503, [])), report["out"])
            self.assertGreater(report["non2xx"], 0, "wrk never hit the outage:\n" + report["out"])
            body = json.loads(report["bodies"]["503"])
            self.assert_catalog_unavailable(fault_message(body), what)
            messages.add(fault_message(body))
            for second, _ in report["seconds"].get(503, []):
                self.assertTrue(int(down) - 1 <= second <= int(up) + 8, "a 503 outside the outage:\n" + report["out"])
        print("503 messages seen:\n  " + "\n  ".join(sorted(messages)))

        # Afterwards: listings answer 200 and a fresh cycle through node 1 gives only 2xx.
        for node, path in ((0, forwarded), (0, "/v3/p1/manageable_snapshots/detail?host=node2@fake2"),
                           (1, "/v3/p1/manageable_volumes/detail?host=node2@fake2"), (2, local)):
            status, body = call(self.nodes[node].port, "GET", path)
            self.assertEqual(status, 200, "%s: %s" % (path, body))
        status, body = call(self.nodes[0].port, "GET", "/v3/p1/manageable_volumes/detail?host=node2@fake2")
        entry = body["manageable-volumes"][0]
        self.assertTrue(entry["safe_to_manage"], entry)
        status, body = call(self.nodes[0].port, "POST", "/v3/p1/manageable_volumes",
                            {"volume": {"host": "node2@fake2", "ref": entry["reference"]}})
        self.assertEqual(status, 202, body)
        volume_id = body["volume"]["id"]
        self.wait_for(lambda: call(self.nodes[0].port, "GET", "/v3/p1/volumes/" + volume_id), 200, "available")
        status, body = call(self.nodes[0].port, "POST", "/v3/p1/volumes/%s/action" % volume_id, {"os-unmanage": None})
        self.assertEqual(status, 202, body)
        self.wait_for(lambda: call(self.nodes[0].port, "GET", "/v3/p1/volumes/" + volume_id), 404, None)
        self.assertIn("fake: released volume " + volume_id, self.nodes[1].read_log())

        # The catalog: no job left behind, and every service up.
        deadline = time.time() + 30
        while True:
            stuck = self.psql("SELECT 'volume', id, status FROM volumes WHERE status IN ('creating', 'unmanaging') "
                              "UNION ALL SELECT 'snapshot', id, status FROM snapshots "
                              "WHERE status IN ('creating', 'unmanaging')")
            if not stuck or time.time() > deadline:
                break
            time.sleep(0.5)
        self.assertEqual(stuck, [], "rows left creating/unmanaging")
        print("catalog rows: " + ", ".join(self.psql("SELECT status || ' ' || count(*) FROM volumes GROUP BY status")))
        status, body = call(self.nodes[0].port, "GET", "/v3/p1/os-services")
        self.assertEqual(status, 200, body)
        self.assertEqual(sorted((s["host"], s["state"]) for s in body["services"]),
                         [("node1@fake1", "up"), ("node2@fake2", "up"), ("node3@fake3", "up")])
        for node in self.nodes:
            self.assertIn("catalog unavailable", node.read_log())

    def wait_for(self, get, wanted_status, wanted_state):
        deadline = time.time() + 30
        status = body = None
        while time.time() < deadline:
            status, body = get()
            if status == wanted_status and (wanted_state is None or body["volume"]["status"] == wanted_state):
                return
            self.assertIn(status, (200, wanted_status), body)
            time.sleep(0.1)
        self.fail("wanted %s %s, last %s %s" % (wanted_status, wanted_state, status, body))


if __name__ == "__main__":
    ARGS, rest = daemon_arguments()
    sys.exit(run_tests(rest))
