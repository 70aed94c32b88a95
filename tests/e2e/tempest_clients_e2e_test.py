#!/usr/bin/python3
"""End-to-end test with Tempest's own Block Storage v3 service clients (Debian's python3-tempest,
tempest.lib.services.volume.v3) against a real snapmgrd on a free loopback port, with the fake
backend. Every client call validates its response against Tempest's response schema (the
client raises otherwise), so each test is one call of one client that snapmgr serves:

  VolumeManageClient.manage_volume, SnapshotManageClient.manage_snapshot;
  VolumesClient: show_volume, list_volumes (with and without detail), the six volume metadata
  calls, unmanage_volume; SnapshotsClient: show_snapshot, list_snapshots (with and without
  detail), the six snapshot metadata calls, unmanage_snapshot; ServicesClient.list_services
  (with each of its schemas: below 3.7 and from 3.7 with `cluster`, and at 3.49 with
  `backend_state`); and the NotFound paths.

Not covered: the calls of resources snapmgr does not implement (create, delete, attach,
os-services' enable/disable/freeze/thaw/failover, ...).

The clients are built directly on a no-auth AuthProvider (token "admin:<project>", base URL
http://127.0.0.1:PORT/v3/<project>), so nothing talks to Keystone. The steps run in order
(unittest sorts the test_NN names) and share one daemon.

Run: /usr/bin/python3 tempest_clients_e2e_test.py --snapmgrd build/snapmgrd --plugin-dir build/plugins
"""
import sys
import time
import unittest

from e2e_support import Snapmgrd, daemon_arguments, run_tests

from tempest.lib import auth
from tempest.lib import exceptions as lib_exc
from tempest.lib.services.volume import base_client
from tempest.lib.services.volume.v3 import services_client
from tempest.lib.services.volume.v3 import snapshot_manage_client
from tempest.lib.services.volume.v3 import snapshots_client
from tempest.lib.services.volume.v3 import volume_manage_client
from tempest.lib.services.volume.v3 import volumes_client

ARGS = None
PROJECT = "6f70656e737461636b20726f636b7321"  # Keystone-style project id
VOLUME = "volume-0f9d5c2e-3f3b-4e0a-9a51-7b1d2a6c9e11"
MISSING = "00000000-0000-4000-8000-00000000beef"

CONFIG = """
host: node1
listen: 127.0.0.1:0
state_dir: {{dir}}/state
auth: {{{{strategy: noauth}}}}
plugin_path: [{plugins}]
log: {{{{level: debug}}}}
backends:
  - name: tempest1
    driver: fake
    pool: gold
    options:
      volumes:
        - {{{{name: {volume}, size_bytes: 2147483648}}}}
      snapshots:
        - {{{{name: tempest-snap, size_bytes: 1073741824, origin: {volume}}}}}
"""


class NoAuthProvider(auth.AuthProvider):
    """Cinder's noauth: the token is "<user>:<project>"; the base URL is fixed."""

    def __init__(self, base_url, user, project):
        self._base_url = base_url
        self._token = "%s:%s" % (user, project)
        super().__init__(credentials=None)

    @classmethod
    def check_credentials(cls, credentials):
        return True  # no credentials: nothing to check

    def _get_auth(self):
        return self._token, {}

    def clear_auth(self):
        self.cache = None  # there are no credentials to reset

    def _fill_credentials(self, auth_data_body):
        pass

    def is_expired(self, auth_data):
        return False

    def base_url(self, filters, auth_data=None):
        return self._base_url

    def _decorate_request(self, filters, method, url, headers=None, body=None, auth_data=None):
        token, _ = auth_data if auth_data is not None else self.get_auth()
        decorated = dict(headers or {})
        decorated["X-Auth-Token"] = token
        return "%s/%s" % (self._base_url, url) if url else self._base_url, decorated, body


