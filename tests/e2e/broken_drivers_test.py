#!/usr/bin/python3
"""End-to-end test of driver isolation with broken driver plugins (tests/plugins/broken_plugin.cpp),
each backend's driver in a worker process (`isolation: process`), beside one healthy fake backend:

  segfault   its volume listing writes through a null pointer (SIGSEGV);
  abort      its adopt step calls abort() (SIGABRT);
  exitinit   its factory calls exit(0);
  spins      its volume listing loops forever, ignoring the call's deadline;
  garbage    it writes binary garbage to stdout and stderr while it lists;
  leaks      each listing allocates 4 GiB more; its worker's memory_limit_mib is 256.

While wrk drives volume listings of the healthy backend for the whole run, each broken backend
is made to fail in turn. For each: its requests get a 5xx naming the cause (the signal or exit
status and the driver's last lines, or the deadline), its worker is started again, and snapmgrd
never dies. At the end wrk must have had no failed request (no non-2xx answer, no socket error).

Run: /usr/bin/python3 tests/e2e/broken_drivers_test.py --snapmgrd build/snapmgrd
       --plugin-dir build/plugins --broken-dir build/tests/plugins/broken
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from e2e_support import Snapmgrd, run_tests

ARGS = None
SANITIZED = bool(os.environ.get("SNAPMGR_SANITIZED"))
WRK = "/usr/bin/wrk"
BROKEN = ["segfault_in_listing", "abort_in_adoption", "exit_in_init", "spins_in_listing", "stdout_garbage",
          "allocates"]

CONFIG = """host: node1
listen: 127.0.0.1:0
state_dir: {dir}/state
auth: {{strategy: noauth}}
plugin_path: [%(plugins)s, %(broken)s]
call_timeout_s: 4
log: {{level: info, format: text}}
backends:
  - name: healthy
    driver: fake
    isolation: process
    options:
      generate: {{volumes: 500, snapshots: 0, seed: 1}}
  - {{name: segfault, driver: segfault_in_listing, isolation: process}}
  - {{name: abort, driver: abort_in_adoption, isolation: process}}
  - {{name: exitinit, driver: exit_in_init, isolation: process}}
  - {{name: spins, driver: spins_in_listing, isolation: process}}
  - {{name: garbage, driver: stdout_garbage, isolation: process}}
  - {{name: leaks, driver: allocates, isolation: process, worker: {{memory_limit_mib: 256}}}}
