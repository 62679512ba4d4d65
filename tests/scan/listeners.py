#!/usr/bin/python3
"""listeners.py - small servers speaking just enough of a protocol for the
scan engine's end-to-end test (tests/e2e/test_scan_engine.sh), and hostile
ones that misbehave on purpose.

    listeners.py LOGFILE MODE@ADDR:PORT ...

Prints "ready" once every socket listens. Whatever a client sends is appended
to LOGFILE as "MODE ADDR:PORT <hex> <unix time>" (and each connection as
"accept ADDR:PORT - <unix time>") so the test can assert what the scanner
did (and did not) send, e.g. that it never tried an FTP login.
"""
import os
import socket
import ssl
import struct
import sys
import threading
import time

LOG = open(sys.argv[1], "a", buffering=1)
LOCK = threading.Lock()


def log(mode, where, data):
    with LOCK:
        LOG.write("%s %s %s %.3f\n" % (mode, where, data.hex() or "-", time.time()))


def recv_some(c, n=4096, timeout=3.0):
    c.settimeout(timeout)
    try:
        return c.recv(n)
    except OSError:
        return b""


def smb2_negotiate_response(dialect):
    hdr = b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ", 64, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0) + b"\0" * 16
    body = struct.pack("<HHH", 65, 1, dialect) + b"\0" * 58
    msg = hdr + body
    return struct.pack(">I", len(msg)) + msg


def smb1_negotiate_response():
    hdr = b"\xffSMB\x72" + b"\0\0\0\0" + b"\x98\x01\x28" + b"\0" * 20 + b"\0\0"
    body = b"\x11" + struct.pack("<H", 0) + b"\0" * 32 + b"\0\0"
    msg = hdr + body
    return struct.pack(">I", len(msg)) + msg


