#!/usr/bin/python3
"""End-to-end test with the real OpenStack client: Debian's python3-cinderclient (/usr/bin/cinder)
against a real snapmgrd on a free loopback port, with the fake backend.

The steps run in order (unittest sorts the test_NN names) and share one daemon:
adopt a volume (`manage`, `show` until available), list manageable snapshots (summary,
--detailed, --sort/--limit/--offset/--marker, --cluster), adopt one (`snapshot-manage` by volume
name, `snapshot-show` until available), see it `already managed` with its cinder_id,
`snapshot-unmanage` it, and see it safe again; then `service-list` (os-services) with its
filters and microversion-dependent columns. Every command's exit code and output are checked.

Run: /usr/bin/python3 cinderclient_e2e_test.py --snapmgrd build/snapmgrd --plugin-dir build/plugins
(`python3` on PATH may be a build that cannot import Debian's cinderclient.)
"""
import os
import re
import subprocess
import sys
import time
import unittest

from e2e_support import Snapmgrd, daemon_arguments, run_tests

CINDER = "/usr/bin/cinder"
VOLUME = "volume-7c064b34-1e4b-40bd-93ca-4ac5a973661b"
ARGS = None

CONFIG = """
host: node1
listen: 127.0.0.1:0
state_dir: {dir}/state
auth: {{strategy: noauth}}
plugin_path: [{plugins}]
log: {{level: debug}}
backends:
  - name: fake1
    driver: fake
    cluster: c1
    options:
      volumes:
        - {{name: {volume}, size_bytes: 2147483648}}
      snapshots:
        - {{name: lvol0, size_bytes: 1073741824, origin: {volume}}}
        - {{name: lvol1, size_bytes: 1610612736, origin: {volume}, in_use: true}}
        - {{name: snap-a, size_bytes: 3221225472, origin: {volume}}}
        - {{name: snap-b, size_bytes: 536870912, origin: {volume}}}
"""



def table_rows(output):
    """The cells of a prettytable printed by cinderclient, one list per data row."""
    rows = []
    for line in output.splitlines():
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows[1:] if rows else []  # drop the header row


def table_header(output):
    for line in output.splitlines():
        if line.startswith("|"):
            return [cell.strip() for cell in line.strip().strip("|").split("|")]
    return []


def as_dict(output):
    """A `Property | Value` table as a dict."""
    return {row[0]: row[1] for row in table_rows(output) if len(row) >= 2}


