"""How a command ends: a user's mistake as one line on stderr with its exit code, never a traceback.

Shared by the click commands (cli.py) and the launcher's plain path (launch.py), which must end exactly alike;
nothing here imports click.
"""
from __future__ import annotations

import errno
import functools
import os
import signal
import sys

from .errors import EXIT_ERROR, CrimeCongressError


def say(message: str) -> None:
    """One line on stderr (what `click.echo(..., err=True)` writes)."""
    if sys.stderr is not None:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()


def reports_errors(command):
    """Print a user's mistake as one line on stderr and exit with its code; never a traceback."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        previous = sigterm_interrupts()
        try:
            return command(*args, **kwargs)
        except CrimeCongressError as error:
            say(f"error: {error}")
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            say("interrupted")
            sys.exit(EXIT_ERROR)
        except OSError as error:            # the output (a full disk, a closed pipe) or the system
            sys.exit(os_failure(error))
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
    return wrapper


def os_failure(error: OSError) -> int:
    """Report an OSError as one line (none for a closed output pipe, as Unix tools do) and return exit code 2.
    When stdout is what failed, it is pointed at /dev/null so that the flush at exit cannot fail again."""
    output = _stdout_failed(error)
    if output:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError):       # no file descriptor (a test runner's stream): nothing to flush
            pass
    if output and isinstance(error, BrokenPipeError):
        return EXIT_ERROR
    where = "cannot write the output: " if output else (f"{error.filename}: " if error.filename else "")
    try:
        say(f"error: {where}{error.strerror or error}")
    except OSError:
        pass
    return EXIT_ERROR


def _stdout_failed(error: OSError) -> bool:
    """Whether `error` came from writing stdout: a pipe whose reader is gone, or a full device (io drops the
    unwritten buffer, so flushing again proves nothing; the error itself must tell)."""
    if error.filename is not None:
        return False
    if isinstance(error, BrokenPipeError):
        import select
        try:
            poller = select.poll()
            poller.register(sys.stdout.fileno(), select.POLLOUT)
            return any(event & select.POLLERR for _, event in poller.poll(0))
        except (OSError, ValueError):
            return True                     # no descriptor to ask (a test runner's stream): assume it
    return error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def sigterm_interrupts():
    """Make SIGTERM (a service manager's or `kill`'s stop) end a command as Ctrl-C does: one line, exit 2,
    staging removed and child processes stopped on the way out. Returns the handler it replaced."""
    try:
        return signal.signal(signal.SIGTERM, signal.default_int_handler)
    except ValueError:                      # not the main thread (a test runner's, a server's): leave it be
        return None
