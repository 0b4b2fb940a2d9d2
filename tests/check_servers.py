#!/usr/bin/env python3
"""check_servers.py - loopback DNS, HTTPS and SMTP servers for check_live.sh.

  check_servers.py PORTS_FILE --zone FILE [--https NAME:CERT:KEY:DOCROOT]...
                   [--smtp NAME:CERT:KEY[:tls11] | --smtp NAME:none]...

Binds every server on 127.0.0.1 with a free port, then writes NAME=PORT
lines (DNS=port for the DNS server) to PORTS_FILE and serves until killed.

DNS (UDP): zone lines "NAME TYPE DATA" with TYPE TXT (DATA is the text,
split into 255-byte strings), MX ("PREF HOST"), A, TLSA ("U S M HEX").
Unknown names get NXDOMAIN, known names without the type an empty answer.
Answers carry the AD bit (DNSSEC-validated) when the query asked for it,
as a validating resolver's do, except for names listed as "NAME INSECURE -".
HTTPS: GET /.well-known/mta-sts.txt serves DOCROOT/<Host>, as text/plain;
DOCROOT/<Host>.redirect answers 301 to its content; a missing file, 404.
SMTP (":tls11": TLS 1.0 and 1.1 only): banner, EHLO (offering STARTTLS when there is a certificate),
STARTTLS, then anything gets 250 until QUIT.
"""
import http.server
import os
import socket
import socketserver
import ssl
import struct
import sys
import threading

TYPES = {"A": 1, "MX": 15, "TXT": 16, "TLSA": 52}
INSECURE = set()


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rdata(rtype, data):
    if rtype == "A":
        return socket.inet_aton(data)
    if rtype == "MX":
        pref, host = data.split()
        return struct.pack("!H", int(pref)) + encode_name(host)
    if rtype == "TXT":
        raw = data.encode()
        chunks = [raw[i:i + 255] for i in range(0, len(raw), 255)] or [b""]
        return b"".join(bytes([len(c)]) + c for c in chunks)
    if rtype == "TLSA":
        u, s, m, hexdata = data.split()
        return bytes([int(u), int(s), int(m)]) + bytes.fromhex(hexdata)
    raise ValueError(rtype)


def load_zone(path):
    zone = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, rtype, data = line.split(" ", 2)
            if rtype == "INSECURE":
                INSECURE.add(name.lower().rstrip("."))
                continue
            zone.setdefault(name.lower().rstrip("."), []).append(
                (TYPES[rtype], rdata(rtype, data)))
    return zone


def dns_answer(zone, query):
    qid, flags, qd = struct.unpack("!HHH", query[:6])
    pos, labels = 12, []
    while query[pos]:
        n = query[pos]
        labels.append(query[pos + 1:pos + 1 + n].decode().lower())
        pos += 1 + n
    qtype, _ = struct.unpack("!HH", query[pos + 1:pos + 5])
    question = query[12:pos + 5]
    name = ".".join(labels)
    rcode, answers = 0, []
    if name not in zone:
        rcode = 3
    else:
        answers = [d for t, d in zone[name] if t == qtype]
    ad = flags & 0x0020 if name not in INSECURE else 0
    head = struct.pack("!HHHHHH", qid, 0x8400 | (flags & 0x0100) | 0x80 | ad | rcode,
                       1, len(answers), 0, 0)
    body = b"".join(struct.pack("!HHHIH", 0xC00C, qtype, 1, 60, len(d)) + d
                    for d in answers)
    return head + question + body


def serve_dns(sock, zone):
    while True:
        data, peer = sock.recvfrom(4096)
        try:
            sock.sendto(dns_answer(zone, data), peer)
        except Exception as e:  # a malformed query: drop it
            print("dns:", e, file=sys.stderr)


class PolicyHandler(http.server.BaseHTTPRequestHandler):
    docroot = "."

    def do_GET(self):
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        path = os.path.join(self.docroot, host)
        if self.path == "/.well-known/mta-sts.txt" and os.path.exists(path + ".redirect"):
            self.send_response(301)
            self.send_header("Location", open(path + ".redirect").read().strip())
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path != "/.well-known/mta-sts.txt" or not os.path.exists(path):
            self.send_error(404)
            return
        body = open(path, "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def https_server(cert, key, docroot):
    handler = type("H", (PolicyHandler,), {"docroot": docroot})
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    return srv


class SMTPHandler(socketserver.StreamRequestHandler):
    ctx = None

    def reply(self, f, text):
        f.write(text.encode() + b"\r\n")
        f.flush()

    def handle(self):
        rf, wf, tls = self.rfile, self.wfile, False
        self.reply(wf, "220 mx.test ESMTP check_servers")
        while True:
            line = rf.readline(1000)
            if not line:
                return
            cmd = line.strip().upper()
            if cmd.startswith(b"EHLO"):
                if self.ctx is not None and not tls:
                    self.reply(wf, "250-mx.test\r\n250-PIPELINING\r\n250 STARTTLS")
                else:
                    self.reply(wf, "250-mx.test\r\n250 PIPELINING")
            elif cmd == b"STARTTLS" and self.ctx is not None and not tls:
                self.reply(wf, "220 go ahead")
                try:
                    conn = self.ctx.wrap_socket(self.request, server_side=True)
                except (ssl.SSLError, OSError):
                    return
                rf, wf, tls = conn.makefile("rb"), conn.makefile("wb"), True
            elif cmd == b"QUIT":
                self.reply(wf, "221 bye")
                return
            else:
                self.reply(wf, "250 ok")


def smtp_server(cert, key, old=False):
    ctx = None
    if cert != "none":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        if old:  # TLS 1.1 at most: what a sender must refuse
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    handler = type("S", (SMTPHandler,), {"ctx": ctx})
    socketserver.ThreadingTCPServer.daemon_threads = True
    return socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)


def main():
    ports_file, args = sys.argv[1], sys.argv[2:]
    servers, ports = [], []
    zone = None
    while args:
        opt, val = args[0], args[1]
        args = args[2:]
        if opt == "--zone":
            zone = load_zone(val)
        elif opt == "--https":
            name, cert, key, docroot = val.split(":")
            srv = https_server(cert, key, docroot)
            servers.append(srv)
            ports.append((name, srv.server_address[1]))
        elif opt == "--smtp":
            name, cert, *rest = val.split(":")
            srv = smtp_server(cert, rest[0] if rest else None,
                              rest[1:] == ["tls11"])
            servers.append(srv)
            ports.append((name, srv.server_address[1]))
    dns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dns.bind(("127.0.0.1", 0))
    ports.append(("DNS", dns.getsockname()[1]))
    for srv in servers:
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    with open(ports_file + ".tmp", "w") as f:
        f.writelines("%s=%d\n" % p for p in ports)
    os.rename(ports_file + ".tmp", ports_file)
    serve_dns(dns, zone or {})


if __name__ == "__main__":
    main()
