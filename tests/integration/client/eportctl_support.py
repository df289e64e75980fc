"""Helpers for the eportctl suites: find and run the binary, run it in a pseudo-terminal."""

import os
import pty
import select
import signal
import subprocess
import time


def eportctl_path():
    """The eportctl binary of the build under test."""
    build = os.environ.get("EPORT_BUILD_DIR")
    if not build:
        here = os.path.dirname(os.path.abspath(__file__))
        build = os.path.join(here, "..", "..", "..", "build", "dev")
    return os.path.join(build, "bin", "eportctl")


def base_env(extra=None):
    """A predictable environment: English, no colours unless a test asks otherwise."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "EPORTCTL_"))}
    env["LANG"] = "C.UTF-8"
    env.update(extra or {})
    return env


def run(args, socket=None, env=None, input=None, timeout=60, preexec_fn=None):
    """Runs eportctl with stdout/stderr captured (so stdout is a pipe: plain output)."""
    argv = [eportctl_path()]
    if socket:
        argv += ["--socket", socket]
    argv += list(args)
    return subprocess.run(argv, env=base_env(env), input=input, capture_output=True, text=True,
                          timeout=timeout, preexec_fn=preexec_fn)


class PtySession:
    """eportctl on a pseudo-terminal of its own (so /dev/tty is the pty): read and answer prompts."""

    def __init__(self, args, socket=None, env=None):
        argv = [eportctl_path()]
        if socket:
            argv += ["--socket", socket]
        argv += list(args)
        environment = base_env(env)
        environment.setdefault("TERM", "xterm")
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child: the pty is its controlling terminal
            try:
                os.execve(argv[0], argv, environment)
            finally:
                os._exit(127)
        self.output = b""
        self.status = None

    def _read(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            return None
        if not data:
            return None
        self.output += data
        return True

    def expect(self, text, timeout=30):
        """Waits until `text` has appeared in the output (after what was seen before)."""
        deadline = time.time() + timeout
        needle = text.encode()
        while needle not in self.output:
            left = deadline - time.time()
            if left <= 0 or self._read(left) is None:
                raise AssertionError(f"{text!r} did not appear; output so far:\n{self.text()}")
        return self.text()

    def send(self, line):
        """Types a line."""
        os.write(self.fd, (line + "\n").encode())

    def wait(self, timeout=60):
        """Reads until the program ends; returns its exit code."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self._read(0.2) is None:
                break
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
                break
        if self.status is None:
            try:
                _, self.status = os.waitpid(self.pid, 0 if time.time() < deadline else os.WNOHANG)
            except ChildProcessError:
                pass
        while self._read(0.05):
            pass
        if self.status is None:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            raise AssertionError(f"eportctl did not end; output:\n{self.text()}")
        os.close(self.fd)
        return os.waitstatus_to_exitcode(self.status)

    def text(self):
        """Everything the program wrote to the terminal so far."""
        return self.output.decode(errors="replace")
