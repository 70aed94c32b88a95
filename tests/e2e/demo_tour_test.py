#!/usr/bin/python3
"""The demo `tools/dev run` starts, and the README's tour against it.

In a temporary working directory laid out like the repository root (etc/ and build/plugins
linked in), it runs tools/seed-demo and snapmgrd on etc/snapmgr.yaml — the shipped file with one
line changed: `listen` takes a free port instead of 8776, so the test never collides with a
running demo. It checks both demo backends list, then runs the README's tour blocks (the
`cinder` one, then, on a fresh demo, the `curl` one) line by line, as a reader would paste them,
and checks what each step changed. The daemon must still be up afterwards and exit 0 on SIGTERM.

Run: /usr/bin/python3 demo_tour_test.py --root . --build build
"""
import argparse
import json
import os
import pathlib
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

from e2e_support import die_with_parent, run_tests

ARGS = None
HEADERS = {"X-Auth-Token": "admin:p1", "OpenStack-API-Version": "volume 3.8"}



def tour_blocks():
    """The README tour's shell blocks: [cinder block, curl block]."""
    with open(os.path.join(ARGS.root, "README.md")) as f:
        readme = f.read()
    tour = readme[readme.index("## A tour"):]
    tour = tour[:tour.index("\n## ", 1)]
    return re.findall(r"```sh\n(.*?)```", tour, re.S)


