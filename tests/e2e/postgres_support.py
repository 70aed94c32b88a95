"""A throwaway PostgreSQL 15 server for the Python end-to-end tests (the recipe of
core/catalog/postgres_test_server.hpp): initdb into a fresh /tmp directory, `postgres` on a free
127.0.0.1 port with its socket in that directory, stopped by PID (SIGINT: fast shutdown) and
dying with the test process. As root, initdb and postgres run as the `postgres` user. Connections
are trusted (no password): the tests need a catalog, not authentication."""
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from e2e_support import die_with_parent

PGBIN = "/usr/lib/postgresql/15/bin"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="snapmgr-pg-py-%d-" % os.getpid(), dir="/tmp")
        self.user = {}
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
            self.user = {"user": entry.pw_uid, "group": entry.pw_gid}
        self.port = free_port()
        data = os.path.join(self.dir, "data")
        subprocess.run([PGBIN + "/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                        "--locale=C.UTF-8", "-N"], check=True, capture_output=True, **self.user)
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.process = subprocess.Popen(
            [PGBIN + "/postgres", "-D", data, "-c", "listen_addresses=127.0.0.1", "-p", str(self.port), "-k",
             self.dir, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent,
            **self.user)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.poll() is not None:
                break
            if subprocess.run(["psql", "-h", self.dir, "-p", str(self.port), "-U", "postgres", "-c", "SELECT 1"],
                              capture_output=True).returncode == 0:
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("PostgreSQL did not start")

    def create_database(self, name):
        subprocess.run(["psql", "-h", self.dir, "-p", str(self.port), "-U", "postgres", "-c",
                        "CREATE DATABASE %s" % name], check=True, capture_output=True)
        return "postgresql://postgres@127.0.0.1:%d/%s" % (self.port, name)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
