#!/usr/bin/python3
"""End-to-end test of many nodes with the real OpenStack client: three snapmgrd nodes share one
PostgreSQL 15 catalog (postgres_support.py), each with its own backend — fake ones on nodes 1 and
2, a real lvm2 volume group on a loop device on node 3 (the lvm driver's fixture hook,
tests/fixtures/lvm/hook) — and Debian's python3-cinderclient (/usr/bin/cinder) is pointed at node
1 only. Through node 1 it lists the manageable volumes and snapshots of nodes 2 and 3 (the same
tables as asking them directly), adopts a volume and a snapshot of each (`show` until available;
on node 3 lvm2 renames the logical volumes), sees the snapshot `already managed`, unmanages both,
and `service-list` shows every node's backend up.

Run: /usr/bin/python3 cinderclient_multi_node_test.py --snapmgrd build/snapmgrd --plugin-dir build/plugins
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from cinderclient_e2e_test import as_dict, table_rows
from e2e_support import Snapmgrd, daemon_arguments, run_tests
from postgres_support import NODE_CONFIG, PostgresServer

CINDER = "/usr/bin/cinder"
ARGS = None
SECRET = "cinderclient-multi-node-secret"

# The node configuration (postgres_support.NODE_CONFIG) and this script's backends.
CONFIG = NODE_CONFIG + """  - name: %(backend)s
"""

FAKE_BACKEND = """    driver: fake
    options:
      volumes:
        - {{name: %(volume)s, size_bytes: 2147483648}}
      snapshots:
        - {{name: %(snapshot)s, size_bytes: 1073741824, origin: %(volume)s}}
"""

# The lvm fixture's options, with the volume group `hook setup` printed.
LVM_BACKEND = """    driver: lvm
    options:
      lvm_binary: lvm
      lvm_system_dir: %(fixture)s/etc-lvm
      command_timeout_s: 30
      volume_group: %(volume_group)s
