"""The supervisor restarts what exits, with back-off, and stops everything it started."""

import logging
import subprocess
import sys
import time

from taizhang.utils.supervisor import Backoff, Supervisor


class FakeProcess:
    def __init__(self):
        self.code = None
        self.pid = 4242
        self.terminated = False

    def poll(self):
        return self.code

    def terminate(self):
        self.terminated = True
        self.code = -15

    def wait(self, timeout=None):
        return self.code


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def fake_supervisor():
    clock, spawned = Clock(), []

    def spawn(argv):
        spawned.append(FakeProcess())
        return spawned[-1]

    supervisor = Supervisor(
        [("worker[default]", ["worker"])],
        spawn=spawn,
        clock=clock,
        backoff=Backoff(initial=1, cap=8, stable=300),
    )
    return supervisor, clock, spawned


def exit_and_wait(supervisor, clock, spawned, code, ran):
    """The current child runs ``ran`` seconds, exits; returns the delay before its restart."""
    clock.now += ran
    spawned[-1].code = code
    supervisor.poll()
    program = supervisor.programs[0]
    delay = program.restart_at - clock.now
    starts = len(spawned)
    clock.now += delay - 0.01
    supervisor.poll()
    assert len(spawned) == starts, "restarted before its back-off"
    clock.now += 0.01
    supervisor.poll()
    assert len(spawned) == starts + 1
    return round(delay, 6)


def test_a_worker_that_keeps_dying_is_restarted_with_doubling_back_off(caplog):
    supervisor, clock, spawned = fake_supervisor()
    supervisor.start()
    with caplog.at_level(logging.WARNING, logger="taizhang.supervisor"):
        delays = [exit_and_wait(supervisor, clock, spawned, -9, ran=2) for _ in range(6)]
    assert delays == [1, 2, 4, 8, 8, 8]  # capped
    assert "worker[default] exited with code -9" in caplog.text


def test_back_off_starts_again_after_a_stable_run():
    supervisor, clock, spawned = fake_supervisor()
    supervisor.start()
    assert [exit_and_wait(supervisor, clock, spawned, 1, ran=2) for _ in range(3)] == [1, 2, 4]
    assert exit_and_wait(supervisor, clock, spawned, 1, ran=600) == 1
    assert supervisor.programs[0].exit_codes == [1, 1, 1, 1]


def test_stopping_terminates_every_child_and_restarts_nothing():
    supervisor, clock, spawned = fake_supervisor()
    supervisor.start()
    supervisor.stop()
    assert spawned[0].terminated
    clock.now += 1000
    supervisor.poll()
    assert len(spawned) == 1


def test_a_real_worker_command_that_exits_is_restarted(caplog):
    """A real child exiting with code 3 comes back (bounded: at most 20 s)."""
    supervisor = Supervisor(
        [("worker[default]", [sys.executable, "-c", "import sys; sys.exit(3)"])],
        backoff=Backoff(initial=0.05, cap=0.1, stable=300),
    )
    with caplog.at_level(logging.INFO, logger="taizhang.supervisor"):
        supervisor.start()
        deadline = time.monotonic() + 20
        while supervisor.programs[0].starts < 3 and time.monotonic() < deadline:
            supervisor.poll()
            time.sleep(0.02)
        supervisor.stop()
    program = supervisor.programs[0]
    assert program.starts >= 3
    assert program.exit_codes[:2] == [3, 3]
    assert "worker[default] exited with code 3" in caplog.text


def test_stop_ends_a_real_long_running_child():
    supervisor = Supervisor(
        [("worker[documents]", [sys.executable, "-c", "import time; time.sleep(120)"])]
    )
    supervisor.start()
    process = supervisor.programs[0].process
    supervisor.stop(timeout=10)
    assert process.returncode is not None
    assert isinstance(process, subprocess.Popen)
