#!/usr/bin/env python3
"""Prints the first port of N consecutive ports that are free for both TCP and UDP (default 12:
an Arma server binds its game port to +4 and BattlEye RCON at +10)."""
import random
import socket
import sys


def free(port: int) -> bool:
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind(("", port))
            except OSError:
                return False
    return True


n = int(sys.argv[1]) if len(sys.argv) > 1 else 12
while True:
    # Below the ephemeral range (32768–60999), which outgoing connections draw from.
    base = random.randint(10000, 32000 - n)
    if all(free(p) for p in range(base, base + n)):
        print(base)
        break
