#!/usr/bin/python3
"""sink.py - a real SMTP server for the tests (python3-aiosmtpd), on loopback.

Every message accepted is written to DIR/NNNN.eml (as received, with the
envelope in X-Envelope-From / X-Envelope-To headers prepended) and its
Message-ID appended to DIR/received.log, one line each, before the server
answers 250.

  sink.py --port N --dir DIR [--delay S] [--reject ADDR] [--tempfail N]

--delay S    wait S seconds after recording a message, before answering (so a
             client killed meanwhile has delivered a message it never saw
             acknowledged: the window kcert calls "uncertain")
--reject A   answer 550 to RCPT TO:<A>
--tempfail N answer 451 to the first N messages (DATA), then accept
"""
import argparse
import asyncio
import email
import os
import signal
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, args):
        self.args = args
        self.count = 0
        self.tempfails = args.tempfail

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.args.reject and address.lower() == self.args.reject.lower():
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.tempfails > 0:
            self.tempfails -= 1
            return "451 4.3.0 try again later"
        self.count += 1
        raw = envelope.original_content or envelope.content
        path = os.path.join(self.args.dir, "%04d.eml" % self.count)
        with open(path + ".tmp", "wb") as f:
            f.write(b"X-Envelope-From: " + envelope.mail_from.encode() + b"\r\n")
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(raw)
        os.rename(path + ".tmp", path)
        msg = email.message_from_bytes(raw)
        with open(os.path.join(self.args.dir, "received.log"), "a") as f:
            f.write("%s %s\n" % (msg.get("Message-ID", "-").strip(), ",".join(envelope.rcpt_tos)))
        if self.args.delay:
            await asyncio.sleep(self.args.delay)
        return "250 OK queued"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--reject", default="")
    p.add_argument("--tempfail", type=int, default=0)
    args = p.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    c = Controller(Sink(args), hostname="127.0.0.1", port=args.port, decode_data=False)
    c.start()
    with open(os.path.join(args.dir, "ready"), "w") as f:
        f.write(str(os.getpid()))
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    try:
        signal.pause()
    finally:
        c.stop()


if __name__ == "__main__":
    main()
