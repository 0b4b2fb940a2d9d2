#!/usr/bin/python3
"""report_variant.py - a report message turned into what an attacker sends.

usage: report_variant.py [--from ADDR] [--to ADDR] [--html] [--exe] IN OUT

Reads a report message IN (a multipart/report like
tests/fixtures/mime-google.eml, LF or CRLF) and writes OUT with LF line
ends, changed as asked, before it is signed:
  --from ADDR  the From header becomes <ADDR>
  --to ADDR    the To header becomes <ADDR>
  --html       the human-readable part becomes text/html (a phishing text)
  --exe        an application/octet-stream part "invoice.exe" is added
               after the report part
The report part itself is kept, so the report still parses.
"""

import argparse
import re
import sys

EXE = ("TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
       "AAAAAAAAgAAAAA4fug4AtAnNIbgBTM0hVGhpcyBwcm9ncmFtIGNhbm5vdCBiZSBydW4=")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="sender")
    ap.add_argument("--to")
    ap.add_argument("--html", action="store_true")
    ap.add_argument("--exe", action="store_true")
    ap.add_argument("input")
    ap.add_argument("output")
    a = ap.parse_args()
    text = open(a.input, "rb").read().decode("ascii").replace("\r\n", "\n")
    head, body = text.split("\n\n", 1)
    m = re.search(r'boundary="?([^";\s]+)"?', head)
    if m is None:
        sys.exit("report_variant.py: no boundary in " + a.input)
    b = m.group(1)
    if a.sender:
        head = re.sub(r"(?m)^From:.*$", "From: <%s>" % a.sender, head)
    if a.to:
        head = re.sub(r"(?m)^To:.*$", "To: <%s>" % a.to, head)
    if a.html:
        body, n = re.subn(r"Content-Type: text/plain[^\n]*\n\n.*?\n(?=--%s)" % re.escape(b),
                          "Content-Type: text/html; charset=\"UTF-8\"\n\n"
                          "<html><body><p>Your invoice is attached. Open "
                          "invoice.exe to pay today.</p></body></html>\n\n",
                          body, count=1, flags=re.S)
        if n != 1:
            sys.exit("report_variant.py: no text/plain part in " + a.input)
    if a.exe:
        close = "--%s--" % b
        if close not in body:
            sys.exit("report_variant.py: no closing boundary in " + a.input)
        body = body.replace(close, "--%s\nContent-Type: application/octet-stream; "
                            "name=\"invoice.exe\"\nContent-Disposition: attachment; "
                            "filename=\"invoice.exe\"\nContent-Transfer-Encoding: "
                            "base64\n\n%s\n\n%s" % (b, EXE, close), 1)
    open(a.output, "w").write(head + "\n\n" + body)


main()
