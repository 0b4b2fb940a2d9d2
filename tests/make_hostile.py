#!/usr/bin/python3
"""make_hostile.py DIR - the hostile messages of tests/hostile.sh, each a
TLS-RPT candidate (TLS-Report-Domain header, multipart/report):
  bomb.eml      a gzip "report" that inflates to 1 GiB of zeros (~1 MB sent)
  nested.eml    multipart nested 1024 levels deep
  parts.eml     one multipart/report with 100,000 tiny parts
  longhdr.eml   a 64 KiB header line
  details.eml   a valid report with 200,000 distinct failure details
                (28 MB of JSON, 1.5 MB sent): within the parser's limits
"""
import base64
import gzip
import json
import os
import sys
import zlib

HEAD = ("From: noreply-smtp-tls-reporting@google.com\r\n"
        "To: tlsrpt@example.net\r\n"
        "Subject: Report Domain: example.net Submitter: google.com Report-ID: <x>\r\n"
        "TLS-Report-Domain: example.net\r\n"
        "TLS-Report-Submitter: google.com\r\n"
        "MIME-Version: 1.0\r\n")


def write(path, text):
    with open(path, "wb") as f:
        f.write(text.encode("ascii"))


def bomb():
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 20)
    out = [c.compress(chunk) for _ in range(1024)]
    out.append(c.flush())
    b64 = base64.encodebytes(b"".join(out)).decode().replace("\n", "\r\n")
    return (HEAD + 'Content-Type: multipart/report; report-type=tlsrpt; boundary="B"\r\n\r\n'
            "--B\r\nContent-Type: text/plain\r\n\r\nreport\r\n"
            "--B\r\nContent-Type: application/tlsrpt+gzip; name=\"r.json.gz\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "--B--\r\n")


def nested(depth=1024):
    head = HEAD + 'Content-Type: multipart/report; report-type=tlsrpt; boundary="b0"\r\n\r\n'
    opening = "".join('--b%d\r\nContent-Type: multipart/mixed; boundary="b%d"\r\n\r\n' % (i, i + 1)
                      for i in range(depth))
    inner = "--b%d\r\nContent-Type: application/tlsrpt+json\r\n\r\n{}\r\n--b%d--\r\n" % (depth, depth)
    closing = "".join("--b%d--\r\n" % i for i in range(depth - 1, -1, -1))
    return head + opening + inner + closing


def parts(n=100000):
    body = "".join("--B\r\nContent-Type: text/plain\r\n\r\nx\r\n" for _ in range(n))
    return (HEAD + 'Content-Type: multipart/report; report-type=tlsrpt; boundary="B"\r\n\r\n'
            + body + "--B--\r\n")


def longhdr():
    return (HEAD + "X-Long: " + "a" * 65536 + "\r\n"
            + 'Content-Type: multipart/report; report-type=tlsrpt; boundary="B"\r\n\r\n'
            "--B\r\nContent-Type: application/tlsrpt+json\r\n\r\n{}\r\n--B--\r\n")


def details(n=200000):
    det = [{"result-type": "validation-failure",
            "sending-mta-ip": "10.%d.%d.%d" % (i >> 16, (i >> 8) & 255, i & 255),
            "receiving-mx-hostname": "mx%d.example.net" % i,
            "failed-session-count": 1} for i in range(n)]
    rep = {"organization-name": "Google Inc.", "contact-info": "x@google.com",
           "report-id": "hostile-details",
           "date-range": {"start-datetime": "2026-03-01T00:00:00Z",
                          "end-datetime": "2026-03-01T23:59:59Z"},
           "policies": [{"policy": {"policy-type": "sts", "policy-domain": "example.net",
                                    "mx-host": ["mx.example.net"]},
                         "summary": {"total-successful-session-count": n,
                                     "total-failure-session-count": n},
                         "failure-details": det}]}
    gz = gzip.compress(json.dumps(rep, separators=(",", ":")).encode(), 9, mtime=0)
    b64 = base64.encodebytes(gz).decode().replace("\n", "\r\n")
    return (HEAD + 'Content-Type: multipart/report; report-type=tlsrpt; boundary="B"\r\n\r\n'
            "--B\r\nContent-Type: text/plain\r\n\r\nreport\r\n"
            "--B\r\nContent-Type: application/tlsrpt+gzip; name=\"r.json.gz\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "--B--\r\n")


d = sys.argv[1]
os.makedirs(d, exist_ok=True)
for name, make in (("bomb", bomb), ("nested", nested), ("parts", parts), ("longhdr", longhdr),
                   ("details", details)):
    write(os.path.join(d, name + ".eml"), make())
