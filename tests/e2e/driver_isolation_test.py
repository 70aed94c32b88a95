#!/usr/bin/python3
"""End-to-end test of driver isolation: one snapmgrd whose fake backends each run their driver in
a worker process (`isolation: process`):

  healthy   a plain inventory of 2,000 volumes;
  crashy    its volume listing dies of SIGSEGV (`faults: {list_volumes: {crash: true}}`);
  slow      its adoptions take 1.5 s, so one can be in flight when its worker is killed.

1. While four threads list `healthy` without pause, `crashy`'s listing is requested again and
   again: `healthy` has no failed request; `crashy` answers 502 naming SIGSEGV (or, while its
   worker is restarting, that it is down and why); its worker comes back; snapmgrd never dies.
2. os-services (3.49) shows `crashy`'s backend_state `down` while its worker is away.
3. An adoption on `slow` whose worker is killed (SIGKILL) ends `error`, never stays `creating`; the
   restarted worker adopts the next one.
4. kill -9 of snapmgrd takes every worker with it (PR_SET_PDEATHSIG).
Before them, `snapmgrd --check-config` on the same file starts and stops each worker once and
reports it running.

Run: /usr/bin/python3 tests/e2e/driver_isolation_test.py --snapmgrd build/snapmgrd --plugin-dir build/plugins
"""
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import unittest

from e2e_support import Snapmgrd, daemon_arguments, run_tests

ARGS = None

CONFIG = """host: node1
listen: 127.0.0.1:0
state_dir: {dir}/state
auth: {{strategy: noauth}}
plugin_path: [%(plugins)s]
call_timeout_s: 5
report_interval_s: 1
log: {{level: info, format: text}}
backends:
  - name: healthy
    driver: fake
    isolation: process
    options:
      generate: {{volumes: 2000, snapshots: 0, seed: 1}}
  - name: crashy
    driver: fake
    isolation: process
    options:
      volumes: [{{name: volume-c, size_bytes: 1}}]
      faults: {{list_volumes: {{crash: true}}}}
  - name: slow
    driver: fake
    isolation: process
    options:
      volumes: [{{name: volume-s1, size_bytes: 1}}, {{name: volume-s2, size_bytes: 1}}]
      faults: {{adopt_volume: {{delay_ms: 1500}}}}
"""