"""

LVM_HOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "lvm", "hook")

# host, backend, a volume and one of its snapshots (vol-a and snap-a1 are the lvm fixture's).
NODES = [
    ("node1", "fake1", "volume-11111111-1111-1111-1111-111111111111", "snap1"),
    ("node2", "fake2", "volume-22222222-2222-2222-2222-222222222222", "snap2"),
    ("node3", "lvm3", "vol-a", "snap-a1"),
]


def lvm_hook(verb, fixture):
    return subprocess.run([LVM_HOOK, verb], capture_output=True, text=True, timeout=180,
                          env=dict(os.environ, SNAPMGR_FIXTURE_DIR=fixture,
                                   SNAPMGR_FIXTURE_OWNER_PID=str(os.getpid())))


class CinderclientMultiNode(unittest.TestCase):
    state = {}

    @classmethod
    def setUpClass(cls):
        cls.postgres = PostgresServer()
        cls.secret_dir = tempfile.mkdtemp(prefix="snapmgr-secret-%d-" % os.getpid(), dir="/tmp")
        secret_file = os.path.join(cls.secret_dir, "internal.secret")
        with open(secret_file, "w") as f:
            f.write(SECRET + "\n")
        url = cls.postgres.create_database("nodes")
        cls.nodes = []
        cls.lvm_fixture = os.path.join(cls.secret_dir, "lvm")
        os.mkdir(cls.lvm_fixture)
        try:
            setup = lvm_hook("setup", cls.lvm_fixture)
            if setup.returncode != 0:
                raise RuntimeError("lvm hook setup failed: " + setup.stderr)
            volume_group = setup.stdout.split("volume_group:")[1].split()[0]
            for host, backend, volume, snapshot in NODES:
                values = {"host": host, "plugins": ARGS.plugin_dir, "report_interval_s": 1, "service_down_time_s": 5,
                          "secret_file": secret_file, "url": url,
                          "backend": backend, "volume": volume, "snapshot": snapshot,
                          "fixture": cls.lvm_fixture, "volume_group": volume_group}
                config = (CONFIG + (LVM_BACKEND if backend.startswith("lvm") else FAKE_BACKEND)) % values
                cls.nodes.append(Snapmgrd(ARGS.snapmgrd, config, "snapmgr-multi-" + host))
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for node in cls.nodes:
            node.stop_and_clean()
        teardown = lvm_hook("teardown", cls.lvm_fixture)
        cls.postgres.stop()
        shutil.rmtree(cls.secret_dir, ignore_errors=True)
        if teardown.returncode != 0:
            raise RuntimeError("lvm hook teardown failed: " + teardown.stderr)

    def cinder(self, *args, node=0, version="3.8", expect=0):
        env = {k: v for k, v in os.environ.items() if not k.startswith("OS_") and not k.startswith("CINDER")}
        command = [CINDER, "--os-auth-type", "noauth", "--os-user-id", "admin", "--os-project-id", "p1",
                   "--os-endpoint", "http://127.0.0.1:%d/v3/p1" % self.nodes[node].port,
                   "--os-volume-api-version", version] + list(args)
        r = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
        if expect is not None:
            self.assertEqual(r.returncode, expect,
                             "%s\nstdout:\n%s\nstderr:\n%s" % (" ".join(args), r.stdout, r.stderr))
        return r.stdout + r.stderr

    def wait_status(self, command, ident, wanted):
        deadline = time.time() + 60
        status = None
        while time.time() < deadline:
            status = as_dict(self.cinder(command, ident)).get("status")
            if status == wanted:
                return
            time.sleep(0.3)
        self.fail("%s %s stayed %s (wanted %s)" % (command, ident, status, wanted))

    def wait_gone(self, command, ident):
        """Polls `cinder <command> <ident>` through node 1 until it says the object does not exist."""
        deadline = time.time() + 60
        while time.time() < deadline:
            out = self.cinder(command, ident, expect=None)
            if "No %s with a name or ID of '%s' exists." % ("snapshot" if "snapshot" in command else "volume",
                                                              ident) in out:
                return
            time.sleep(0.3)
        self.fail("%s %s still exists" % (command, ident))

    def test_01_service_list_shows_every_nodes_backend(self):
        rows = table_rows(self.cinder("service-list"))
        hosts = {row[1]: row for row in rows}
        self.assertEqual(sorted(hosts), ["node1@fake1", "node2@fake2", "node3@lvm3"])
        for row in rows:
            self.assertEqual(row[0], "cinder-volume")
            self.assertEqual(row[4], "up", row)

    def test_02_listings_of_nodes_two_and_three_through_node_one(self):
        for index in (1, 2):
            host, backend, volume, snapshot = NODES[index]
            service = "%s@%s" % (host, backend)
            volumes = self.cinder("manageable-list", service)
            self.assertIn(volume, volumes)
            self.assertEqual(volumes, self.cinder("manageable-list", service, node=index))
            snapshots = self.cinder("snapshot-manageable-list", service)
            self.assertIn(snapshot, snapshots)
            self.assertEqual(snapshots, self.cinder("snapshot-manageable-list", service, node=index))

    def test_03_adopt_and_unmanage_objects_of_nodes_two_and_three_through_node_one(self):
        for index in (1, 2):
            host, backend, volume, snapshot = NODES[index]
            service = "%s@%s" % (host, backend)
            name = "vol-" + host
            adopted = as_dict(self.cinder("manage", "--name", name, service, volume))
            self.wait_status("show", adopted["id"], "available")
            self.assertEqual(as_dict(self.cinder("show", adopted["id"]))["os-vol-host-attr:host"],
                             "%s#%s" % (service, backend))
            snap = as_dict(self.cinder("snapshot-manage", name, snapshot, "--name", "snap-" + host))
            self.wait_status("snapshot-show", snap["id"], "available")
            listed = self.cinder("snapshot-manageable-list", service)
            managed = [row for row in table_rows(listed) if snap["id"] in row]
            self.assertEqual(len(managed), 1, listed)
            self.assertIn("already managed", managed[0])

            self.cinder("snapshot-unmanage", snap["id"])
            self.wait_gone("snapshot-show", snap["id"])
            self.cinder("unmanage", adopted["id"])
            self.wait_gone("show", adopted["id"])
            self.assertNotIn(snap["id"], self.cinder("snapshot-manageable-list", service).replace(
                "_snapshot-" + snap["id"], ""))
            if backend.startswith("lvm"):
                log = self.nodes[index].read_log()
                self.assertRegex(log, r"lvm: renamed volume \S+/%s to volume-%s" % (volume, adopted["id"]))
                self.assertRegex(log, r"lvm: renamed snapshot \S+/%s to _snapshot-%s" % (snapshot, snap["id"]))
            else:
                self.assertIn("fake: released volume " + adopted["id"], self.nodes[index].read_log())

    def test_04_the_secret_is_in_no_log(self):
        for owner in self.nodes[1:]:
            self.assertIn("forwarded request, served as the caller's request", owner.read_log())
        for node in self.nodes:
            self.assertNotIn(SECRET, node.read_log())


if __name__ == "__main__":
    ARGS, rest = daemon_arguments()
    sys.exit(run_tests(rest))