class Demo:
    """A seeded demo working directory with snapmgrd running in it."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="snapmgr-demo-")
        os.makedirs(os.path.join(self.dir, "etc"))
        os.makedirs(os.path.join(self.dir, "build"))
        os.symlink(os.path.join(ARGS.build, "plugins"), os.path.join(self.dir, "build", "plugins"))
        shutil.copy(os.path.join(ARGS.root, "etc", "policy.yaml"), os.path.join(self.dir, "etc"))
        with open(os.path.join(ARGS.root, "etc", "snapmgr.yaml")) as f:
            config = f.read()
        assert "listen: 127.0.0.1:8776\n" in config, "the demo config's listen line changed"
        with open(os.path.join(self.dir, "etc", "snapmgr.yaml"), "w") as f:
            f.write(config.replace("listen: 127.0.0.1:8776\n", "listen: 127.0.0.1:0\n"))
        subprocess.run([os.path.join(ARGS.root, "tools", "seed-demo")], cwd=self.dir, check=True,
                       stdout=subprocess.DEVNULL)
        self.log = open(os.path.join(self.dir, "snapmgrd.log"), "w")
        self.proc = subprocess.Popen([os.path.join(ARGS.build, "snapmgrd"), "-c", "etc/snapmgr.yaml"],
                                     cwd=self.dir, stdout=self.log, stderr=subprocess.STDOUT,
                                     preexec_fn=die_with_parent)
        port_file = os.path.join(self.dir, "var", "snapmgrd.port")
        for _ in range(300):
            if os.path.exists(port_file) and pathlib.Path(port_file).read_text().strip():
                break
            if self.proc.poll() is not None:
                raise AssertionError("snapmgrd exited at start-up:\n" + self.read_log())
            time.sleep(0.1)
        else:
            raise AssertionError("snapmgrd wrote no port file:\n" + self.read_log())
        self.port = int(pathlib.Path(port_file).read_text())
        self.api = "http://127.0.0.1:%d/v3/p1" % self.port

    def read_log(self):
        if not self.log.closed:
            self.log.flush()
        with open(os.path.join(self.dir, "snapmgrd.log")) as f:
            return f.read()

    def get(self, path):
        request = urllib.request.Request(self.api + path, headers=HEADERS)
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.load(reply)

    def run_tour(self, block):
        """Runs the block in one bash session, command by command (a command continued on the
        next line stays whole); a failing command is retried for a few seconds, as a reader would
        when an adoption is still running. Returns the transcript."""
        text = block.replace("http://127.0.0.1:8776", "http://127.0.0.1:%d" % self.port)
        commands, current = [], ""
        for line in text.splitlines():
            current += line + "\n"
            if not line.endswith("\\") and current.count("'") % 2 == 0:
                commands.append(current.strip())
                current = ""
        script = ["set -o pipefail",
                  'step() { local i; for i in $(seq 1 20); do eval "$1" && return 0; sleep 0.5; done; '
                  'echo "tour step failed: $1" >&2; return 1; }']
        for command in commands:
            script.append("echo %s" % shlex.quote("$ " + command))
            script.append("step %s || exit 1" % shlex.quote(command))
        run = subprocess.run(["bash", "-c", "\n".join(script)], cwd=self.dir, capture_output=True, text=True,
                             timeout=600)
        if run.returncode != 0:
            raise AssertionError("the tour failed:\n%s\nstderr: %s\nlog:\n%s" %
                                 (run.stdout, run.stderr, self.read_log()))
        return run.stdout

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=60)
        self.log.close()
        return code

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class DemoTour(unittest.TestCase):
    def setUp(self):
        self.demo = Demo()
        self.addCleanup(self.demo.close)

    def snapshots(self):
        return self.demo.get("/manageable_snapshots/detail?host=node1@fake1")["manageable-snapshots"]

    def test_both_demo_backends_list_and_the_daemon_stays_up(self):
        fake = {e["reference"]["source-name"]: e for e in self.snapshots()}
        self.assertEqual(sorted(fake), ["lvol0", "lvol1", "nightly-2026-11-26"])
        self.assertTrue(fake["lvol0"]["safe_to_manage"])
        self.assertEqual(fake["lvol1"]["reason_not_safe"], "snapshot in use")
        nfs = self.demo.get("/manageable_snapshots/detail?host=node1@nfs1")["manageable-snapshots"]
        self.assertEqual(len(nfs), 2)
        self.assertEqual(sorted(e["safe_to_manage"] for e in nfs), [False, True])
        time.sleep(2)
        self.assertIsNone(self.demo.proc.poll(), "snapmgrd exited:\n" + self.demo.read_log())
        self.assertEqual(self.demo.stop(), 0, self.demo.read_log())

    def check_after_tour(self, transcript):
        volumes = self.demo.get("/volumes/detail")["volumes"]
        self.assertEqual([(v["name"], v["status"]) for v in volumes], [("vol1", "available")], transcript)
        for _ in range(100):  # os-unmanage answers 202; unmanaging ends when the row is gone
            if not self.demo.get("/snapshots")["snapshots"]:
                break
            time.sleep(0.1)
        self.assertEqual(self.demo.get("/snapshots")["snapshots"], [], transcript)
        listed = {e["reference"]["source-name"]: e for e in self.snapshots()}
        # lvol0 was adopted (renamed as LVM does), then unmanaged: listed again, safe, no id.
        adopted = [name for name in listed if name.startswith("_snapshot-")]
        self.assertEqual(len(adopted), 1, transcript)
        self.assertTrue(listed[adopted[0]]["safe_to_manage"], transcript)
        self.assertIsNone(listed[adopted[0]]["cinder_id"])
        self.assertEqual(self.demo.stop(), 0, self.demo.read_log())

    def test_the_readme_tour_with_cinder(self):
        transcript = self.demo.run_tour(tour_blocks()[0])
        self.assertIn("already managed", transcript)
        self.check_after_tour(transcript)

    def test_the_readme_tour_with_curl(self):
        transcript = self.demo.run_tour(tour_blocks()[1])
        self.assertIn('"reason_not_safe":"already managed"', transcript)
        self.check_after_tour(transcript)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--build", required=True)
    ARGS, rest = parser.parse_known_args()
    ARGS.root, ARGS.build = os.path.abspath(ARGS.root), os.path.abspath(ARGS.build)
    return run_tests(rest)


if __name__ == "__main__":
    sys.exit(main())
