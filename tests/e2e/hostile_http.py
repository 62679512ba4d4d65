#!/usr/bin/python3
"""hostile_http.py - HTTP servers that misbehave, for the scanner's bounds.

  hostile_http.py ADDR ENDLESS_PORT DRIP_PORT READYFILE

ENDLESS_PORT answers with a status line and then header lines forever;
DRIP_PORT sends its response one byte every half second."""
import socket
import sys
import threading
import time


def serve(port, fn):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[1], port))
    s.listen(16)
    while True:
        c, _ = s.accept()
        threading.Thread(target=fn, args=(c,), daemon=True).start()


def endless(c):
    try:
        c.recv(4096)
        c.sendall(b"HTTP/1.1 200 OK\r\n")
        while True:
            c.sendall(b"X-Filler: " + b"a" * 1000 + b"\r\n")
    except OSError:
        pass
    c.close()


def drip(c):
    try:
        c.recv(4096)
        for b in b"HTTP/1.1 200 OK\r\nServer: drip\r\n\r\n" + b"x" * 100000:
            c.sendall(bytes([b]))
            time.sleep(0.5)
    except OSError:
        pass
    c.close()


for port, fn in ((int(sys.argv[2]), endless), (int(sys.argv[3]), drip)):
    threading.Thread(target=serve, args=(port, fn), daemon=True).start()
time.sleep(0.2)
open(sys.argv[4], "w").write("ok")
while True:
    time.sleep(60)