class DriverIsolation(unittest.TestCase):
    """The tests run in order and share one snapmgrd; test_04 kills it."""

    @classmethod
    def setUpClass(cls):
        cls.daemon = Snapmgrd(ARGS.snapmgrd, CONFIG % {"plugins": ARGS.plugin_dir}, "snapmgr-isolation")

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()

    def request(self, method, path, body=None, version="3.49"):
        return self.daemon.request(method, path, body, version)

    def worker_pid(self, backend):
        found = re.findall(r"backend node1@%s is up in a worker process, running \(pid (\d+)\)" % backend,
                           self.daemon.read_log())
        running = re.findall(r"node1@%s: driver worker \(pid (\d+)\) is running again" % backend,
                             self.daemon.read_log())
        return int((running or found)[-1])

    def workers(self):
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as f:
                    argv = f.read().split(b"\0")
                with open("/proc/%s/stat" % entry) as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if b"--driver-worker" in argv and parent == self.daemon.process.pid:
                pids.append(int(entry))
        return pids

    def test_00_check_config_starts_and_stops_each_worker(self):
        # Its workers inherit a mark in their environment, so other tests' workers do not count.
        mark = "snapmgr-check-%d-%d" % (os.getpid(), time.time_ns())
        checked = subprocess.run([ARGS.snapmgrd, "--check-config", os.path.join(self.daemon.dir, "snapmgr.yaml")],
                                 capture_output=True, text=True, timeout=120,
                                 env=dict(os.environ, SNAPMGR_CHECK_MARK=mark))
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
        for backend in ("healthy", "crashy", "slow"):
            self.assertRegex(checked.stdout, r"node1@%s: driver fake .*, up, in a worker process: running \(pid \d+\)"
                             % backend)
        self.assertEqual(marked_workers(mark), [], "--check-config left no worker behind")

    def test_01_a_crashing_driver_takes_down_nothing_else(self):
        self.assertEqual(len(self.workers()), 3)
        stop = threading.Event()
        results = []  # (status, body) of every healthy listing

        def list_healthy():
            while not stop.is_set():
                status, body = self.request("GET", "manageable_volumes?host=node1@healthy&limit=50")
                results.append((status, body if status != 200 else ""))

        threads = [threading.Thread(target=list_healthy) for _ in range(4)]
        for t in threads:
            t.start()
        crashes = []
        try:
            for _ in range(12):
                crashes.append(self.request("GET", "manageable_volumes?host=node1@crashy"))
                time.sleep(0.25)
        finally:
            stop.set()
            for t in threads:
                t.join()
        self.assertGreater(len(results), 50)
        failed = [r for r in results if r[0] != 200]
        self.assertEqual(failed, [], "the healthy backend had failed requests")
        self.assertIn("was killed by signal 11 (SIGSEGV) during listing volumes", crashes[0][1])
        self.assertIn("fake: list_volumes crashes", crashes[0][1])
        for status, body in crashes:
            self.assertEqual(status, 502, body)
            self.assertTrue("SIGSEGV" in body, body)
        self.assertIsNone(self.daemon.process.poll(), "snapmgrd is running")
        self.assertIn("restarting it in", self.daemon.read_log())

    def test_02_os_services_shows_a_backend_down_while_its_worker_is(self):
        states = set()
        deadline = time.time() + 20
        while time.time() < deadline and "down" not in states:
            self.request("GET", "manageable_volumes?host=node1@crashy")  # keeps it crashing
            status, body = self.request("GET", "os-services")
            self.assertEqual(status, 200, body)
            for service in json.loads(body)["services"]:
                if service["host"] == "node1@crashy":
                    states.add(service["backend_state"])
                else:
                    self.assertEqual(service["backend_state"], "up", service)
            time.sleep(0.3)
        self.assertIn("down", states)

    def wait_volume(self, volume_id, wanted, timeout=30):
        deadline = time.time() + timeout
        shown = None
        while time.time() < deadline:
            status, body = self.request("GET", "volumes/" + volume_id)
            self.assertEqual(status, 200, body)
            shown = json.loads(body)["volume"]
            if shown["status"] == wanted:
                return shown
            time.sleep(0.1)
        self.fail("volume %s stayed %s (wanted %s)" % (volume_id, shown["status"], wanted))

    def adopt(self, name):
        status, body = self.request("POST", "manageable_volumes",
                                    {"volume": {"host": "node1@slow", "ref": {"source-name": name}}})
        self.assertEqual(status, 202, body)
        return json.loads(body)["volume"]["id"]

    def test_03_an_adoption_whose_worker_is_killed_ends_in_error(self):
        worker = self.worker_pid("slow")
        volume_id = self.adopt("volume-s1")
        time.sleep(0.5)  # its adopt step is running in the worker
        os.kill(worker, signal.SIGKILL)
        self.wait_volume(volume_id, "error")
        log = self.daemon.read_log()
        self.assertIn("was killed by signal 9 (SIGKILL) during adopting a volume", log)
        deadline = time.time() + 15
        while time.time() < deadline and self.worker_pid("slow") == worker:
            time.sleep(0.1)
        self.assertNotEqual(self.worker_pid("slow"), worker, "the worker was restarted")
        self.wait_volume(self.adopt("volume-s2"), "available")

    def test_04_no_worker_outlives_its_host(self):
        workers = self.workers()
        self.assertGreaterEqual(len(workers), 2)
        os.kill(self.daemon.process.pid, signal.SIGKILL)
        self.daemon.process.wait(timeout=30)
        deadline = time.time() + 10
        alive = workers
        while time.time() < deadline and alive:
            alive = [pid for pid in workers if os.path.exists("/proc/%d" % pid) and not zombie(pid)]
            time.sleep(0.1)
        self.assertEqual(alive, [], "workers left running after their host was killed")


def marked_workers(mark):
    """Live driver workers whose environment holds SNAPMGR_CHECK_MARK=<mark>."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or zombie(int(entry)):
            continue
        try:
            with open("/proc/%s/environ" % entry, "rb") as f:
                environ = f.read().split(b"\0")
        except OSError:
            continue
        if b"--driver-worker" in cmdline(int(entry)) and ("SNAPMGR_CHECK_MARK=" + mark).encode() in environ:
            found.append(int(entry))
    return found


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().split(b"\0")
    except OSError:
        return []


def zombie(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


if __name__ == "__main__":
    ARGS, rest = daemon_arguments()
    sys.exit(run_tests(rest))
