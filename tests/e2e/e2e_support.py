"""What the Python end-to-end tests share: the daemon's death-with-parent and the unittest run."""
import ctypes
import signal
import sys
import unittest


def die_with_parent():
    """preexec_fn for a daemon: it gets SIGTERM if the test process dies abruptly
    (PR_SET_PDEATHSIG = 1)."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def run_tests(rest):
    """Runs the calling script's tests with `rest` as unittest's arguments; the exit status is 0
    only when every test passed and at least one ran."""
    program = unittest.main(module="__main__", argv=[sys.argv[0]] + rest, exit=False, verbosity=2)
    result = program.result
    print("%d passed, %d failed" % (result.testsRun - len(result.failures) - len(result.errors),
                                    len(result.failures) + len(result.errors)))
    return 0 if result.wasSuccessful() and result.testsRun > 0 else 1
