#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal (its stdin, stdout and stderr), as a person at a terminal
runs it, and prints what it wrote there.

terminal.py [--answer TEXT REPLY] [--timeout SECONDS] -- command [args]
  --answer: once TEXT has appeared, types REPLY and Enter (and fails when TEXT never appears).
  --timeout: kills the command's process group after that long (default 600 s).
The exit code is the command's.
"""
import argparse
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--answer", nargs=2, metavar=("TEXT", "REPLY"))
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.setdefault("TERM", "xterm")
        os.execvp(command[0], command)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    seen = b""
    answered = args.answer is None
    deadline = time.monotonic() + args.timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            # The child leads its own session (pty.fork), so its group is everything it started.
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            sys.stdout.buffer.write(seen)
            print(f"\nterminal.py: killed after {args.timeout:.0f} s", flush=True)
            sys.exit(124)
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if fd not in ready:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the terminal's last writer closed it
            data = b""
        if not data:
            break
        seen += data
        if not answered and args.answer[0].encode() in seen:
            os.write(fd, args.answer[1].encode() + b"\r")
            answered = True
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(seen)
    if not answered:
        print(f"\nterminal.py: '{args.answer[0]}' never appeared", flush=True)
        sys.exit(125)
    code = os.waitstatus_to_exitcode(status)
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main()
