#!/usr/bin/python3
"""End-to-end test of cluster failover: two snapmgrd nodes (node1, node2) serve one NFS share — a
local directory of Cinder-style images made by qemu-img (raw volume files `volume-<uuid>`, qcow2
snapshot overlays `volume-<uuid>.<snapshot uuid>` backed by them) — as backend `nfs1` of cluster
`c1`, on one PostgreSQL 15 catalog (postgres_support.py); a third node (node3) has only a fake
backend and receives requests for the cluster it does not serve. With report_interval_s 1 and
service_down_time_s 3:

1. `cluster=c1` volume and snapshot listings (microversion 3.17) through every node show the images;
2. a volume adopted through node1 with `cluster=c1` becomes `available`; the members share one
   reference scope, so the same image adopted again through node2 (`host=node2@nfs1` or
   `cluster=c1`) is a 409 naming that volume, and every node lists it `already managed`;
3. node1 is killed (SIGKILL); os-services soon shows node1@nfs1 `down` and node2@nfs1 `up`;
4. `cluster=c1` listings through node2 and node3 still show the images (the adopted one not safe
   to manage), a volume adopted with `cluster=c1` through node3 and one through node2 become
   `available` on node2@nfs1, and so do snapshots of them adopted afterwards; a snapshot of the
   volume node1 adopted (its row on node1@nfs1, down) is adopted through node3 and node2 serves it;
   adopting node1's volume or that snapshot again is still a 409;
5. every volume and snapshot row ends `available`, and the surviving nodes' logs show no crash.

Run: /usr/bin/python3 tests/e2e/cluster_failover_test.py --snapmgrd build/snapmgrd --plugin-dir build/plugins
"""
import http.client
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
import uuid

from e2e_support import Snapmgrd, daemon_arguments, run_tests
from postgres_support import NODE_CONFIG, PostgresServer

ARGS = None
SECRET = "cluster-failover-internal-secret"
PROJECT = "p1"
REPORT_INTERVAL_S = 1
SERVICE_DOWN_TIME_S = 3

# The node configuration; the backends follow.
CONFIG = NODE_CONFIG

NFS_BACKEND = """  - name: nfs1
    driver: nfs
    cluster: c1
    options:
      shares: ['%(share)s']
      command_timeout_s: 10
"""

FAKE_BACKEND = """  - name: fake3
    driver: fake
    options:
      volumes:
        - {{name: volume-33333333-3333-3333-3333-333333333333, size_bytes: 1073741824}}
"""

# Three volumes of the share, each with one snapshot overlay (its Cinder snapshot id last).
VOLUMES = ["volume-" + str(uuid.uuid4()) for _ in range(3)]
SNAPSHOTS = ["%s.%s" % (volume, uuid.uuid4()) for volume in VOLUMES]

# What a surviving node's log must never show.
CRASH_SIGNS = ["Segmentation fault", "Aborted", "terminate called", "AddressSanitizer", "core dumped",
               "std::exception", "assertion", "panic"]


def make_share(directory):
    """The images: raw 64 MiB volumes and a qcow2 overlay of each, as Cinder's NFS driver makes them."""
    for volume, snapshot in zip(VOLUMES, SNAPSHOTS):
        subprocess.run(["qemu-img", "create", "-q", "-f", "raw", os.path.join(directory, volume), "64M"],
                       check=True, capture_output=True)
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", volume, "-F", "raw",
                        os.path.join(directory, snapshot)], check=True, capture_output=True, cwd=directory)


class Reply:
    def __init__(self, status, body):
        self.status = status
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "HTTP %d %s" % (self.status, self.body[:2000])