"""

WRK_SCRIPT = """
wrk.headers["X-Auth-Token"] = "admin:p1"
wrk.headers["OpenStack-API-Version"] = "volume 3.8"
"""


class BrokenDrivers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Only the plugins these backends name: the broken directory also holds plugins the loader
        # refuses (their own tests).
        cls.plugins = tempfile.mkdtemp(prefix="snapmgr-broken-plugins-")
        for name in BROKEN:
            shutil.copy(os.path.join(ARGS.broken_dir, "libsnapmgr_%s.so" % name), cls.plugins)
        config = CONFIG % {"plugins": ARGS.plugin_dir, "broken": cls.plugins}
        cls.daemon = Snapmgrd(ARGS.snapmgrd, config, "snapmgr-broken")
        script = os.path.join(cls.daemon.dir, "wrk.lua")
        with open(script, "w") as f:
            f.write(WRK_SCRIPT)
        url = "http://127.0.0.1:%d/v3/p1/manageable_volumes?host=node1@healthy&limit=50" % cls.daemon.port
        cls.wrk = subprocess.Popen([WRK, "-t1", "-c4", "-d600s", "--timeout", "10s", "-s", script, url],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   stdin=subprocess.DEVNULL)

    @classmethod
    def tearDownClass(cls):
        if cls.wrk.poll() is None:
            cls.wrk.kill()
            cls.wrk.wait()
        cls.daemon.stop()
        shutil.rmtree(cls.plugins, ignore_errors=True)

    def request(self, method, path, body=None):
        return self.daemon.request(method, path, body)

    def list_volumes(self, backend):
        return self.request("GET", "manageable_volumes?host=node1@%s" % backend)

    def restarted(self, backend, timeout=30):
        """Waits for `backend`'s worker to be running again after a failure; its pid."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = re.findall(r"node1@%s: driver worker \(pid (\d+)\) is running again" % backend,
                               self.daemon.read_log())
            if found:
                return int(found[-1])
            time.sleep(0.1)
        self.fail("the worker of node1@%s was not started again:\n%s" % (backend, self.daemon.read_log()[-3000:]))

    def assert_alive(self):
        self.assertIsNone(self.daemon.process.poll(), "snapmgrd died:\n" + self.daemon.read_log()[-3000:])

    def assert_server_error(self, status, body, *texts):
        self.assertTrue(500 <= status < 600, "%d %s" % (status, body))
        for text in texts:
            self.assertRegex(body, text)

    # As the worker dies under a sanitizer: AddressSanitizer's handler reports a SIGSEGV (the
    # report fills the driver's last lines) and ends the process with status 1, and
    # LeakSanitizer makes an exit with leaks exit 23.
    SEGV = r"(was killed by signal 11 \(SIGSEGV\)|exited with status 1)" if SANITIZED else \
        r"was killed by signal 11 \(SIGSEGV\)"
    EXIT_0 = r"status (0|23)" if SANITIZED else r"status 0"

    def test_1_segfault_in_listing(self):
        status, body = self.list_volumes("segfault")
        self.assert_server_error(status, body, r"backend node1@segfault: the driver's worker \(pid \d+\) "
                                 + self.SEGV + " during listing volumes", r"the driver's last lines: ")
        if not SANITIZED:
            self.assertRegex(body, r"the driver's last lines: .*broken: listing volumes through a null pointer")
        self.assertIn("node1@segfault: broken: listing volumes through a null pointer", self.daemon.read_log())
        self.restarted("segfault")
        self.assert_alive()

    def test_2_abort_in_adoption(self):
        status, body = self.request("POST", "manageable_volumes",
                                    {"volume": {"host": "node1@abort", "ref": {"source-name": "volume-doomed"}}})
        self.assertEqual(status, 202, body)
        volume_id = json.loads(body)["volume"]["id"]
        deadline = time.time() + 30
        shown = None
        while time.time() < deadline:
            status, body = self.request("GET", "volumes/" + volume_id)
            self.assertEqual(status, 200, body)
            shown = json.loads(body)["volume"]["status"]
            if shown != "creating":
                break
            time.sleep(0.1)
        self.assertEqual(shown, "error", "the adoption whose worker died ends in error")
        self.assertRegex(self.daemon.read_log(), r"was killed by signal 6 \(SIGABRT\) during adopting a volume"
                         r".*broken: adopting volume-doomed as %s and aborting" % volume_id)
        self.restarted("abort")
        self.assert_alive()

    def test_3_exit_in_init(self):
        # Its worker exits as its driver is created, at every start, so it is never up; each
        # start is a restart with a longer backoff.
        status, body = self.list_volumes("exitinit")
        self.assert_server_error(status, body, r"backend node1@exitinit is down: its driver's worker \(pid \d+\) "
                                 r"exited with " + self.EXIT_0 + " while the driver was initialising",
                                 r"broken: initialising, then exit\(0\)")
        restarts = r"node1@exitinit: driver worker .*exited with " + self.EXIT_0 + ".*restarting it in"
        deadline = time.time() + 30
        while time.time() < deadline and len(re.findall(restarts, self.daemon.read_log())) < 2:
            time.sleep(0.2)
        self.assertGreaterEqual(len(re.findall(restarts, self.daemon.read_log())), 2, "started again, and again")
        self.assert_alive()

    def test_4_spins_in_listing(self):
        started = time.time()
        status, body = self.list_volumes("spins")
        self.assert_server_error(status, body, r"backend node1@spins: the driver did not finish listing volumes by its "
                                 r"deadline; its worker \(pid \d+\) was killed and is restarted")
        self.assertLess(time.time() - started, 10, "answered soon after the deadline (4 s)")
        self.restarted("spins")
        self.assert_alive()

    def test_5_garbage_on_stdout(self):
        # Its output never reaches the channel: the listing works, the worker stays up.
        status, body = self.list_volumes("garbage")
        self.assertEqual(status, 200, body)
        self.assertIn("volume-garbage", body)
        self.assertIn("node1@garbage: driver output: ", self.daemon.read_log())
        self.assertNotIn("node1@garbage: driver worker", self.daemon.read_log())
        self.assert_alive()

    def test_6_allocates_without_bound(self):
        if SANITIZED:  # AddressSanitizer's shadow memory needs terabytes of address space
            self.assertIn("node1@leaks: worker.memory_limit_mib is not applied: this snapmgrd is built with "
                          "AddressSanitizer", self.daemon.read_log())
            return
        status, body = self.list_volumes("leaks")
        self.assert_server_error(status, body, r"backend node1@leaks: the driver's worker \(pid \d+\) was killed by "
                                 r"signal 6 \(SIGABRT\) during listing volumes")
        self.restarted("leaks")
        self.assert_alive()

    def test_9_the_healthy_backend_had_no_failed_request(self):
        self.wrk.send_signal(signal.SIGINT)
        out, _ = self.wrk.communicate(timeout=60)
        self.assertEqual(self.wrk.returncode, 0, out)
        total = re.search(r"^\s*(\d+) requests in", out, re.M)
        self.assertIsNotNone(total, out)
        self.assertGreater(int(total.group(1)), 100, out)
        self.assertNotIn("Non-2xx or 3xx responses", out)
        self.assertNotIn("Socket errors", out)
        self.assert_alive()


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--snapmgrd", required=True)
    parser.add_argument("--plugin-dir", required=True)
    parser.add_argument("--broken-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    return run_tests(rest)


if __name__ == "__main__":
    sys.exit(main())
