#!/usr/bin/python3
"""mx.py - an SMTP server for the scanner's STARTTLS check (python3-aiosmtpd).

  mx.py --host ADDR --port N --ready FILE [--tls CERT KEY]

With --tls it advertises STARTTLS (aiosmtpd's tls_context); without, it does
not. It accepts no mail (the scanner sends only EHLO and QUIT)."""
import argparse
import signal
import ssl
import sys

from aiosmtpd.controller import Controller


class Refuse:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 no mail here"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--ready", required=True)
    p.add_argument("--tls", nargs=2)
    a = p.parse_args()
    ctx = None
    if a.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
    c = Controller(Refuse(), hostname=a.host, port=a.port, tls_context=ctx,
                   require_starttls=False)
    c.start()
    with open(a.ready, "w") as f:
        f.write("ok")
    signal.signal(signal.SIGTERM, lambda *x: sys.exit(0))
    try:
        signal.pause()
    finally:
        c.stop()


if __name__ == "__main__":
    main()