def handle(mode, where, c):
    try:
        if mode == "rdp":
            d = recv_some(c)
            log(mode, where, d)
            if d[:1] == b"\x03" and len(d) >= 11 and d[5] == 0xE0:
                neg = b"\x02\x00\x08\x00" + struct.pack("<I", 2)
                c.sendall(b"\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00" + neg)
        elif mode in ("smb", "smb1"):
            while True:
                d = recv_some(c)
                if not d:
                    break
                log(mode, where, d)
                if d[4:8] == b"\xfeSMB":
                    c.sendall(smb2_negotiate_response(0x0311))
                elif d[4:8] == b"\xffSMB" and mode == "smb1":
                    c.sendall(smb1_negotiate_response())
                else:
                    break
        elif mode == "telnet":
            c.sendall(b"\xff\xfd\x18\xff\xfd\x20\xff\xfb\x01\xff\xfb\x03login: ")
            log(mode, where, recv_some(c, timeout=2))
        elif mode == "ftp":
            c.sendall(b"220 (vsFTPd 3.0.3)\r\n")
            d = recv_some(c, timeout=2)
            log(mode, where, d)
        elif mode == "ssh":
            c.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
            log(mode, where, recv_some(c, timeout=2))
        elif mode == "vnc":
            c.sendall(b"RFB 003.008\n")
            log(mode, where, recv_some(c, timeout=2))
        elif mode == "mysql":
            payload = b"\x0a10.11.6-MariaDB-0+deb12u1\x00" + b"\x01\x00\x00\x00" + b"abcdefgh\x00" + b"\0" * 20
            c.sendall(struct.pack("<I", len(payload))[:3] + b"\x00" + payload)
            log(mode, where, recv_some(c, timeout=2))
        elif mode == "modbus":
            d = recv_some(c)
            log(mode, where, d)
            if len(d) >= 8:
                pdu = b"\x2b\x0e\x01\x01\x00\x00\x01\x00\x07kcertco"
                c.sendall(d[:4] + struct.pack(">H", len(pdu) + 1) + d[6:7] + pdu)
        elif mode == "s7":
            d = recv_some(c)
            log(mode, where, d)
            if d[:1] == b"\x03":
                c.sendall(b"\x03\x00\x00\x16\x11\xd0\x00\x01\x00\x01\x00\xc0\x01\x0a\xc1\x02\x01\x00\xc2\x02\x01\x02")
        elif mode == "smtp-starttls":
            # LISTENER_CERT / LISTENER_KEY: the certificate offered after STARTTLS.
            c.sendall(b"220 mx.kcert.test ESMTP Postfix (Debian/GNU)\r\n")
            f = c.makefile("rb")
            while True:
                line = f.readline(1000)
                if not line:
                    break
                log(mode, where, line)
                cmd = line.strip().upper()
                if cmd.startswith(b"EHLO"):
                    c.sendall(b"250-mx.kcert.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
                elif cmd == b"STARTTLS":
                    c.sendall(b"220 2.0.0 Ready to start TLS\r\n")
                    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                    ctx.load_cert_chain(os.environ["LISTENER_CERT"], os.environ["LISTENER_KEY"])
                    t = ctx.wrap_socket(c, server_side=True)
                    t.recv(100)
                    break
                else:
                    c.sendall(b"502 5.5.2 not here\r\n")
        elif mode == "memcached":
            d = recv_some(c)
            log(mode, where, d)
            if d.startswith(b"version"):
                c.sendall(b"VERSION 1.6.18\r\n")
        elif mode in ("elastic", "elastic-auth"):
            d = recv_some(c)
            log(mode, where, d)
            if mode == "elastic":
                body = b'{"name":"n1","cluster_name":"kommune","version":{"number":"7.17.0"},"tagline":"You Know, for Search"}'
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            else:
                c.sendall(b'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="security" charset="UTF-8"\r\nContent-Length: 0\r\n\r\n')
        elif mode == "pgsql":
            d = recv_some(c)
            log(mode, where, d)
            if d == b"\x00\x00\x00\x08\x04\xd2\x16\x2f":
                c.sendall(b"N")
        elif mode == "mssql":
            d = recv_some(c)
            log(mode, where, d)
            if d[:1] == b"\x12":
                # PRELOGIN response: VERSION 15.0.2000.5, ENCRYPTION off.
                opts = b"\x00\x00\x0b\x00\x06\x01\x00\x11\x00\x01\xff" + b"\x0f\x00\x07\xd0\x00\x05" + b"\x02"
                c.sendall(b"\x04\x01" + struct.pack(">H", 8 + len(opts)) + b"\x00\x00\x01\x00" + opts)
        elif mode == "mongodb":
            d = recv_some(c)
            log(mode, where, d)
            if len(d) >= 16:
                doc = b"\x08ismaster\x00\x01" + b"\x10maxWireVersion\x00\x11\x00\x00\x00"
                bson = struct.pack("<i", 4 + len(doc) + 1) + doc + b"\x00"
                body = struct.pack("<iqii", 8, 0, 0, 1) + bson
                c.sendall(struct.pack("<iiii", 16 + len(body), 7, struct.unpack("<i", d[4:8])[0], 1) + body)
        elif mode == "dnp3":
            d = recv_some(c)
            log(mode, where, d)
            if d[:2] == b"\x05\x64":
                # LINK STATUS from outstation 1 to master 3 (CRC not checked by the scanner).
                c.sendall(b"\x05\x64\x05\x0b\x03\x00\x01\x00\x00\x00")
        elif mode == "endless":
            chunk = b"220 " + b"A" * 4092
            while True:
                c.sendall(chunk)
        elif mode == "drip":
            for b in b"220 slow server that drips one byte a second\r\n":
                c.sendall(bytes([b]))
                time.sleep(1)
        elif mode == "silent":
            time.sleep(30)
        elif mode == "garbage-tls":
            recv_some(c)
            c.sendall(b"\x16\x03\x01\xff\xff" + b"\x02\xff\xff\xff" + b"\x5a" * 8000)
            time.sleep(5)
    except OSError:
        pass
    finally:
        c.close()


def serve(mode, addr, port, sock):
    where = "%s:%d" % (addr, port)
    while True:
        c, _ = sock.accept()
        log("accept", where, b"")
        threading.Thread(target=handle, args=(mode, where, c), daemon=True).start()


def serve_bacnet(addr, port, sock):
    while True:
        d, peer = sock.recvfrom(1500)
        log("bacnet", "%s:%d" % (addr, port), d)
        if d[:1] == b"\x81":
            # I-Am: device 1234, max APDU 1476, segmentation none, vendor 260
            iam = b"\x10\x00\xc4\x02\x00\x04\xd2\x22\x05\xc4\x91\x03\x22\x01\x04"
            npdu = b"\x01\x00"
            sock.sendto(b"\x81\x0a" + struct.pack(">H", 4 + len(npdu) + len(iam)) + npdu + iam, peer)


def main():
    threads = []
    for spec in sys.argv[2:]:
        mode, where = spec.split("@", 1)
        addr, port = where.rsplit(":", 1)
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        if mode == "bacnet":
            s = socket.socket(fam, socket.SOCK_DGRAM)
            s.bind((addr, int(port)))
            threads.append(threading.Thread(target=serve_bacnet, args=(addr, int(port), s), daemon=True))
            continue
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, int(port)))
        s.listen(64)
        threads.append(threading.Thread(target=serve, args=(mode, addr, int(port), s), daemon=True))
    for t in threads:
        t.start()
    print("ready", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
