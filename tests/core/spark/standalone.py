"""A standalone Spark cluster on this computer for the tests: a master and workers, each a JVM of
its own started by the pyspark package's `bin/spark-class`, bound to 127.0.0.1 on ports chosen at
run time, with their logs, work and scratch folders under one folder of the test's.

`StandaloneCluster(folder, workers=2).start()` waits (each wait with a deadline) until the master
says where it listens and every worker is registered with it (the master's JSON UI); `stop()`
kills every process group it started (the JVMs and the executors they launched), waits for them
and returns the processes still in those groups (`ps`), which must be none. `run(argv, timeout)`
runs a driver command (`w2vstudio train --master URL ...`) in a process group of its own, killed
with the cluster. `logs()` is the tail of every log, for a failure's message.
`skip_unless_spark_runs()` skips a test where pyspark or Java is missing."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

MASTER = "org.apache.spark.deploy.master.Master"
WORKER = "org.apache.spark.deploy.worker.Worker"
STARTED = re.compile(r"Starting Spark master at (spark://\S+)")
UI_PORT = re.compile(r"Bound MasterWebUI to \S+, and started at http://[^\s:]+:(\d+)")
LOG_TAIL = 4000  # characters of each log shown on a failure


class ClusterError(AssertionError):
    """The cluster did not come up in time, or left a process behind."""


def skip_unless_spark_runs() -> None:
    """Skip the test (pytest.skip, saying why) without pyspark or without Java."""
    pytest.importorskip("pyspark", reason="the spark extra is not installed", exc_type=ImportError)
    home = os.environ.get("JAVA_HOME")
    if not (os.access(os.path.join(home, "bin", "java"), os.X_OK) if home else shutil.which("java")):
        pytest.skip("Spark needs Java 17 or later: no java on the PATH or in JAVA_HOME")


def spark_class() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent / "bin" / "spark-class"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StandaloneCluster:
    def __init__(self, folder: Path, workers: int = 2, worker_memory: str = "768m", wait_s: float = 180):
        self.folder, self.workers, self.worker_memory, self.wait_s = folder, workers, worker_memory, wait_s
        self.url = self.ui = ""
        self.work_dirs = [folder / f"worker-{k + 1}" for k in range(workers)]
        self._procs: list[subprocess.Popen] = []
        self._logs: list[Path] = []
        for sub in ("conf", "local", *(d.name for d in self.work_dirs)):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        self.env = dict(os.environ, SPARK_HOME=str(spark_class().parent.parent), SPARK_LOCAL_IP="127.0.0.1",
                        SPARK_CONF_DIR=str(folder / "conf"), SPARK_LOCAL_DIRS=str(folder / "local"),
                        SPARK_DAEMON_MEMORY="256m",
                        SPARK_MASTER_OPTS="-Dspark.master.rest.enabled=false")  # no fixed port 6066

    # -- starting and stopping ---------------------------------------------------------------------
    def start(self) -> StandaloneCluster:
        master_log = self._spawn("master", [str(spark_class()), MASTER, "--host", "127.0.0.1",
                                            "--port", str(free_port()), "--webui-port", str(free_port())])
        self.url = self._wait_for(lambda: _found(STARTED, master_log), "the master to start")
        self.ui = f"http://127.0.0.1:{self._wait_for(lambda: _found(UI_PORT, master_log), 'the master web UI')}"
        for k, work in enumerate(self.work_dirs):
            self._spawn(f"worker-{k + 1}", [str(spark_class()), WORKER, self.url, "--host", "127.0.0.1",
                                            "--port", "0", "--webui-port", str(free_port()), "--cores", "1",
                                            "--memory", self.worker_memory, "--work-dir", str(work)])
        self._wait_for(lambda: self.state()["aliveworkers"] == self.workers or None,
                       f"{self.workers} workers to register with the master")
        return self

    def run(self, argv: list[str], env: dict, timeout: float) -> subprocess.CompletedProcess:
        """A driver command, killed (with its JVM) after `timeout` seconds."""
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        self._procs.append(proc)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            out, err = proc.communicate()
            raise ClusterError(f"the driver ran past {timeout:.0f} s: {argv}\n{err[-LOG_TAIL:]}\n{self.logs()}") from None
        return subprocess.CompletedProcess(argv, proc.returncode, out, err)

    def stop(self) -> list[str]:
        """Kill every process group started (TERM, then KILL); the processes left in them."""
        for proc in reversed(self._procs):
            _kill_group(proc)
        deadline = time.monotonic() + 30
        while (left := self.left_running()) and time.monotonic() < deadline:
            time.sleep(0.5)
        return left

    def left_running(self) -> list[str]:
        """`ps` lines of the live (not zombie) processes in the groups started."""
        groups = {proc.pid for proc in self._procs}  # each the leader of its session and group
        table = subprocess.run(["ps", "-eo", "pgid=,pid=,stat=,args="], capture_output=True, text=True,
                               check=True).stdout
        return [line.strip()[:200] for line in table.splitlines()
                if (cols := line.split(None, 3)) and int(cols[0]) in groups and not cols[2].startswith("Z")]

    # -- looking at it -----------------------------------------------------------------------------
    def state(self) -> dict:
        """The master's JSON UI: workers, applications."""
        with urllib.request.urlopen(f"{self.ui}/json/", timeout=10) as response:
            return json.load(response)

    def logs(self) -> str:
        """The tail of the master's, the workers' and the executors' logs."""
        files = [*self._logs, *sorted(f for work in self.work_dirs for f in work.rglob("std*") if f.is_file())]
        parts = []
        for f in files:
            text = f.read_text(encoding="utf-8", errors="replace")
            parts.append(f"----- {f} (last {LOG_TAIL} characters) -----\n{text[-LOG_TAIL:]}")
        return "\n".join(parts)

    # -- inside ------------------------------------------------------------------------------------
    def _spawn(self, name: str, argv: list[str]) -> Path:
        log = self.folder / f"{name}.log"
        with open(log, "wb") as fh:
            self._procs.append(subprocess.Popen(argv, env=self.env, stdout=fh, stderr=subprocess.STDOUT,
                                                stdin=subprocess.DEVNULL, cwd=self.folder, start_new_session=True))
        self._logs.append(log)
        return log

    def _wait_for(self, found, what: str):
        deadline = time.monotonic() + self.wait_s
        while time.monotonic() < deadline:
            for proc in self._procs:
                if proc.poll() is not None:
                    raise ClusterError(f"{proc.args[1]} ended (exit {proc.returncode}) while waiting for "
                                       f"{what}\n{self.logs()}")
            try:
                value = found()
            except OSError:  # the UI not listening yet
                value = None
            if value:
                return value
            time.sleep(0.5)
        raise ClusterError(f"waited {self.wait_s:.0f} s for {what}\n{self.logs()}")


def _found(pattern: re.Pattern, log: Path) -> str | None:
    match = pattern.search(log.read_text(encoding="utf-8", errors="replace"))
    return match.group(1) if match else None


def _kill_group(proc: subprocess.Popen) -> None:
    """TERM the process's group, KILL it after 20 s; reap the leader."""
    for sig, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(grace)
            break
        except subprocess.TimeoutExpired:
            continue
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # what the leader left (executors) goes too
    except ProcessLookupError:
        pass
    proc.wait()
