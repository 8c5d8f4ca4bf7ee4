"""The production chain on one machine: nginx -> gunicorn -> Django, and the task worker.

`make serve` and the CI smoke test (tests/production/) start it with :class:`Chain`: each
process in a session of its own, so that stopping the chain stops every worker it forked, and
nothing is left running when the caller ends, by Ctrl-C or by an error.
"""

import contextlib
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import nginx

BASE_DIR = nginx.BASE_DIR
GUNICORN_CONFIG = BASE_DIR / "deploy" / "gunicorn.conf.py"
STOP_TIMEOUT = 15
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def port_open(port, host="127.0.0.1"):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


@dataclass
class Process:
    name: str
    popen: subprocess.Popen

    def running(self):
        return self.popen.poll() is None

    def stop(self, sig=signal.SIGTERM):
        """Signal the process's whole session and wait; kill what is left after a while."""
        if not self.running():
            return
        try:
            os.killpg(self.popen.pid, sig)
            self.popen.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=STOP_TIMEOUT)
        except ProcessLookupError:
            pass
        # Workers that outlived their master (nothing should) go with the session.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)


@dataclass
class Chain:
    """nginx on ``port``, gunicorn on ``app_port`` and one ``db_worker``, run by ``python``
    (a virtual environment's interpreter) with ``env`` from ``BASE_DIR``.

    ``log_dir`` set: each process writes stdout and stderr to ``<name>.log`` there; otherwise
    they write to the caller's terminal.
    """

    python: Path
    env: dict
    port: int
    app_port: int
    var_dir: Path
    static_root: Path
    media_root: Path
    forwarded_proto: str = "$scheme"
    log_dir: Path | None = None
    processes: list = field(default_factory=list)

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, timeout=60):
        for port in (self.port, self.app_port):
            if port_open(port):
                raise RuntimeError(f"port {port} is already taken")
        bin_dir = Path(self.python).parent
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.app_port}"}
        self._spawn("gunicorn", [bin_dir / "gunicorn", "-c", GUNICORN_CONFIG], env)
        self._spawn("worker", [self.python, "manage.py", "db_worker"], env)
        self.wait_for_port(self.app_port, timeout)
        config = nginx.write_config(
            self.var_dir / "nginx",
            listen=f"127.0.0.1:{self.port}",
            upstream=f"127.0.0.1:{self.app_port}",
            static_root=self.static_root,
            media_root=self.media_root,
            forwarded_proto=self.forwarded_proto,
        )
        self._spawn("nginx", nginx.command(config), env)
        self.wait_for_port(self.port, timeout)

    def stop(self):
        """nginx first (no new requests), then the worker and gunicorn. A second Ctrl-C or
        SIGTERM while stopping (make and timeout both pass theirs on) must not cut it short."""
        previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in STOP_SIGNALS}
        try:
            for process in reversed(self.processes):
                process.stop()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def wait_for_port(self, port, timeout):
        deadline = time.monotonic() + timeout
        while not port_open(port):
            self.check_alive()
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on port {port} after {timeout} s")
            time.sleep(0.1)

    def check_alive(self):
        for process in self.processes:
            if not process.running():
                raise RuntimeError(
                    f"{process.name} ended with exit code {process.popen.returncode}"
                    + (f"; see {self.log_dir / process.name}.log" if self.log_dir else "")
                )

    def log(self, name):
        return (self.log_dir / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    def _spawn(self, name, args, env):
        output = None
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = (self.log_dir / f"{name}.log").open("ab")
        popen = subprocess.Popen(
            [str(arg) for arg in args],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=True,
        )
        if output:
            output.close()
        self.processes.append(Process(name, popen))
        return popen
