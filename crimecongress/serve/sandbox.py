"""Take the network away from a SPARQL worker process, in the kernel.

The server refuses every query that names SERVICE before it reaches a worker (crimecongress/sparqltext.py).
This is the second wall: a seccomp filter that makes socket(AF_INET / AF_INET6) and connect() fail with EPERM
in the worker, so that even a query the first check misread cannot make the store call another host. A worker talks to the
server over a socket pair it was given before the filter is installed, and never needs a new connection.
Linux only, x86-64 and AArch64 (the filter names system calls by number); elsewhere it reports that it could not
install itself and the server says so at start-up.
"""
from __future__ import annotations

import ctypes
import errno
import platform
import struct
import sys

# (audit architecture, number of socket(2), number of connect(2)) from the kernel's uapi headers
_ARCHES = {"x86_64": (0xC000003E, 41, 42), "aarch64": (0xC00000B7, 198, 203)}
_X32_BIT = 0x40000000                 # x32 system calls arrive under the x86-64 architecture with this bit set
_AF_INET, _AF_INET6 = 2, 10
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_LD_ABS_W, _JEQ_K, _RET_K = 0x20, 0x15, 0x06
_NR, _ARCH, _ARG0 = 0, 4, 16          # offsets in struct seccomp_data (arg0's low word on little-endian)


def _program(arch: int, socket_nr: int, connect_nr: int) -> list[tuple[int, int, int, int]]:
    deny = _RET_ERRNO | errno.EPERM
    return [
        (_LD_ABS_W, 0, 0, _ARCH),
        (_JEQ_K, 1, 0, arch),                          # another ABI (i386 on x86-64): deny everything below
        (_RET_K, 0, 0, deny),
        (_LD_ABS_W, 0, 0, _NR),
        (_JEQ_K, 8, 0, connect_nr),                    # -> deny
        (_JEQ_K, 7, 0, connect_nr | _X32_BIT),         # -> deny
        (_JEQ_K, 2, 0, socket_nr),                     # -> look at the address family
        (_JEQ_K, 1, 0, socket_nr | _X32_BIT),
        (_RET_K, 0, 0, _RET_ALLOW),
        (_LD_ABS_W, 0, 0, _ARG0),
        (_JEQ_K, 2, 0, _AF_INET),                      # -> deny
        (_JEQ_K, 1, 0, _AF_INET6),                     # -> deny
        (_RET_K, 0, 0, _RET_ALLOW),
        (_RET_K, 0, 0, deny),
    ]


def forbid_network() -> str | None:
    """Install the filter in this process (for good: it cannot be lifted). None when installed, else why not."""
    if not sys.platform.startswith("linux"):
        return f"no seccomp on {sys.platform}"
    arch = _ARCHES.get(platform.machine())
    if arch is None:
        return f"no system call table for {platform.machine()}"
    program = _program(*arch)
    filters = b"".join(struct.pack("HBBI", *instruction) for instruction in program)
    buffer = ctypes.create_string_buffer(filters, len(filters))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(program), ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0:
        return f"prctl(NO_NEW_PRIVS) failed: {errno.errorcode.get(ctypes.get_errno(), ctypes.get_errno())}"
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) != 0:
        return f"prctl(SECCOMP) failed: {errno.errorcode.get(ctypes.get_errno(), ctypes.get_errno())}"
    return None
