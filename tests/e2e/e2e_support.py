"""What the Python end-to-end tests share: a snapmgrd in a temporary directory (stopped by PID,
dying with its parent), and the unittest run."""
import argparse
import ctypes
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest


def die_with_parent():
    """preexec_fn for a daemon: it gets SIGTERM if the test process dies abruptly
    (PR_SET_PDEATHSIG = 1)."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def daemon_arguments():
    """The scripts' own arguments (--snapmgrd, --plugin-dir) and the rest, for unittest."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--snapmgrd", required=True)
    parser.add_argument("--plugin-dir", required=True)
    return parser.parse_known_args()


def run_tests(rest):
    """Runs the calling script's tests with `rest` as unittest's arguments; the exit status is 0
    only when every test passed and at least one ran."""
    program = unittest.main(module="__main__", argv=[sys.argv[0]] + rest, exit=False, verbosity=2)
    result = program.result
    print("%d passed, %d failed" % (result.testsRun - len(result.failures) - len(result.errors),
                                    len(result.failures) + len(result.errors)))
    return 0 if result.wasSuccessful() and result.testsRun > 0 else 1


class Snapmgrd:
    """A snapmgrd on `config_text` (formatted with dir=<its temporary directory>) in a fresh
    temporary directory under /tmp, listening on a free loopback port (the config says
    `listen: 127.0.0.1:0`; the port is read from <state>/snapmgrd.port). Stopped by PID."""

    def __init__(self, snapmgrd, config_text, prefix):
        self.dir = tempfile.mkdtemp(prefix="%s-%d-" % (prefix, os.getpid()), dir="/tmp")
        os.makedirs(os.path.join(self.dir, "state"))
        config = os.path.join(self.dir, "snapmgr.yaml")
        with open(config, "w") as f:
            f.write(config_text.format(dir=self.dir))
        self.log_path = os.path.join(self.dir, "snapmgrd.log")
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([snapmgrd, "-c", config], stdout=self.log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)
        port_file = os.path.join(self.dir, "state", "snapmgrd.port")
        deadline = time.time() + 60
        self.port = None
        while time.time() < deadline and self.process.poll() is None:
            try:
                with open(port_file) as f:
                    self.port = int(f.read().strip())
                break
            except (OSError, ValueError):
                time.sleep(0.05)
        if self.port is None:
            self.stop()
            raise RuntimeError("snapmgrd did not start:\n" + self.read_log())

    def stop(self):
        """SIGTERM to the PID (SIGKILL after 60 s); returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not self.log.closed:
            self.log.close()
        return self.process.returncode

    def request(self, method, path, body=None, version="3.8"):
        """One request to /v3/p1/<path> as the noauth admin of p1, on a new connection: (status,
        body as text)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"X-Auth-Token": "admin:p1", "OpenStack-API-Version": "volume " + version}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        try:
            connection.request(method, "/v3/p1/" + path, body=data, headers=headers)
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def read_log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop_and_clean(self):
        """Stops it, removes its directory, and fails when it did not exit cleanly."""
        code = self.stop()
        log = self.read_log()
        shutil.rmtree(self.dir, ignore_errors=True)
        if code != 0:
            raise AssertionError("snapmgrd exited with %s after SIGTERM:\n%s" % (code, log[-4000:]))
