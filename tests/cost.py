"""CPU cost of a call, measured so that it can be compared on a loaded, shared machine.

Never an absolute time: tests compare the cost of one input with another's (twice the
length, or plain text of the same length), each the best of several rounds of CPU time
(`time.process_time`, so waiting for the CPU does not count).
"""

import gc
import time
from collections.abc import Callable

# Best of five: a round slowed by another process on a shared 2-core machine is outvoted.
ROUNDS = 5
# Each round repeats the call until this much CPU time has passed, so that short calls
# are not measured at the timer's resolution.
ROUND_SECONDS = 0.02


def cpu_cost(function: Callable[[str], object], text: str) -> float:
    """CPU seconds one `function(text)` takes: the best of ROUNDS rounds.

    The garbage collector is off while it measures: in a test process holding thousands
    of tests' objects, one full collection costs more CPU than the call measured, and
    landing in one round of the longer input it made a linear parser look quadratic.
    """
    best = float("inf")
    collecting = gc.isenabled()
    gc.disable()
    try:
        for _round in range(ROUNDS):
            calls = 0
            started = time.process_time()
            while True:
                function(text)
                calls += 1
                elapsed = time.process_time() - started
                if elapsed >= ROUND_SECONDS:
                    break
            best = min(best, elapsed / calls)
    finally:
        if collecting:
            gc.enable()
    return best


def growth_within(
    function: Callable[[str], object], short: str, long: str, limit: float, attempts: int = 3
) -> float:
    """`cpu_cost(long) / cpu_cost(short)`, measured again (up to `attempts` times) while it
    is above `limit`; the smallest ratio seen.

    A moment of contention on a shared machine can inflate one measurement of the long
    input past the limit (3.08 for 3.0, on work that measures 1.94 alone); it cannot make
    linear work look quadratic three times running, while quadratic work (about 4 for
    twice the length) stays above a limit of 3 every time.
    """
    best = float("inf")
    for _attempt in range(attempts):
        best = min(best, cpu_cost(function, long) / cpu_cost(function, short))
        if best <= limit:
            break
    return best


def repeated(unit: str, length: int) -> str:
    """`unit` repeated to exactly `length` characters."""
    return (unit * (length // len(unit) + 1))[:length]


def growth(function: Callable[[str], object], make: Callable[[int], str], length: int) -> float:
    """How many times more `function` costs on `make(2 * length)` than on `make(length)`.

    About 2 for work linear in the length, 4 for quadratic work.
    """
    return cpu_cost(function, make(2 * length)) / cpu_cost(function, make(length))
