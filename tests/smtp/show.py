#!/usr/bin/python3
"""show.py - print what a test needs to see of received messages, decoded.

  show.py FILE.eml...

For each message: the envelope, From, To, Subject (RFC 2047 decoded),
Auto-Submitted, the text body, and for each attachment its name, content
type and (for CSV) its lines.
"""
import email
import sys
from email import policy

for path in sys.argv[1:]:
    with open(path, "rb") as f:
        m = email.message_from_binary_file(f, policy=policy.default)
    print("== %s" % path)
    for h in ("X-Envelope-From", "X-Envelope-To", "From", "To", "Subject", "Message-ID", "Auto-Submitted",
              "In-Reply-To"):
        if m[h] is not None:
            print("%s: %s" % (h, m[h]))
    body = m.get_body(("plain",))
    if body is not None:
        print("-- body")
        print(body.get_content())
    for a in m.iter_attachments():
        print("-- attachment %s %s" % (a.get_filename(), a.get_content_type()))
        if a.get_content_type() == "text/csv":
            for line in a.get_content().splitlines():
                print("csv: %s" % line)
