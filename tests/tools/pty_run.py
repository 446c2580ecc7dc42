#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal, as a person at a terminal would.

usage: pty_run.py [--timeout S] [--answer PROMPT TEXT]... -- COMMAND [ARG]...

Each --answer waits until PROMPT appears in the command's output (after the
previous answer's prompt) and then types TEXT and Enter. The command's
output, everything written to the terminal, is copied to standard output;
the exit status is the command's (124 when it outlived the timeout, killed).
The command's /dev/tty is this terminal, so passphrase prompts, which read
/dev/tty with echo off, are answered the way a person answers them.
"""
import os
import pty
import select
import signal
import sys
import time


def main(argv):
    timeout = 60.0
    answers = []
    i = 0
    while i < len(argv) and argv[i] != "--":
        if argv[i] == "--timeout":
            timeout = float(argv[i + 1])
            i += 2
        elif argv[i] == "--answer":
            answers.append((argv[i + 1].encode(), argv[i + 2].encode() + b"\n"))
            i += 3
        else:
            sys.exit("pty_run.py: unknown option " + argv[i])
    command = argv[i + 1:]
    if not command:
        sys.exit(__doc__)

    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)

    output = b""
    searched = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the command closed the terminal
                break
            if not chunk:
                break
            output += chunk
        if answers:
            prompt, text = answers[0]
            at = output.find(prompt, searched)
            if at >= 0:
                searched = at + len(prompt)
                os.write(fd, text)
                answers.pop(0)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        sys.stdout.buffer.write(output)
        print("\npty_run.py: timed out after %g s" % timeout)
        return 124

    _, status = os.waitpid(pid, 0)
    os.close(fd)
    sys.stdout.buffer.write(output.replace(b"\r\n", b"\n"))
    if answers:
        print("\npty_run.py: never asked: %r" % answers[0][0].decode())
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
