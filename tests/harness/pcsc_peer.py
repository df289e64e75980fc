"""Another PC/SC program, scripted by a test: a child process that talks to the private pcscd
through pcsc-lite's own client library (ctypes, no Python package needed) and does exactly what
the test asks, one step at a time.

Tests use it to be "the other program on the machine": hold the card in a transaction
(SCardBeginTransaction and wait, as a long signing session would), send raw APDUs on a session
that stays connected (to see whether the card was left PIN-verified, or reset under it), and end
or reset its own transaction.

    with PcscPeer(pcsc.env()) as peer:
        peer.connect(card.reader)
        peer.begin()                       # returns once the transaction is held
        ...                                # eportd's jobs wait for the card meanwhile
        peer.end()
        sw = peer.transmit("00a4040009a00000030800001000")["sw"]

The child is `python3 -m harness.pcsc_peer`: one JSON request per stdin line, one JSON answer
per stdout line, in order. It dies with the test process (PR_SET_PDEATHSIG).
"""

import ctypes
import json
import os
import subprocess
import sys
import time

# pcsc-lite (Linux): LONG / DWORD are C longs, SCARDCONTEXT / SCARDHANDLE are LONG.
SCARD_SCOPE_SYSTEM = 2
SCARD_SHARE_SHARED = 2
SCARD_PROTOCOL_T0, SCARD_PROTOCOL_T1 = 1, 2
DISPOSITIONS = {"leave": 0, "reset": 1, "unpower": 2}
SCARD_W_RESET_CARD = 0x80100068


class _IoRequest(ctypes.Structure):
    _fields_ = [("dwProtocol", ctypes.c_ulong), ("cbPciLength", ctypes.c_ulong)]


class _Pcsc:
    """The few SCard* calls the peer needs; every call returns the PC/SC code as an int."""

    def __init__(self):
        lib = ctypes.CDLL("libpcsclite.so.1")
        self.lib = lib
        self.context = ctypes.c_long(0)
        self.card = ctypes.c_long(0)
        self.protocol = ctypes.c_ulong(0)
        self.connected = False
        rv = lib.SCardEstablishContext(ctypes.c_ulong(SCARD_SCOPE_SYSTEM), None, None,
                                       ctypes.byref(self.context))
        if rv != 0:
            raise OSError(f"SCardEstablishContext: 0x{rv & 0xffffffff:08x}")

    @staticmethod
    def _code(rv):
        return rv & 0xFFFFFFFF

    def connect(self, reader):
        rv = self.lib.SCardConnect(self.context, reader.encode(), ctypes.c_ulong(SCARD_SHARE_SHARED),
                                   ctypes.c_ulong(SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1),
                                   ctypes.byref(self.card), ctypes.byref(self.protocol))
        self.connected = rv == 0
        return self._code(rv)

    def begin(self):
        return self._code(self.lib.SCardBeginTransaction(self.card))

    def end(self, disposition):
        return self._code(self.lib.SCardEndTransaction(self.card, ctypes.c_ulong(disposition)))

    def reconnect(self, disposition):
        return self._code(self.lib.SCardReconnect(
            self.card, ctypes.c_ulong(SCARD_SHARE_SHARED),
            ctypes.c_ulong(SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1), ctypes.c_ulong(disposition),
            ctypes.byref(self.protocol)))

    def transmit(self, apdu):
        send = _IoRequest(self.protocol.value, ctypes.sizeof(_IoRequest))
        buf = (ctypes.c_ubyte * 65538)()
        length = ctypes.c_ulong(len(buf))
        data = (ctypes.c_ubyte * len(apdu)).from_buffer_copy(apdu)
        rv = self.lib.SCardTransmit(self.card, ctypes.byref(send), data, ctypes.c_ulong(len(apdu)),
                                    None, buf, ctypes.byref(length))
        return self._code(rv), bytes(buf[:length.value]) if rv == 0 else b""

    def disconnect(self, disposition):
        rv = self.lib.SCardDisconnect(self.card, ctypes.c_ulong(disposition))
        self.connected = False
        return self._code(rv)


