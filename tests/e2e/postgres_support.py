"""A throwaway PostgreSQL 15 server for the Python end-to-end tests (the recipe of
core/catalog/postgres_test_server.hpp): initdb into a fresh /tmp directory, `postgres` on a free
127.0.0.1 port with its socket in that directory, stopped by PID (SIGINT: fast shutdown) and
dying with the test process. As root, initdb and postgres run as the `postgres` user. Connections
are trusted (no password): the tests need a catalog, not authentication. restart() restarts it
with pg_ctl (stop, a gap, start on the same port)."""
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from e2e_support import die_with_parent

PGBIN = "/usr/lib/postgresql/15/bin"


# The start of a snapmgrd node's configuration on a shared catalog, up to `backends:` (the caller
# appends its backends). %(...)s are the caller's (host, plugins, report_interval_s,
# service_down_time_s, secret_file, url); {dir} and the doubled braces are for Snapmgrd's str.format.
NODE_CONFIG = """
host: %(host)s
listen: 127.0.0.1:0
state_dir: {dir}/state
auth: {{strategy: noauth}}
plugin_path: [%(plugins)s]
log: {{level: debug}}
report_interval_s: %(report_interval_s)d
service_down_time_s: %(service_down_time_s)d
listing_max_age_ms: 0
internal_secret_file: %(secret_file)s
catalog: {{url: '%(url)s'}}
backends:
"""


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
        self.data = data
        self.watchdog = None  # after restart(): kills the pg_ctl-started postmaster if we die
        subprocess.run([PGBIN + "/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                        "--locale=C.UTF-8", "-N"], check=True, capture_output=True, **self.user)
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.options = ["-c", "listen_addresses=127.0.0.1", "-p", str(self.port), "-k", self.dir, "-c", "fsync=off",
                        "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        self.process = subprocess.Popen(
            [PGBIN + "/postgres", "-D", data] + self.options,
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

    def restart(self, outage_s=3.0):
        """`pg_ctl restart` with a gap: `pg_ctl stop -m fast` (SIGINT to the postmaster, which ends
        every session), `outage_s` seconds with nothing listening on the port, then `pg_ctl start`
        with the same options on the same port and socket directory; returns once psql connects.
        The new postmaster is pg_ctl's daemon, not our child: a watchdog child of ours (dying with
        us) stops it by the PID in data/postmaster.pid if this process dies; stop() stops it by
        that PID too. Call it from the main thread: the watchdog's parent-death signal follows the
        thread that started it."""
        pg_ctl = PGBIN + "/pg_ctl"
        subprocess.run([pg_ctl, "stop", "-D", self.data, "-m", "fast", "-w", "-t", "30"], check=True,
                       capture_output=True, **self.user)
        if self.watchdog is None:
            self.process.wait(timeout=30)
            pid_file = os.path.join(self.data, "postmaster.pid")
            self.watchdog = subprocess.Popen([sys.executable, "-c", _WATCHDOG, pid_file], stdin=subprocess.DEVNULL,
                                             preexec_fn=die_with_parent)
        time.sleep(outage_s)
        subprocess.run([pg_ctl, "start", "-D", self.data, "-w", "-t", "60", "-l",
                        os.path.join(self.dir, "restarted.log"), "-o", " ".join(self.options)],
                       check=True, capture_output=True, stdin=subprocess.DEVNULL, **self.user)
        if not self._ready(time.time() + 30):
            raise RuntimeError("PostgreSQL did not come back after pg_ctl start")

    def postmaster_pid(self):
        """The PID in data/postmaster.pid's first line, or None when there is none."""
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                return int(f.readline().strip())
        except (OSError, ValueError):
            return None

    def _ready(self, deadline):
        while time.time() < deadline:
            if subprocess.run(["psql", "-h", self.dir, "-p", str(self.port), "-U", "postgres", "-c", "SELECT 1"],
                              capture_output=True).returncode == 0:
                return True
            time.sleep(0.1)
        return False

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.watchdog is not None:
            _stop_by_pid_file(os.path.join(self.data, "postmaster.pid"))
            self.watchdog.kill()
            self.watchdog.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def _stop_by_pid_file(pid_file):
    """SIGINT (fast shutdown) to the postmaster whose PID is pid_file's first line; waits up to 30 s
    for it to remove the file (it is not our child, so it cannot be waited for), then SIGKILL."""
    try:
        with open(pid_file) as f:
            pid = int(f.readline().strip())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, signal.SIGINT)
    except ProcessLookupError:
        return
    deadline = time.time() + 30
    while time.time() < deadline and os.path.exists(pid_file):
        time.sleep(0.05)
    if os.path.exists(pid_file):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# The watchdog restart() leaves: it waits, and on SIGTERM (its parent, the test, died: see
# die_with_parent) stops the postmaster named in the pid file given as its argument.
_WATCHDOG = """
import os, signal, sys, time
def stop(*_):
    try:
        pid = int(open(sys.argv[1]).readline().strip())
        os.kill(pid, signal.SIGINT)
        deadline = time.time() + 30
        while time.time() < deadline and os.path.exists(sys.argv[1]):
            time.sleep(0.05)
        if os.path.exists(sys.argv[1]):
            os.kill(pid, signal.SIGKILL)
    except (OSError, ValueError):
        pass
    os._exit(0)
signal.signal(signal.SIGTERM, stop)
while True:
    signal.pause()
"""
