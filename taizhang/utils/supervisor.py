"""Keep child processes running: restart one that exits, with exponential back-off.

``taizhang serve`` and ``taizhang worker`` use it for the background workers, so a worker that
is killed (kill -9, out of memory) or exits after a database error comes back by itself, and
every exit is logged with its code. The loop takes its clock and its process factory as
arguments, so its logic is tested without waiting.
"""

import logging
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

logger = logging.getLogger("taizhang.supervisor")


@dataclass
class Backoff:
    """1 s, 2 s, 4 s … up to ``cap``; back to ``initial`` once a run lasted ``stable`` seconds."""

    initial: float = 1.0
    cap: float = 60.0
    stable: float = 300.0

    def delay(self, failures):
        return min(self.cap, self.initial * 2 ** max(0, failures - 1))


@dataclass
class Program:
    """One supervised command and what we know of its current run."""

    name: str
    argv: list[str]
    process: object = None
    started_at: float = 0.0
    failures: int = 0  # exits in a row, each after a short run
    restart_at: float | None = None
    starts: int = 0
    exit_codes: list[int] = field(default_factory=list)


class Supervisor:
    def __init__(self, programs, *, spawn=None, clock=time.monotonic, backoff=None, env=None):
        self.programs = [Program(name, list(argv)) for name, argv in programs]
        self.spawn = spawn or (lambda argv: subprocess.Popen(argv, env=env))
        self.clock = clock
        self.backoff = backoff or Backoff()
        self.stopping = False

    def start(self):
        for program in self.programs:
            self._start(program)

    def _start(self, program):
        program.process = self.spawn(program.argv)
        program.started_at = self.clock()
        program.restart_at = None
        program.starts += 1
        logger.info("started %s (pid %s)", program.name, getattr(program.process, "pid", "?"))

    def poll(self):
        """Notice exits and restart what is due; call it every fraction of a second."""
        if self.stopping:
            return
        now = self.clock()
        for program in self.programs:
            if program.restart_at is not None:
                if now >= program.restart_at:
                    self._start(program)
                continue
            code = program.process.poll()
            if code is None:
                continue
            program.exit_codes.append(code)
            ran = now - program.started_at
            program.failures = 1 if ran >= self.backoff.stable else program.failures + 1
            delay = self.backoff.delay(program.failures)
            program.restart_at = now + delay
            logger.warning(
                "%s exited with code %s after %.0f s; restarting in %.0f s",
                program.name,
                code,
                ran,
                delay,
            )

    def stop(self, timeout=10.0):
        """Terminate every child, wait for them, and kill those that do not stop in time."""
        self.stopping = True
        running = [p.process for p in self.programs if p.process and p.process.poll() is None]
        for process in running:
            process.terminate()
        deadline = time.monotonic() + timeout
        for process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def run_until_signalled(self, *, alive=None, tick=0.5):
        """Start the children and keep them running until SIGTERM/SIGINT or ``alive()`` fails."""
        stop = threading.Event()
        previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in STOP_SIGNALS}
        self.start()
        try:
            while not stop.is_set() and (alive is None or alive()):
                self.poll()
                stop.wait(tick)
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
