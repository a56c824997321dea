"""Free TCP ports on loopback, so that tests never use fixed ports and can run in parallel.

A port found this way can in principle be taken by another process before the caller binds it;
helpers that pass the port to a program (smtp-sink) retry with a new port when the bind fails.
Servers that can bind port 0 themselves should do that instead.
"""

import socket

LOOPBACK = "127.0.0.1"


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port on ``host`` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def is_listening(host: str, port: int, timeout: float = 0.2) -> bool:
    """True when a TCP connection to host:port succeeds (the connection is closed at once)."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
