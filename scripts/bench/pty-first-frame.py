#!/usr/bin/env python3
"""Start a command in a real pseudo-terminal and print the seconds until its output contains a marker.

Usage: pty-first-frame.py MARKER COMMAND [ARGS...]
The child gets TERM=xterm-256color, CI unset, a 100x30 window. It is killed once the marker shows.
"""
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time

marker = sys.argv[1].encode()
argv = sys.argv[2:]
start = time.monotonic()
pid, fd = pty.fork()
if pid == 0:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["TERM"] = "xterm-256color"
    os.execvpe(argv[0], argv, env)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
buf = b""
elapsed = None
deadline = start + 20
while time.monotonic() < deadline:
    r, _, _ = select.select([fd], [], [], 0.05)
    if fd in r:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        buf += chunk
        if marker in buf:
            elapsed = time.monotonic() - start
            break
try:
    os.kill(pid, signal.SIGKILL)
except ProcessLookupError:
    pass
os.waitpid(pid, 0)
if elapsed is None:
    sys.stderr.write("marker not seen; output was:\n" + buf.decode(errors="replace")[-2000:] + "\n")
    sys.exit(1)
print(f"{elapsed:.4f}")