def _serve():
    """The child: reads requests from stdin until it closes; answers each on stdout."""
    pcsc = _Pcsc()
    for line in sys.stdin:
        request = json.loads(line)
        op = request["op"]
        started = time.monotonic()
        answer = {}
        if op == "connect":
            answer["code"] = pcsc.connect(request["reader"])
        elif op == "begin":
            answer["code"] = pcsc.begin()
        elif op == "end":
            answer["code"] = pcsc.end(DISPOSITIONS[request.get("disposition", "leave")])
        elif op == "reconnect":
            answer["code"] = pcsc.reconnect(DISPOSITIONS[request.get("disposition", "leave")])
        elif op == "transmit":
            code, response = pcsc.transmit(bytes.fromhex(request["apdu"]))
            answer.update(code=code, response=response.hex(),
                          sw=response[-2:].hex() if len(response) >= 2 else None)
        elif op == "disconnect":
            answer["code"] = pcsc.disconnect(DISPOSITIONS[request.get("disposition", "leave")])
        else:
            answer["error"] = f"unknown op {op}"
        answer["seconds"] = time.monotonic() - started
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    if pcsc.connected:
        pcsc.disconnect(0)


class PcscError(AssertionError):
    """A peer step did not answer SCARD_S_SUCCESS where the test needed it."""


class PcscPeer:
    """The test side: starts the child and sends it one step at a time."""

    def __init__(self, env, name="pcsc-peer"):
        from .procs import _die_with_parent  # the harness's own child hygiene
        tests_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = dict(env)
        env["PYTHONPATH"] = tests_dir + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH")
                                         else "")
        self.name = name
        self.proc = subprocess.Popen([sys.executable, "-m", "harness.pcsc_peer"], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     start_new_session=True, preexec_fn=_die_with_parent)
        self.pending = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, op, **fields):
        """Sends one step without waiting for its answer (e.g. a begin that will block)."""
        self.proc.stdin.write(json.dumps(dict(op=op, **fields)) + "\n")
        self.proc.stdin.flush()
        self.pending += 1

    def answer(self, timeout=30.0):
        """The answer to the oldest step sent; raises TimeoutError when none comes in time."""
        import select
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            raise TimeoutError(f"{self.name}: no answer within {timeout:.0f} s")
        line = self.proc.stdout.readline()
        if not line:
            raise PcscError(f"{self.name} exited (status {self.proc.poll()})")
        self.pending -= 1
        return json.loads(line)

    def step(self, op, timeout=30.0, check=True, **fields):
        """Sends one step and waits for its answer; with check, fails unless it succeeded."""
        self.send(op, **fields)
        answer = self.answer(timeout)
        if check and answer.get("code") != 0:
            raise PcscError(f"{self.name}: {op} {fields} answered {answer}")
        return answer

    def connect(self, reader):
        """SCardConnect, shared."""
        return self.step("connect", reader=reader)

    def begin(self, timeout=30.0):
        """SCardBeginTransaction; returns once the transaction is held."""
        return self.step("begin", timeout=timeout)

    def end(self, disposition="leave"):
        """SCardEndTransaction with SCARD_LEAVE_CARD (or "reset", "unpower")."""
        return self.step("end", disposition=disposition)

    def transmit(self, apdu_hex, check=False):
        """SCardTransmit of one APDU: {"code", "response", "sw"} (sw as lower hex)."""
        return self.step("transmit", check=check, apdu=apdu_hex)

    def reconnect(self, disposition="leave"):
        """SCardReconnect (after SCARD_W_RESET_CARD)."""
        return self.step("reconnect", disposition=disposition)

    def close(self):
        """Closes stdin (the child disconnects and exits) and reaps it."""
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


if __name__ == "__main__":
    _serve()
