#!/usr/bin/python3
"""dkim_sign.py - DKIM-sign a test message offline with python3-dkim.

usage: dkim_sign.py [options] SELECTOR DOMAIN KEY.pem IN OUT

Reads IN (LF or CRLF), signs it, and writes the message with the new
DKIM-Signature header on top to OUT, with LF line ends unless --crlf.
KEY.pem is what `openssl genrsa 2048` writes (PKCS#8 or PKCS#1).
Run with /usr/bin/python3: Debian's python3-dkim lives there.
"""

import argparse
import base64
import re
import sys

import dkim


def der_item(data, pos):
    """One DER item at POS: (tag, content start, content end)."""
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7F
        length = int.from_bytes(data[pos:pos + n], "big")
        pos += n
    return tag, pos, pos + length


def pkcs1_pem(pem):
    """The key as PKCS#1 PEM, which is all python3-dkim reads."""
    if b"BEGIN RSA PRIVATE KEY" in pem:
        return pem
    m = re.search(b"-----BEGIN PRIVATE KEY-----(.*?)-----END PRIVATE KEY-----",
                  pem, re.DOTALL)
    if m is None:
        sys.exit("dkim_sign.py: no private key in the key file")
    der = base64.b64decode(b"".join(m.group(1).split()))
    # PrivateKeyInfo ::= SEQUENCE { version, algorithm, OCTET STRING key }
    _, pos, _ = der_item(der, 0)
    for _ in range(2):
        _, _, pos = der_item(der, pos)
    tag, start, end = der_item(der, pos)
    if tag != 0x04:
        sys.exit("dkim_sign.py: unexpected PKCS#8 layout")
    b64 = base64.b64encode(der[start:end])
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return (b"-----BEGIN RSA PRIVATE KEY-----\n" + b"\n".join(lines) +
            b"\n-----END RSA PRIVATE KEY-----\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("selector")
    ap.add_argument("domain")
    ap.add_argument("key")
    ap.add_argument("infile")
    ap.add_argument("outfile")
    ap.add_argument("--headers", help="comma-separated h= list "
                    "(default: python3-dkim's choice)")
    ap.add_argument("--length", action="store_true", help="add l=")
    ap.add_argument("--canon", default="relaxed/simple",
                    help="header/body canonicalization")
    ap.add_argument("--algo", default="rsa-sha256",
                    help="signing algorithm (a=): rsa-sha256 or rsa-sha1")
    ap.add_argument("--crlf", action="store_true",
                    help="write CRLF line ends")
    args = ap.parse_args()

    with open(args.infile, "rb") as f:
        msg = f.read()
    msg = re.sub(rb"\r?\n", b"\r\n", msg)
    with open(args.key, "rb") as f:
        key = pkcs1_pem(f.read())
    hdrs = None
    if args.headers:
        hdrs = [h.strip().encode() for h in args.headers.split(",")]
    hcanon, _, bcanon = args.canon.partition("/")
    sig = dkim.sign(msg, args.selector.encode(), args.domain.encode(), key,
                    include_headers=hdrs, length=args.length,
                    signature_algorithm=args.algo.encode(),
                    canonicalize=(hcanon.encode(), (bcanon or "simple")
                                  .encode()))
    out = sig + msg
    if not args.crlf:
        out = out.replace(b"\r\n", b"\n")
    with open(args.outfile, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
