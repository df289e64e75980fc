"""Child processes that never outlive the harness.

Every process the harness starts runs in its own session (so its whole process group can be
signalled), gets PR_SET_PDEATHSIG so the kernel kills it if the harness itself is killed with
SIGKILL, and is registered for teardown at interpreter exit and on SIGTERM/SIGHUP.
"""

import atexit
import ctypes
import os
import signal
import subprocess
import threading
import time

_PR_SET_PDEATHSIG = 1
_live = []  # every Proc still running; teardown walks it newest first
_live_lock = threading.Lock()
_teardown_hooks = []  # callables run after the processes are gone (e.g. remove work dirs)
_handlers_installed = False


class HarnessError(RuntimeError):
    """Something the harness started did not come up; the message says what and where to look."""


def _die_with_parent():
    """preexec_fn: the child gets SIGKILL when the harness process dies (even by SIGKILL)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except OSError:
        pass


class Proc:
    """One child process in its own process group, with its output in a log file."""

    def __init__(self, name, argv, env=None, log_path=None, cwd=None):
        self.name = name
        self.argv = [str(a) for a in argv]
        self.env = env
        self.log_path = log_path
        self.cwd = cwd
        self.popen = None

    def start(self):
        """Starts the process; stdout and stderr go to the log file (or /dev/null)."""
        _install_handlers()
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        try:
            self.popen = subprocess.Popen(
                self.argv, env=self.env, cwd=self.cwd, stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_die_with_parent)
        finally:
            if out is not subprocess.DEVNULL:
                out.close()
        with _live_lock:
            _live.append(self)
        return self

    @property
    def pid(self):
        """Process id of the child (also its process-group id)."""
        return self.popen.pid if self.popen else None

    def alive(self):
        """True while the child runs."""
        return self.popen is not None and self.popen.poll() is None

    def returncode(self):
        """Exit status once it ended, else None."""
        return self.popen.poll() if self.popen else None

    def send_signal(self, sig):
        """Sends sig to the child's whole process group."""
        if self.alive():
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, timeout=3.0, sig=signal.SIGTERM):
        """Asks the group to end with sig, then SIGKILL after timeout; always reaps the child."""
        if self.popen is None:
            return None
        if self.alive():
            self.send_signal(sig)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        try:  # stragglers in the group (e.g. children of a shell) go too
            os.killpg(self.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.popen.wait()
        with _live_lock:
            if self in _live:
                _live.remove(self)
        return self.popen.returncode

    def kill(self):
        """SIGKILL to the whole group, then reap."""
        self.send_signal(signal.SIGKILL)
        if self.popen is not None:
            self.popen.wait()

    def log_tail(self, lines=30):
        """The last lines of the process log, for error messages."""
        if not self.log_path or not os.path.exists(self.log_path):
            return ""
        with open(self.log_path, "rb") as f:
            data = f.read()[-16384:].decode("utf-8", "replace")
        return "\n".join(data.splitlines()[-lines:])


def stop_all():
    """Stops every process the harness started, newest first (cards before pcscd)."""
    while True:
        with _live_lock:
            if not _live:
                return
            proc = _live[-1]
        try:
            proc.stop(timeout=2.0)
        except Exception:  # teardown must go on whatever one child does
            with _live_lock:
                if proc in _live:
                    _live.remove(proc)


def on_teardown(hook):
    """Runs hook() after stop_all() when the harness dies by SIGTERM/SIGHUP or at exit."""
    _teardown_hooks.append(hook)


def remove_teardown(hook):
    """Forgets a hook registered with on_teardown()."""
    if hook in _teardown_hooks:
        _teardown_hooks.remove(hook)


def _teardown():
    stop_all()
    while _teardown_hooks:
        hook = _teardown_hooks.pop()
        try:
            hook()
        except Exception:
            pass


def _on_fatal_signal(signum, _frame):
    _teardown()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _install_handlers():
    """Once per process: teardown at exit and on SIGTERM/SIGHUP (SIGINT unwinds normally)."""
    global _handlers_installed
    if _handlers_installed:
        return
    _handlers_installed = True
    atexit.register(_teardown)
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) in (signal.SIG_DFL, None):
            signal.signal(sig, _on_fatal_signal)


def wait_for(what, predicate, timeout, interval=0.05, detail=None):
    """Polls predicate until it returns a true value; raises HarnessError naming what failed."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            extra = ("\n" + detail()) if detail else ""
            raise HarnessError(f"timed out after {timeout:.1f}s waiting for {what}{extra}")
        time.sleep(interval)
