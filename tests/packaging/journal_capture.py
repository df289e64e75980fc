"""Run inside a private mount namespace (see test_journal.py): plays journald on
/run/systemd/journal/socket, starts a program whose stderr is a file named by $JOURNAL_STREAM
(exactly what systemd does for StandardError=journal), optionally connects once to a socket
of it, stops it, and prints every datagram received as one JSON object per line.

Usage: journal_capture.py WORKDIR CONNECT_PATH|- PROGRAM [ARGS...]"""

import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time


def parse(datagram):
    """journald's native protocol: KEY=value\\n, or KEY\\n<le64 size><value>\\n for binary."""
    fields, rest = {}, datagram
    while rest:
        line_end = rest.index(b"\n")
        head = rest[:line_end]
        if b"=" in head:
            key, _, value = head.partition(b"=")
            rest = rest[line_end + 1:]
        else:
            key = head
            size = struct.unpack("<Q", rest[line_end + 1:line_end + 9])[0]
            value = rest[line_end + 9:line_end + 9 + size]
            rest = rest[line_end + 10 + size:]
        fields[key.decode()] = value.decode(errors="replace")
    return fields


def main():
    workdir, connect, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs("/run/systemd/journal", exist_ok=True)
    journal = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    journal.bind("/run/systemd/journal/socket")
    with open(os.path.join(workdir, "stderr"), "w") as err:
        st = os.fstat(err.fileno())
        env = dict(os.environ, JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}")
        proc = subprocess.Popen(argv, stderr=err, stdout=err, env=env)
    if connect != "-":
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.socket(socket.AF_UNIX) as c:
                    c.connect(connect)
                    c.sendall(b"ping\n")
                    c.settimeout(5)
                    c.recv(4096)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    break
                time.sleep(0.05)
    if proc.poll() is None:
        # The program answered on its socket, so what it logs while starting has been sent.
        proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=15)
    # The program has exited: every datagram it sent is queued already; take them all.
    journal.setblocking(False)
    try:
        while True:
            print(json.dumps(parse(journal.recv(1 << 20))), flush=True)
    except BlockingIOError:
        pass


if __name__ == "__main__":
    main()
