"""Reading one document and running the engine on it in a child process, within limits.

A broken or hostile file (a cut or amplified XML part, a 10 MB text run, a 19 MB text that
takes the engine minutes) must not hold the worker: the child gets a time limit and an
address-space limit, is killed when the time is up, and whatever happens inside it comes back
as one outcome. Nothing here touches the database; the child never imports Django.
"""

import multiprocessing
import os
import resource
import signal
import threading
import time
import traceback
from dataclasses import dataclass

from taizhang.extract import ReadError, extract_text
from taizhang.extract.read import read_bytes


@dataclass
class Outcome:
    """How it went: done, unreadable, out_of_memory, crashed, timed_out or died."""

    kind: str
    source: object = None  # taizhang.extract.read.Source, once read
    result: object = None  # taizhang.extract.Result, when done
    message: str = ""  # the reader's own reason (unreadable) or a traceback (crashed)
    exit_code: int | None = None


def read_and_extract(data, suffix, units, send):
    """The child's work: read, report the text, run the engine. ``send`` takes each message."""
    try:
        source = read_bytes(data, suffix)
    except ReadError as exc:
        send(("unreadable", str(exc)))
        return
    except MemoryError:
        raise
    except Exception:  # a reader error we did not foresee: still the file's fault
        traceback.print_exc()  # to the worker's log
        send(("unreadable", ""))
        return
    send(("read", source))
    result = extract_text(source.text, units)
    result.warnings[:0] = source.warnings
    send(("done", result))


def _watch_parent(pid):
    """End this child as soon as the worker that started it is gone (e.g. killed with -9)."""
    while True:
        time.sleep(1)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)


def _child(conn, work, args, time_limit, memory_limit_mb, parent_pid):
    # Backstops if the parent dies before it can kill us: a watchdog, and SIGALRM.
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    signal.alarm(int(time_limit) + 10)
    if memory_limit_mb:
        limit = memory_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        work(*args, conn.send)
    except MemoryError:
        conn.send(("out_of_memory", ""))
    except BaseException:
        conn.send(("crashed", traceback.format_exc()))
    finally:
        conn.close()


def _context():
    context = multiprocessing.get_context("forkserver")
    # Children fork from a server that has the engine and the readers imported already.
    context.set_forkserver_preload(["taizhang.extract", "docx", "pypdf", "openpyxl", "pdfplumber"])
    return context


def run_isolated(
    data, suffix, units, *, time_limit, memory_limit_mb=0, on_read=None, work=read_and_extract
):
    """Run ``work`` in a child; ``on_read(source)`` is called when the text has been read."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(sender, work, (data, suffix, units), time_limit, memory_limit_mb, os.getpid()),
        daemon=True,
    )
    child.start()
    sender.close()
    deadline = time.monotonic() + time_limit
    outcome = Outcome("died")
    try:
        while True:
            if not receiver.poll(max(0.0, deadline - time.monotonic())):
                outcome = Outcome("timed_out", source=outcome.source)
                break
            try:
                kind, payload = receiver.recv()
            except EOFError:
                break
            if kind == "read":
                outcome.source = payload
                if on_read:
                    on_read(payload)
            elif kind == "done":
                outcome = Outcome("done", source=outcome.source, result=payload)
                break
            else:
                outcome = Outcome(kind, source=outcome.source, message=payload)
                break
    finally:
        receiver.close()
        if child.is_alive() and outcome.kind != "done":
            child.kill()
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
    if outcome.kind == "died":
        outcome.exit_code = child.exitcode
    return outcome