class TempestClients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        config = CONFIG.format(plugins=ARGS.plugin_dir, volume=VOLUME)
        cls.daemon = Snapmgrd(ARGS.snapmgrd, config, "snapmgr-tempest")
        try:
            cls.make_clients()
        except Exception:
            cls.daemon.stop_and_clean()
            raise

    @classmethod
    def make_clients(cls):
        provider = NoAuthProvider("http://127.0.0.1:%d/v3/%s" % (cls.daemon.port, PROJECT), "admin", PROJECT)
        common = dict(auth_provider=provider, service="volumev3", region="RegionOne", build_interval=0.2,
                      build_timeout=60)
        cls.volumes = volumes_client.VolumesClient(**common)
        cls.snapshots = snapshots_client.SnapshotsClient(**common)
        cls.volume_manage = volume_manage_client.VolumeManageClient(**common)
        cls.snapshot_manage = snapshot_manage_client.SnapshotManageClient(**common)
        cls.services = services_client.ServicesClient(**common)
        cls.volume_id = None
        cls.snapshot_id = None

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop_and_clean()

    def wait_available(self, show, key, ident):
        deadline = time.time() + 60
        while time.time() < deadline:
            status = show(ident)[key]["status"]
            if status != "creating":
                self.assertEqual(status, "available")
                return
            time.sleep(0.1)
        self.fail("%s %s still creating after 60 s" % (key, ident))

    def assert_fault(self, context, message):
        self.assertEqual(context.exception.resp_body["message"], message)

    # Volumes.

    def test_01_manage_volume(self):
        body = self.volume_manage.manage_volume(host="node1@tempest1", ref={"source-name": VOLUME},
                                                name="tempest-vol", metadata={"origin": "tempest"})
        self.assertEqual(body.response.status, 202)
        volume = body["volume"]
        self.assertEqual(volume["name"], "tempest-vol")
        self.assertEqual(volume["metadata"], {"origin": "tempest"})
        type(self).volume_id = volume["id"]
        self.wait_available(self.volumes.show_volume, "volume", volume["id"])

    def test_02_show_volume(self):
        volume = self.volumes.show_volume(self.volume_id)["volume"]
        # Tempest's schema: '.+@.+#.+'; the pool is the backend's configured one.
        self.assertEqual(volume["os-vol-host-attr:host"], "node1@tempest1#gold")
        self.assertEqual(volume["os-vol-tenant-attr:tenant_id"], PROJECT)
        self.assertEqual(volume["size"], 2)

    def test_03_list_volumes(self):
        volumes = self.volumes.list_volumes()["volumes"]
        self.assertEqual([v["id"] for v in volumes], [self.volume_id])
        self.assertEqual(set(volumes[0]), {"id", "name", "links"})

    def test_04_list_volumes_with_detail(self):
        volumes = self.volumes.list_volumes(detail=True)["volumes"]
        self.assertEqual([v["id"] for v in volumes], [self.volume_id])
        self.assertEqual(volumes[0]["status"], "available")

    def test_05_create_volume_metadata(self):
        body = self.volumes.create_volume_metadata(self.volume_id, {"a": "1", "b": "2"})
        self.assertEqual(body["metadata"], {"origin": "tempest", "a": "1", "b": "2"})

    def test_06_show_volume_metadata(self):
        self.assertEqual(self.volumes.show_volume_metadata(self.volume_id)["metadata"],
                         {"origin": "tempest", "a": "1", "b": "2"})

    def test_07_update_volume_metadata(self):
        body = self.volumes.update_volume_metadata(self.volume_id, {"c": "3", "d": "4"})
        self.assertEqual(body["metadata"], {"c": "3", "d": "4"})

    def test_08_update_volume_metadata_item(self):
        body = self.volumes.update_volume_metadata_item(self.volume_id, "c", {"c": "three"})
        self.assertEqual(body["meta"], {"c": "three"})

    def test_09_show_volume_metadata_item(self):
        self.assertEqual(self.volumes.show_volume_metadata_item(self.volume_id, "c")["meta"], {"c": "three"})

    def test_10_delete_volume_metadata_item(self):
        body = self.volumes.delete_volume_metadata_item(self.volume_id, "d")
        self.assertEqual(body.response.status, 200)
        self.assertEqual(self.volumes.show_volume_metadata(self.volume_id)["metadata"], {"c": "three"})

    def test_11_volume_metadata_errors(self):
        with self.assertRaises(lib_exc.BadRequest) as bad_key:
            self.volumes.create_volume_metadata(self.volume_id, {"a*b": "v"})
        self.assert_fault(bad_key, "Invalid input for field/attribute metadata. Value: {'a*b': 'v'}. 'a*b' does not "
                                   "match any of the regexes: '^[a-zA-Z0-9-_:. /]{1,255}$'")
        with self.assertRaises(lib_exc.BadRequest) as long_value:
            self.volumes.update_volume_metadata(self.volume_id, {"k": "v" * 256})
        self.assert_fault(long_value, "Invalid input for field/attribute k. Value: %s. '%s' is too long"
                          % ("v" * 256, "v" * 256))
        with self.assertRaises(lib_exc.BadRequest) as mismatch:
            self.volumes.update_volume_metadata_item(self.volume_id, "c", {"other": "v"})
        self.assert_fault(mismatch, "Request body and URI mismatch")

    def test_12_volume_not_found(self):
        with self.assertRaises(lib_exc.NotFound) as missing:
            self.volumes.show_volume(MISSING)
        self.assert_fault(missing, "Volume %s could not be found." % MISSING)
        with self.assertRaises(lib_exc.NotFound) as metadata:
            self.volumes.show_volume_metadata(MISSING)
        self.assert_fault(metadata, "Volume %s could not be found." % MISSING)
        with self.assertRaises(lib_exc.NotFound) as key:
            self.volumes.show_volume_metadata_item(self.volume_id, "nokey")
        self.assert_fault(key, "Volume %s has no metadata with key nokey." % self.volume_id)
        with self.assertRaises(lib_exc.NotFound) as delete:
            self.volumes.delete_volume_metadata_item(self.volume_id, "nokey")
        self.assert_fault(delete, "Volume %s has no metadata with key nokey." % self.volume_id)
        self.assertFalse(self.volumes.is_resource_deleted(self.volume_id))
        self.assertTrue(self.volumes.is_resource_deleted(MISSING))

    # Snapshots.

    def test_20_manage_snapshot(self):
        body = self.snapshot_manage.manage_snapshot(volume_id=self.volume_id, ref={"source-name": "tempest-snap"},
                                                    name="tempest-snap", description="adopted by tempest",
                                                    metadata={"s": "1"})
        self.assertEqual(body.response.status, 202)
        snapshot = body["snapshot"]
        self.assertEqual((snapshot["volume_id"], snapshot["metadata"]), (self.volume_id, {"s": "1"}))
        type(self).snapshot_id = snapshot["id"]
        self.wait_available(self.snapshots.show_snapshot, "snapshot", snapshot["id"])

    def test_21_show_snapshot(self):
        snapshot = self.snapshots.show_snapshot(self.snapshot_id)["snapshot"]
        self.assertEqual(snapshot["size"], 1)
        self.assertEqual(snapshot["os-extended-snapshot-attributes:project_id"], PROJECT)

    def test_22_list_snapshots(self):
        snapshots = self.snapshots.list_snapshots()["snapshots"]
        self.assertEqual([s["id"] for s in snapshots], [self.snapshot_id])
        self.assertNotIn("os-extended-snapshot-attributes:progress", snapshots[0])

    def test_23_list_snapshots_with_detail(self):
        snapshots = self.snapshots.list_snapshots(detail=True)["snapshots"]
        self.assertEqual([s["id"] for s in snapshots], [self.snapshot_id])
        self.assertEqual(snapshots[0]["os-extended-snapshot-attributes:progress"], "0%")

    def test_24_create_snapshot_metadata(self):
        body = self.snapshots.create_snapshot_metadata(self.snapshot_id, {"a": "1"})
        self.assertEqual(body["metadata"], {"s": "1", "a": "1"})

    def test_25_show_snapshot_metadata(self):
        self.assertEqual(self.snapshots.show_snapshot_metadata(self.snapshot_id)["metadata"], {"s": "1", "a": "1"})

    def test_26_update_snapshot_metadata(self):
        body = self.snapshots.update_snapshot_metadata(self.snapshot_id, metadata={"x": "1", "y": "2"})
        self.assertEqual(body["metadata"], {"x": "1", "y": "2"})

    def test_27_update_snapshot_metadata_item(self):
        body = self.snapshots.update_snapshot_metadata_item(self.snapshot_id, "x", meta={"x": "one"})
        self.assertEqual(body["meta"], {"x": "one"})

    def test_28_show_snapshot_metadata_item(self):
        self.assertEqual(self.snapshots.show_snapshot_metadata_item(self.snapshot_id, "x")["meta"], {"x": "one"})

    def test_29_delete_snapshot_metadata_item(self):
        body = self.snapshots.delete_snapshot_metadata_item(self.snapshot_id, "y")
        self.assertEqual(body.response.status, 200)
        self.assertEqual(self.snapshots.show_snapshot_metadata(self.snapshot_id)["metadata"], {"x": "one"})

    def test_30_snapshot_metadata_errors(self):
        with self.assertRaises(lib_exc.OverLimit) as long_key:
            self.snapshots.create_snapshot_metadata(self.snapshot_id, {"k" * 256: "v"})
        self.assert_fault(long_key, "Invalid metadata size: Metadata property key %s greater than 255 characters."
                          % ("k" * 256))
        with self.assertRaises(lib_exc.OverLimit) as long_value:
            self.snapshots.update_snapshot_metadata(self.snapshot_id, metadata={"k": "v" * 256})
        self.assert_fault(long_value, "Invalid metadata size: Metadata property key k value greater than 255 "
                                      "characters.")
        with self.assertRaises(lib_exc.BadRequest) as empty_key:
            self.snapshots.create_snapshot_metadata(self.snapshot_id, {"": "v"})
        self.assert_fault(empty_key, "Invalid metadata: Invalid input received: Metadata key:  has 0 characters, "
                                     "less than 1.")
        with self.assertRaises(lib_exc.BadRequest) as not_a_dict:
            self.snapshots.update_snapshot_metadata(self.snapshot_id, metadata="x")
        self.assert_fault(not_a_dict, "Missing required element 'metadata' in request body.")
        with self.assertRaises(lib_exc.BadRequest) as too_many:
            self.snapshots.update_snapshot_metadata_item(self.snapshot_id, "x", meta={"x": "1", "z": "2"})
        self.assert_fault(too_many, "Request body contains too many items")
        self.assertEqual(self.snapshots.show_snapshot_metadata(self.snapshot_id)["metadata"], {"x": "one"})

    def test_31_snapshot_not_found(self):
        with self.assertRaises(lib_exc.NotFound) as missing:
            self.snapshots.show_snapshot(MISSING)
        self.assert_fault(missing, "Snapshot %s could not be found." % MISSING)
        with self.assertRaises(lib_exc.NotFound) as metadata:
            self.snapshots.create_snapshot_metadata(MISSING, {"a": "1"})
        self.assert_fault(metadata, "Snapshot %s could not be found." % MISSING)
        with self.assertRaises(lib_exc.NotFound) as key:
            self.snapshots.show_snapshot_metadata_item(self.snapshot_id, "nokey")
        self.assert_fault(key, "Snapshot %s has no metadata with key nokey." % self.snapshot_id)
        with self.assertRaises(lib_exc.NotFound):
            self.snapshots.unmanage_snapshot(MISSING)

    # Unmanage, snapshot first (a volume with a live snapshot cannot be unmanaged).

    def test_40_unmanage_snapshot(self):
        body = self.snapshots.unmanage_snapshot(self.snapshot_id)
        self.assertEqual(body.response.status, 202)
        self.snapshots.wait_for_resource_deletion(self.snapshot_id)
        self.assertEqual(self.snapshots.list_snapshots()["snapshots"], [])

    def test_41_unmanage_volume(self):
        body = self.volumes.unmanage_volume(self.volume_id)
        self.assertEqual(body.response.status, 202)
        self.volumes.wait_for_resource_deletion(self.volume_id)
        with self.assertRaises(lib_exc.NotFound):
            self.volumes.unmanage_volume(self.volume_id)

    # Services (os-services): the client picks Tempest's schema by the module's microversion.

    def list_services_at(self, microversion, **params):
        saved = base_client.VOLUME_MICROVERSION
        base_client.VOLUME_MICROVERSION = microversion
        try:
            return self.services.list_services(**params)
        finally:
            base_client.VOLUME_MICROVERSION = saved

    def test_50_list_services(self):
        for microversion in (None, "3.6"):  # the base schema: no `cluster` allowed
            services = self.list_services_at(microversion)["services"]
            self.assertEqual(len(services), 1)
            self.assertEqual(services[0]["binary"], "cinder-volume")
            self.assertEqual(services[0]["host"], "node1@tempest1")
            self.assertEqual(services[0]["state"], "up")
            self.assertNotIn("cluster", services[0])
        services = self.list_services_at("3.7")["services"]  # Tempest's v3_7 schema
        self.assertIsNone(services[0]["cluster"])
        services = self.list_services_at("3.49")["services"]
        self.assertEqual(services[0]["backend_state"], "up")

    def test_51_list_services_filters(self):
        body = self.list_services_at("3.7", host="node1", binary="cinder-volume")
        self.assertEqual([s["host"] for s in body["services"]], ["node1@tempest1"])
        self.assertEqual(self.list_services_at("3.7", binary="cinder-scheduler")["services"], [])
        self.assertEqual(self.list_services_at("3.7", host="node2")["services"], [])


def main():
    global ARGS
    ARGS, rest = daemon_arguments()
    return run_tests(rest)


if __name__ == "__main__":
    sys.exit(main())
