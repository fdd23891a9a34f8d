"""A long step of a command shown as one line with its elapsed time, its own output kept in a log.

Rasa's training prints progress bars, TensorFlow's notes and debug lines by the hundred; an
operator starting the demo needs to know that something is happening and how long it has
taken, and where to look if it fails. File descriptors 1 and 2 are redirected (not just
`sys.stdout`), so output written by C++ code and by child processes lands in the log too.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def step(title: str, log: Path, verbose: bool = False) -> Iterator[None]:
    """`title … 12 s` while the step runs, `title: done in 63 s` after; `verbose` shows everything instead."""
    if verbose:
        print(f"{title} …", flush=True)
        yield
        return
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    screen, errors = os.dup(1), os.dup(2)
    tty = os.isatty(screen)
    started = time.monotonic()
    stop = threading.Event()

    def say(text: str) -> None:
        os.write(screen, text.encode())

    def tick() -> None:  # a terminal sees the seconds count up; a log file a line a minute
        while not stop.wait(1.0 if tty else 60.0):
            elapsed = int(time.monotonic() - started)
            say(f"\r{title} … {elapsed} s" if tty else f"{title} … {elapsed} s\n")

    say(f"{title} …" if tty else f"{title} …\n")
    with open(log, "ab") as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
    ticker = threading.Thread(target=tick, name="progress", daemon=True)
    ticker.start()
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        stop.set()
        ticker.join()
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(screen, 1)
        os.dup2(errors, 2)
        os.close(screen)
        os.close(errors)
        elapsed = time.monotonic() - started
        ending = f"failed after {elapsed:.0f} s; its output is in {log}" if failed else f"done in {elapsed:.0f} s"
        start_of_line = "\r" if tty else ""
        print(f"{start_of_line}{title}: {ending}", flush=True)
