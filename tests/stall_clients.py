#!/usr/bin/python3
"""stall_clients.py - connections that stall, for tests/stall.sh.

Two milter modes speak the milter protocol (version 6) to the filter's
socket the way an MTA would, for N connections at once, each carrying a
TLS-RPT report candidate (From the Google reporting address,
multipart/report), and then stop in one of two places:

  midpacket  inside a body packet: the length says 10,000 bytes, 100 are
             sent.  libmilter's worker is blocked reading the rest, so
             MilterTimeout applies; the filter should close the
             connection once it has passed.
  idle       after a whole body packet, between commands, as an MTA does
             while its SMTP client is slow.  No worker is held; the
             connection waits in libmilter's poll set.

A third mode is a slow SMTP client:

  smtp       to an MTA's SMTP port: EHLO, MAIL, RCPT, DATA, a few header
             lines of a report, then nothing.

Usage: stall_clients.py SOCKET MODE N HOLD_SECONDS READY_FILE
SOCKET is unix:/path or inet:port@host (the filter's, or the MTA's SMTP
port for smtp).

Once every connection has reached its stall it writes "stalled N" to
READY_FILE.  Then it waits up to HOLD_SECONDS for the peer to close the
connections and prints one line:
  closed K of N; first after A s, last after B s
(A and B are "-" when none closed), each measured from that connection's
own stall.  Connections still open at the end are closed abruptly (no
QUIT), as a crashed MTA or client would leave them.  Exit 0 unless the
protocol failed.
"""
import select
import socket
import struct
import sys
import time

SMFIC_OPTNEG, SMFIC_MACRO, SMFIC_HEADER = b"O", b"D", b"L"
SMFIC_EOH, SMFIC_BODY = b"N", b"B"
SMFIP_NR_HDR = 0x80
SMFIP_NOHDRS = 0x20
SMFIP_NOEOH = 0x40
SMFI_ALL_ACTIONS = 0x1FF

HEADERS = [
    ("From", "noreply-smtp-tls-reporting@google.com"),
    ("To", "tlsrpt@example.net"),
    ("Subject", "Report Domain: example.net Submitter: google.com"),
    ("TLS-Report-Domain", "example.net"),
    ("TLS-Report-Submitter", "google.com"),
    ("MIME-Version", "1.0"),
    ("Content-Type", 'multipart/report; report-type="tlsrpt"; boundary="b1"'),
]


def packet(cmd, data=b""):
    return struct.pack(">I", len(data) + 1) + cmd + data


def read_packet(sock):
    head = read_exact(sock, 4)
    (n,) = struct.unpack(">I", head)
    if n < 1 or n > 1 << 20:
        raise IOError("bad reply length %d" % n)
    body = read_exact(sock, n)
    return body[:1], body[1:]


def read_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise IOError("filter closed the connection")
        data += chunk
    return data


def connect(spec):
    if spec.startswith("inet:"):
        port, _, host = spec[5:].partition("@")
        sock = socket.create_connection((host or "127.0.0.1", int(port)), timeout=30)
    else:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(30)
        sock.connect(spec[5:] if spec.startswith("unix:") else spec)
    return sock


def smtp_reply(f):
    """The last line of one SMTP reply; raises unless it is 2xx/3xx."""
    while True:
        line = f.readline()
        if not line:
            raise IOError("SMTP server closed the connection")
        if line[3:4] != b"-":
            if line[:1] not in (b"2", b"3"):
                raise IOError("SMTP: %r" % line)
            return line


def smtp_stall(sock, seq):
    f = sock.makefile("rb")
    smtp_reply(f)
    for cmd in (b"EHLO slow%d.example.org" % seq, b"MAIL FROM:<noreply-smtp-tls-reporting@google.com>",
                b"RCPT TO:<tlsrpt@example.net>", b"DATA"):
        sock.sendall(cmd + b"\r\n")
        smtp_reply(f)
    for name, value in HEADERS[:3]:
        sock.sendall(name.encode() + b": " + value.encode() + b"\r\n")


def start_message(sock, seq):
    """Negotiate and send a report candidate's headers; True when the
    filter asks for its body (it continued at end-of-headers)."""
    sock.sendall(packet(SMFIC_OPTNEG, struct.pack(">III", 6, SMFI_ALL_ACTIONS, 0x1FFFFF)))
    cmd, data = read_packet(sock)
    if cmd != SMFIC_OPTNEG or len(data) < 12:
        raise IOError("no option negotiation reply (%r)" % cmd)
    _, _, pflags = struct.unpack(">III", data[:12])
    if pflags & (SMFIP_NOHDRS | SMFIP_NOEOH):
        raise IOError("filter declined headers (flags %#x)" % pflags)
    for name, value in HEADERS:
        sock.sendall(packet(SMFIC_HEADER, name.encode() + b"\0" + value.encode() + b"\0"))
        if not pflags & SMFIP_NR_HDR:
            read_packet(sock)
    # The queue id, as Postfix sends it: a macro of the end-of-headers step.
    qid = ("STALL%05d" % seq).encode()
    sock.sendall(packet(SMFIC_MACRO, SMFIC_EOH + b"i\0" + qid + b"\0"))
    sock.sendall(packet(SMFIC_EOH))
    cmd, _ = read_packet(sock)
    return cmd == b"c"


def stall(sock, mode):
    chunk = b"--b1\r\nContent-Type: text/plain\r\n\r\nThis is a report.\r\n" + b"x" * 40
    if mode == "idle":
        sock.sendall(packet(SMFIC_BODY, chunk))
        cmd, _ = read_packet(sock)
        if cmd != b"c":
            raise IOError("body chunk not continued (%r)" % cmd)
    else:
        declared = 10000
        sock.sendall(struct.pack(">I", declared + 1) + SMFIC_BODY + chunk[:100])


def main():
    if len(sys.argv) != 6 or sys.argv[2] not in ("midpacket", "idle", "smtp"):
        sys.stderr.write("usage: stall_clients.py SOCKET midpacket|idle|smtp N HOLD READY_FILE\n")
        return 2
    spec, mode, n, hold, ready = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        float(sys.argv[4]), sys.argv[5]
    stalled_at = {}     # fd -> (socket, when its stall began)
    for i in range(n):
        sock = connect(spec)
        if mode == "smtp":
            smtp_stall(sock, i)
        elif not start_message(sock, i):
            print("connection %d: the filter did not ask for the body" % i)
            return 1
        else:
            stall(sock, mode)
        stalled_at[sock.fileno()] = (sock, time.monotonic())
    t_all = time.monotonic()
    with open(ready, "w") as f:
        f.write("stalled %d\n" % n)
    closed = []
    while stalled_at and time.monotonic() - t_all < hold:
        r, _, _ = select.select(list(stalled_at), [], [], 0.2)
        for fd in r:
            sock, since = stalled_at[fd]
            try:
                data = sock.recv(4096)
            except OSError:
                data = b""
            if not data:    # anything else would be a reply: keep waiting
                closed.append(time.monotonic() - since)
                stalled_at.pop(fd)
                sock.close()
    for sock, _ in stalled_at.values():
        sock.close()
    first = "%.1f" % min(closed) if closed else "-"
    last = "%.1f" % max(closed) if closed else "-"
    print("closed %d of %d; first after %s s, last after %s s" % (len(closed), n, first, last))
    return 0


if __name__ == "__main__":
    sys.exit(main())
