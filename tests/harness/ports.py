"""Free high TCP ports on loopback."""

import random
import socket

LOW, HIGH = 20000, 60000


def _free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count=1, avoid=()):
    """A base port p >= 20000 such that p .. p+count-1 are all free (vpcd needs 2 per reader).

    Random rather than sequential so that parallel harnesses rarely race for the same port.
    """
    rng = random.SystemRandom()
    for _ in range(500):
        base = rng.randrange(LOW, HIGH - count)
        span = range(base, base + count)
        if any(p in avoid for p in span):
            continue
        if all(_free(p) for p in span):
            return base
    raise RuntimeError(f"no {count} consecutive free TCP ports found between {LOW} and {HIGH}")
