#!/usr/bin/python3
"""scan_listen.py - listening sockets for bench/scan.sh: COUNT (address, port)
pairs drawn with a fixed seed from PREFIX (a /20 of 127/8) x PORTS. The
kernel completes the handshakes from the backlog; nothing is accepted.
Prints "ready" when all listen; runs until killed."""
import random
import socket
import sys
import time

base, count, ports = sys.argv[1], int(sys.argv[2]), [int(p) for p in sys.argv[3].split(",")]
a = [int(x) for x in base.split("/")[0].split(".")]
start = (a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3]
rng = random.Random(20261129)
pairs = set()
while len(pairs) < count:
    pairs.add((start + rng.randrange(4096), rng.choice(ports)))
socks = []
for ip, port in sorted(pairs):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((socket.inet_ntoa(ip.to_bytes(4, "big")), port))
    s.listen(16)
    socks.append(s)
print("ready", flush=True)
while True:
    time.sleep(3600)