class ClusterFailover(unittest.TestCase):
    """The tests run in order and share the nodes: test_03 kills node1."""
    adopted = {}  # source-name -> volume id

    @classmethod
    def setUpClass(cls):
        cls.postgres = None
        cls.nodes = []
        cls.killed = set()  # indexes of the nodes the test killed
        cls.dir = tempfile.mkdtemp(prefix="snapmgr-cluster-failover-%d-" % os.getpid(), dir="/tmp")
        try:
            cls.share = os.path.join(cls.dir, "share")
            os.mkdir(cls.share)
            make_share(cls.share)
            secret_file = os.path.join(cls.dir, "internal.secret")
            with open(secret_file, "w") as f:
                f.write(SECRET + "\n")
            os.chmod(secret_file, 0o600)
            cls.postgres = PostgresServer()
            url = cls.postgres.create_database("cluster_failover")
            for host in ("node1", "node2", "node3"):
                values = {"host": host, "plugins": ARGS.plugin_dir, "report_interval_s": REPORT_INTERVAL_S,
                          "service_down_time_s": SERVICE_DOWN_TIME_S, "secret_file": secret_file, "url": url,
                          "share": cls.share}
                config = (CONFIG + (FAKE_BACKEND if host == "node3" else NFS_BACKEND)) % values
                cls.nodes.append(Snapmgrd(ARGS.snapmgrd, config, "snapmgr-cluster-" + host))
        except BaseException:
            try:
                cls.tearDownClass()
            except AssertionError as e:  # the setup's own error is the one to report
                print("teardown after a failed setup: %s" % e, file=sys.stderr)
            raise

    @classmethod
    def tearDownClass(cls):
        """Stops the nodes (a killed one only has its directory left), PostgreSQL, removes the
        temporary directories; fails when a node that was not killed did not exit cleanly."""
        failures = []
        for index, node in enumerate(cls.nodes):
            try:
                if index in cls.killed:
                    node.stop()
                    shutil.rmtree(node.dir, ignore_errors=True)
                else:
                    node.stop_and_clean()
            except AssertionError as e:
                failures.append("node%d: %s" % (index + 1, e))
        cls.nodes = []
        if cls.postgres is not None:
            cls.postgres.stop()
            cls.postgres = None
        shutil.rmtree(cls.dir, ignore_errors=True)
        if failures:
            raise AssertionError("\n".join(failures))

    # --- HTTP ---

    def request(self, node, method, path, body=None, version="3.17"):
        connection = http.client.HTTPConnection("127.0.0.1", self.nodes[node].port, timeout=60)
        headers = {"X-Auth-Token": "admin:" + PROJECT, "OpenStack-API-Version": "volume " + version,
                   "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        try:
            connection.request(method, "/v3/%s/%s" % (PROJECT, path), body=data, headers=headers)
            response = connection.getresponse()
            return Reply(response.status, response.read().decode("utf-8", "replace"))
        finally:
            connection.close()

    def get_ok(self, node, path):
        reply = self.request(node, "GET", path)
        self.assertEqual(reply.status, 200, "GET %s through node%d: %r" % (path, node + 1, reply))
        return reply.json()

    def listing(self, node, kind):
        """The `cluster=c1` detail listing of `kind` ("volumes"/"snapshots") through a node: name -> entry."""
        entries = self.get_ok(node, "manageable_%s/detail?cluster=c1" % kind)["manageable-" + kind]
        names = [entry["reference"]["source-name"] for entry in entries]
        self.assertEqual(len(names), len(set(names)), "each image listed once: %s" % names)
        return {entry["reference"]["source-name"]: entry for entry in entries}

    def check_listings(self, node):
        volumes = self.listing(node, "volumes")
        self.assertEqual(sorted(volumes), sorted(VOLUMES), "node%d" % (node + 1))
        for name, entry in volumes.items():
            self.assertEqual(entry["size"], 1, entry)
            if name in self.adopted:
                # Whichever member adopted it: the catalog's row, in the cluster's reference scope.
                self.assertFalse(entry["safe_to_manage"], entry)
                self.assertEqual(entry["reason_not_safe"], "already managed", entry)
                self.assertEqual(entry["cinder_id"], self.adopted[name], entry)
            else:
                self.assertTrue(entry["safe_to_manage"], entry)
        snapshots = self.listing(node, "snapshots")
        self.assertEqual(sorted(snapshots), sorted(SNAPSHOTS), "node%d" % (node + 1))
        for snapshot, volume in zip(SNAPSHOTS, VOLUMES):
            self.assertEqual(snapshots[snapshot]["source_reference"], {"source-name": volume})
        return volumes, snapshots

    def wait_status(self, node, path, key, wanted, timeout=30):
        deadline = time.time() + timeout
        shown = None
        while time.time() < deadline:
            shown = self.get_ok(node, path)[key]
            if shown["status"] == wanted:
                return shown
            time.sleep(0.2)
        self.fail("%s stayed %s (wanted %s): %s" % (path, shown["status"], wanted, shown))

    def adopt_volume(self, node, name):
        reply = self.request(node, "POST", "manageable_volumes",
                             {"volume": {"cluster": "c1", "ref": {"source-name": name}, "name": "adopted-" + name}})
        self.assertEqual(reply.status, 202, "manage %s through node%d: %r" % (name, node + 1, reply))
        volume = reply.json()["volume"]
        self.assertEqual(volume["status"], "creating", volume)
        shown = self.wait_status(node, "volumes/" + volume["id"], "volume", "available")
        self.adopted[name] = volume["id"]
        return shown

    def refused_again(self, node, kind, body, owner):
        """Adopting an object already managed as `owner`, through `node`: Cinder's 409 naming it."""
        reply = self.request(node, "POST", "manageable_" + kind, body)
        self.assertEqual(reply.status, 409, "%s again through node%d: %r" % (kind, node + 1, reply))
        self.assertIn("is already managed as %s." % owner, reply.json()["conflictingRequest"]["message"], reply)

    def adopt_snapshot(self, node, volume_id, name):
        reply = self.request(node, "POST", "manageable_snapshots",
                             {"snapshot": {"volume_id": volume_id, "ref": {"source-name": name},
                                           "name": "adopted-" + name}})
        self.assertEqual(reply.status, 202, "manage %s through node%d: %r" % (name, node + 1, reply))
        snapshot = reply.json()["snapshot"]
        return self.wait_status(node, "snapshots/" + snapshot["id"], "snapshot", "available")

    def services(self, node):
        services = self.get_ok(node, "os-services")["services"]
        return {service["host"]: service for service in services}

    # --- the tests, in order ---

    def test_01_every_node_lists_the_cluster(self):
        services = self.services(0)
        self.assertEqual(sorted(services), ["node1@nfs1", "node2@nfs1", "node3@fake3"])
        for host, service in services.items():
            self.assertEqual(service["state"], "up", service)
        for node in range(3):
            self.check_listings(node)

    def test_02_adopt_through_node1(self):
        shown = self.adopt_volume(0, VOLUMES[0])
        self.assertIn(shown["os-vol-host-attr:host"], ("node1@nfs1#nfs1", "node2@nfs1#nfs1"), shown)
        for node in range(3):
            self.check_listings(node)
        ref = {"source-name": VOLUMES[0]}
        self.refused_again(1, "volumes", {"volume": {"host": "node2@nfs1", "ref": ref}}, shown["id"])
        self.refused_again(1, "volumes", {"volume": {"cluster": "c1", "ref": ref}}, shown["id"])
        self.refused_again(2, "volumes", {"volume": {"cluster": "c1", "ref": ref}}, shown["id"])

    def test_03_kill_node1_and_its_service_goes_down(self):
        node1 = self.nodes[0]
        os.kill(node1.process.pid, signal.SIGKILL)
        self.killed.add(0)
        self.assertEqual(node1.process.wait(timeout=30), -signal.SIGKILL)
        killed = time.time()
        deadline = killed + SERVICE_DOWN_TIME_S + 10
        services = None
        while time.time() < deadline:
            services = self.services(1)
            if services["node1@nfs1"]["state"] == "down":
                break
            time.sleep(0.2)
        self.assertEqual(services["node1@nfs1"]["state"], "down", services)
        self.assertGreaterEqual(time.time() - killed, SERVICE_DOWN_TIME_S - REPORT_INTERVAL_S - 0.5)
        for node in (1, 2):
            services = self.services(node)
            self.assertEqual(services["node1@nfs1"]["state"], "down", services)
            self.assertEqual(services["node2@nfs1"]["state"], "up", services)
            self.assertEqual(services["node3@fake3"]["state"], "up", services)

    def test_04_listings_and_adoptions_keep_working_through_the_others(self):
        for node in (1, 2):
            self.check_listings(node)
        through_node3 = self.adopt_volume(2, VOLUMES[1])
        self.assertEqual(through_node3["os-vol-host-attr:host"], "node2@nfs1#nfs1", through_node3)
        through_node2 = self.adopt_volume(1, VOLUMES[2])
        self.assertEqual(through_node2["os-vol-host-attr:host"], "node2@nfs1#nfs1", through_node2)
        for node in (1, 2):
            self.check_listings(node)
        self.adopt_snapshot(2, self.adopted[VOLUMES[1]], SNAPSHOTS[1])
        self.adopt_snapshot(1, self.adopted[VOLUMES[2]], SNAPSHOTS[2])
        # node1's volume: its row's service is down; node2, in its cluster, serves its snapshot.
        snapshot = self.adopt_snapshot(2, self.adopted[VOLUMES[0]], SNAPSHOTS[0])
        self.refused_again(1, "snapshots", {"snapshot": {"volume_id": self.adopted[VOLUMES[0]],
                                                         "ref": {"source-name": SNAPSHOTS[0]}}}, snapshot["id"])
        self.refused_again(1, "volumes", {"volume": {"cluster": "c1", "ref": {"source-name": VOLUMES[0]}}},
                           self.adopted[VOLUMES[0]])
        for node in (1, 2):
            snapshots = self.listing(node, "snapshots")
            for index in (0, 1, 2):
                self.assertEqual(snapshots[SNAPSHOTS[index]]["reason_not_safe"], "already managed")

    def test_05_every_row_ends_available_and_no_node_crashed(self):
        volumes = self.get_ok(1, "volumes/detail?all_tenants=1")["volumes"]
        self.assertEqual(sorted(volume["id"] for volume in volumes), sorted(self.adopted.values()))
        for volume in volumes:
            self.assertEqual(volume["status"], "available", volume)
        snapshots = self.get_ok(2, "snapshots/detail?all_tenants=1")["snapshots"]
        self.assertEqual(len(snapshots), 3, snapshots)
        for snapshot in snapshots:
            self.assertEqual(snapshot["status"], "available", snapshot)
        for node in (1, 2):
            self.assertIsNone(self.nodes[node].process.poll(), "node%d is still running" % (node + 1))
            log = self.nodes[node].read_log()
            for sign in CRASH_SIGNS:
                self.assertNotIn(sign, log, "node%d" % (node + 1))
            errors = [line for line in log.splitlines() if re.match(r"\S+Z error ", line)]
            self.assertEqual(errors, [], "node%d logged errors" % (node + 1))
            self.assertNotIn(SECRET, log)
        self.assertIn("forwarded request, served as the caller's request", self.nodes[1].read_log())


if __name__ == "__main__":
    ARGS, rest = daemon_arguments()
    sys.exit(run_tests(rest))
