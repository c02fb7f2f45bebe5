"""Free ports for servers a test starts a moment later, possibly in another process.

A port the kernel hands out for `bind(("127.0.0.1", 0))` comes from the ephemeral range, the
same range every outgoing connection on the machine takes its local port from: with the
suite in several workers (and another run beside it), such a port was seen taken by someone
else's connection before the bot process bound it, and the bot exited at start-up. Ports
below that range are never given to outgoing connections; one is picked at random and
checked free, so only another test picking the same one at the same moment could collide.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

LOWEST = 20000


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int = 1) -> int:
    """The first of `count` adjacent ports nobody listens on, below the ephemeral range."""
    highest = _ephemeral_start() - count
    while True:
        first = random.randint(LOWEST, highest)
        if all(_free(first + i) for i in range(count)):
            return first


def free_port() -> int:
    """A port nobody listens on, that no outgoing connection will take meanwhile."""
    return free_ports(1)