class CinderclientEndToEnd(unittest.TestCase):
    state = {}

    @classmethod
    def setUpClass(cls):
        cls.daemon = Snapmgrd(ARGS.snapmgrd, CONFIG.replace("{plugins}", ARGS.plugin_dir).replace("{volume}", VOLUME),
                              "snapmgr-cinderclient")
        cls.port = cls.daemon.port

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop_and_clean()

    def cinder(self, *args, version="3.8", expect=0):
        env = {k: v for k, v in os.environ.items() if not k.startswith("OS_") and not k.startswith("CINDER")}
        command = [CINDER, "--os-auth-type", "noauth", "--os-user-id", "admin", "--os-project-id", "p1",
                   "--os-endpoint", "http://127.0.0.1:%d/v3/p1" % self.port, "--os-volume-api-version", version]
        command += list(args)
        r = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
        self.assertEqual(r.returncode, expect, "%s\nstdout:\n%s\nstderr:\n%s" % (" ".join(args), r.stdout, r.stderr))
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

    def references(self, output):
        header = table_header(output)
        column = header.index("reference")
        return [re.search(r"'source-name': '([^']*)'", row[column]).group(1) for row in table_rows(output)]

    def test_01_adopt_a_volume(self):
        out = self.cinder("manageable-list", "node1@fake1")
        self.assertIn(VOLUME, out)
        out = self.cinder("manage", "--name", "vol1", "node1@fake1", VOLUME)
        volume = as_dict(out)
        self.assertRegex(volume["id"], r"^[0-9a-f-]{36}$")
        self.assertEqual(volume["name"], "vol1")
        self.state["volume_id"] = volume["id"]
        self.wait_status("show", volume["id"], "available")
        shown = as_dict(self.cinder("show", volume["id"]))
        self.assertEqual(shown["size"], "2")

    def test_02_list_manageable_snapshots(self):
        detailed = self.cinder("snapshot-manageable-list", "node1@fake1")
        self.assertEqual(table_header(detailed), ["reference", "size", "safe_to_manage", "source_reference",
                                                  "reason_not_safe", "cinder_id", "extra_info"])
        rows = {self.references(detailed)[i]: row for i, row in enumerate(table_rows(detailed))}
        self.assertEqual(sorted(rows), ["lvol0", "lvol1", "snap-a", "snap-b"])
        self.assertEqual(rows["lvol1"][2], "False")
        self.assertEqual(rows["lvol1"][4], "snapshot in use")
        self.assertEqual(rows["lvol0"][2], "True")
        self.assertEqual(rows["lvol0"][4], "-")
        self.assertEqual(rows["snap-a"][1], "3")
        self.assertEqual(rows["snap-b"][1], "1")  # 0.5 GiB rounds up
        # Default order: reference descending.
        self.assertEqual(self.references(detailed), ["snap-b", "snap-a", "lvol1", "lvol0"])

        summary = self.cinder("snapshot-manageable-list", "--detailed", "False", "node1@fake1")
        self.assertEqual(table_header(summary), ["reference", "size", "safe_to_manage", "source_reference"])

        by_size = ["--sort", "size:asc,reference:asc"]
        self.assertEqual(self.references(self.cinder("snapshot-manageable-list", "node1@fake1", *by_size)),
                         ["lvol0", "snap-b", "lvol1", "snap-a"])
        self.assertEqual(self.references(self.cinder("snapshot-manageable-list", "node1@fake1", *by_size,
                                                     "--limit", "2")), ["lvol0", "snap-b"])
        self.assertEqual(self.references(self.cinder("snapshot-manageable-list", "node1@fake1", *by_size,
                                                     "--offset", "1", "--limit", "2")), ["snap-b", "lvol1"])
        self.assertEqual(self.references(self.cinder("snapshot-manageable-list", "node1@fake1", *by_size,
                                                     "--marker", '{"source-name": "snap-b"}')), ["lvol1", "snap-a"])
        by_cluster = self.cinder("snapshot-manageable-list", "--cluster", "c1", version="3.17")
        self.assertEqual(sorted(self.references(by_cluster)), ["lvol0", "lvol1", "snap-a", "snap-b"])

    def test_03_listing_errors_reach_the_user(self):
        out = self.cinder("snapshot-manageable-list", "node1@nope", expect=1)
        self.assertIn("ERROR: Service cinder-volume could not be found on host node1@nope. (HTTP 404)", out)
        out = self.cinder("snapshot-manageable-list", "node1@fake1", "--sort", "id", expect=1)
        self.assertIn("ERROR: Invalid sort keys passed: id (HTTP 400)", out)
        out = self.cinder("snapshot-manageable-list", "node1@fake1", "--marker", "lvol0", expect=1)
        self.assertIn("ERROR: Invalid input received: marker lvol0 can not be analysed, please use json like format",
                      out)

    def test_04_adopt_a_snapshot(self):
        # By the volume's name: cinderclient resolves it with GET /volumes/detail?all_tenants=1&name=vol1.
        out = self.cinder("snapshot-manage", "vol1", "lvol0", "--name", "n", "--description", "adopted",
                          "--metadata", "a=1")
        snapshot = as_dict(out)
        self.assertRegex(snapshot["id"], r"^[0-9a-f-]{36}$")
        self.assertEqual(snapshot["volume_id"], self.state["volume_id"])
        self.state["snapshot_id"] = snapshot["id"]
        self.wait_status("snapshot-show", snapshot["id"], "available")
        shown = as_dict(self.cinder("snapshot-show", snapshot["id"]))
        self.assertEqual(shown["name"], "n")
        self.assertEqual(shown["description"], "adopted")
        self.assertEqual(shown["size"], "1")
        self.assertIn("'a': '1'", shown["metadata"])

    def test_05_adopted_snapshot_lists_as_already_managed(self):
        snapshot_id = self.state["snapshot_id"]
        out = self.cinder("snapshot-manageable-list", "node1@fake1")
        rows = dict(zip(self.references(out), table_rows(out)))
        row = rows["_snapshot-" + snapshot_id]
        self.assertEqual(row[2], "False")
        self.assertEqual(row[4], "already managed")
        self.assertEqual(row[5], snapshot_id)
        self.assertNotIn("lvol0", rows)
        self.assertIn(snapshot_id, self.cinder("snapshot-list"))

    def test_06_unmanage_makes_it_safe_again(self):
        snapshot_id = self.state["snapshot_id"]
        self.cinder("snapshot-unmanage", snapshot_id)
        deadline = time.time() + 60
        while time.time() < deadline:
            shown = subprocess.run([CINDER, "--os-auth-type", "noauth", "--os-user-id", "admin", "--os-project-id",
                                    "p1", "--os-endpoint", "http://127.0.0.1:%d/v3/p1" % self.port,
                                    "--os-volume-api-version", "3.8", "snapshot-show", snapshot_id],
                                   capture_output=True, text=True, timeout=120)
            if shown.returncode != 0:
                self.assertIn("No snapshot with a name or ID of '%s' exists." % snapshot_id, shown.stderr)
                break
            time.sleep(0.3)
        else:
            self.fail("snapshot %s still exists after unmanage" % snapshot_id)
        out = self.cinder("snapshot-manageable-list", "node1@fake1")
        rows = dict(zip(self.references(out), table_rows(out)))
        row = rows["_snapshot-" + snapshot_id]
        self.assertEqual(row[2], "True")
        self.assertEqual(row[4], "-")  # cinderclient prints null as "-"
        self.assertEqual(row[5], "-")

    def test_07_service_list(self):
        out = self.cinder("service-list")  # 3.8: with the cluster column (3.7)
        self.assertEqual(table_header(out), ["Binary", "Host", "Zone", "Status", "State", "Updated_at", "Cluster",
                                             "Disabled Reason"])
        rows = table_rows(out)
        self.assertEqual(len(rows), 1, out)
        binary, host, zone, status, state, updated_at, cluster, reason = rows[0]
        self.assertEqual((binary, host, zone, status, state, cluster, reason),
                         ("cinder-volume", "node1@fake1", "nova", "enabled", "up", "c1@fake1", "-"))
        self.assertRegex(updated_at, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$")
        out = self.cinder("service-list", "--withreplication", "True", version="3.49")
        self.assertEqual(table_header(out)[-5:], ["Replication Status", "Active Backend ID", "Frozen",
                                                  "Disabled Reason", "Backend State"])
        self.assertEqual(table_rows(out)[0][-5:], ["not-capable", "-", "False", "-", "up"])
        out = self.cinder("service-list", "--host", "node1", "--binary", "cinder-volume", version="3.0")
        self.assertEqual(table_header(out), ["Binary", "Host", "Zone", "Status", "State", "Updated_at",
                                             "Disabled Reason"])
        self.assertEqual([row[1] for row in table_rows(out)], ["node1@fake1"])
        out = self.cinder("service-list", "--binary", "cinder-scheduler")
        self.assertEqual(table_rows(out), [])  # snapmgr has no scheduler service


def main():
    global ARGS
    ARGS, rest = daemon_arguments()
    if not os.access(CINDER, os.X_OK):
        print("%s is missing: install python3-cinderclient (tools/packages/api.txt)" % CINDER, file=sys.stderr)
        return 1
    return run_tests(rest)


if __name__ == "__main__":
    sys.exit(main())
