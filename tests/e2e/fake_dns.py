#!/usr/bin/python3
"""fake_dns.py - a hostile DNS server: answers every UDP query with the wrong
query id (libunbound must drop these), so the scanner has to time out cleanly.

  fake_dns.py ADDR PORT READYFILE"""
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
open(sys.argv[3], "w").write("ok")
while True:
    data, peer = s.recvfrom(4096)
    if len(data) < 12:
        continue
    qid = (int.from_bytes(data[0:2], "big") + 1) & 0xFFFF
    # Same question, QR+AA set, one bogus A record, but the id is off by one.
    reply = qid.to_bytes(2, "big") + b"\x84\x00" + data[4:6] + b"\x00\x01\x00\x00\x00\x00"
    reply += data[12:] + b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x7f\x00\x00\x63"
    s.sendto(reply, peer)
