#!/usr/bin/python3
"""load_send.py - a mail load for tlsrpt-milter behind a real Postfix.

usage: load_send.py send --port P --keys DIR --run RUN --first N --count N
                         --manifest FILE [--threads 20] [--per-session 25]
                         [--bad-tag X-TLSRPT]
       load_send.py check --manifest FILE [FILE...] --maildir DIR
                         [--db FILE] [--tag X-TLSRPT] [--either-tag T2]
                         [--absent-tag T3] [--delivery-only]

send: builds every message first, in this one process (DKIM signatures
with python3-dkim, keys DIR/{google.com,microsoft.com,mail.example,
evil.example}.pem), then sends them over THREADS concurrent SMTP sessions,
each session carrying PER-SESSION messages before it quits and a new one
starts.  Sequence numbers FIRST..FIRST+COUNT-1 pick the mix by N % 100:
  0-89  ordinary mail to bob@example.net (1-8 KB of text), no tag header
  90-98 a valid signed report to tlsrpt@example.net with a unique
        report-id, in turn Google-style (gzip attachment with name=,
        TLS-Report headers signed), Microsoft-style (TLS-Report headers
        not signed, no name= on the part) and Mail.ru-style (failure
        details not adding up to the summary, no closing boundary)
  99    a bad report carrying a forged "BAD-TAG: pass" header, in turn:
        broken gzip, broken base64 (both signed by google.com), unsigned,
        signed by the unaligned evil.example
Every message has a unique Message-ID and an X-Load-Seq header.  One
manifest line per message: "SEQ KIND REPORT-ID STATUS" (REPORT-ID
%-encoded: Mail.ru-style ids carry an escaped CRLF) where STATUS is
250 or the SMTP error; prints "sent N in S s (R msg/s), E errors".

check: reads the manifests, the Maildir tree (every file under DIR/*/new)
and optionally the SQLite store, and prints one line per check,
"ok   ..." or "FAIL ...", then "checks: P passed, F failed".  With
--either-tag, a valid report may carry its pass under TAG or T2 (a reload
in the middle of the batch) and bad reports are not checked for tags;
--absent-tag: no message carries header T3; --delivery-only: only SMTP
acceptance and delivery exactly once are checked (the milter was down for
part of the batch).
"""

import argparse
import base64
import email.parser
import gzip
import json
import os
import random
import re
import smtplib
import sqlite3
import sys
import threading
import time
import urllib.parse

import dkim

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dkim_sign  # noqa: E402  (pkcs1_pem: the key form python3-dkim reads)

START, END = 1709251200, 1709337599     # 2024-03-01, a whole day
DATE = "Sat, 2 Mar 2024 06:12:00 +0000"
WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do "
         "eiusmod tempor incididunt ut labore et dolore magna aliqua").split()


def kind_of(seq):
    r = seq % 100
    if r < 90:
        return "ordinary"
    if r < 99:
        return ("google", "microsoft", "mailru")[(seq // 100) % 3]
    return ("bad-gzip", "bad-base64", "unsigned", "unaligned")[(seq // 100) % 4]


def b64(data):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def gz(obj):
    return gzip.compress(json.dumps(obj, indent=1).encode(), mtime=0)


def rfc3339(t, zulu=True):
    s = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t))
    return s + "Z" if zulu else s


def report_json(org, contact, rid, policy, ok, fail, details, zulu=True,
                end=END):
    pol = {"policy": policy,
           "summary": {"total-successful-session-count": ok,
                       "total-failure-session-count": fail}}
    if details is not None:
        pol["failure-details"] = details
    return {"organization-name": org,
            "date-range": {"start-datetime": rfc3339(START, zulu),
                           "end-datetime": rfc3339(end, zulu)},
            "contact-info": contact, "report-id": rid, "policies": [pol]}


STS = {"policy-type": "sts", "policy-domain": "example.net",
       "policy-string": ["version: STSv1", "mode: enforce",
                         "mx: mx1.example.net", "max_age: 86400"]}


def headers(lines):
    return "".join("%s: %s\n" % kv for kv in lines)


def google(seq, rid, payload):
    b = "000000000000%012x" % seq
    fn = "google.com!example.net!%d!%d!%03d.json.gz" % (START, END, seq % 1000)
    return (headers([
        ("From", "<noreply-smtp-tls-reporting@google.com>"),
        ("To", "<tlsrpt@example.net>"), ("Date", DATE),
        ("Subject", "Report Domain: example.net Submitter: google.com "
                    "Report-ID: <%s>" % rid),
        ("TLS-Report-Domain", "example.net"),
        ("TLS-Report-Submitter", "google.com"),
        ("Message-ID", "<load-%d@google.com>" % seq),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/report; boundary="%s"; '
                         'report-type=tlsrpt' % b)]) +
        "\n--%s\nContent-Type: text/plain; charset=\"UTF-8\"\n\n"
        "This is an aggregate TLS report from google.com\n\n"
        "--%s\nContent-Type: application/tlsrpt+gzip;\n\tname=\"%s\"\n"
        "Content-Disposition: attachment;\n\tfilename=\"%s\"\n"
        "Content-Transfer-Encoding: base64\n\n%s\n\n--%s--\n"
        % (b, b, fn, fn, payload, b))


def microsoft(seq, rid, payload):
    b = "_%08x-8d41-4b7a-9e55-0c9d8b7a6f51_" % seq
    fn = "microsoft.com!example.net!%d!%d!%s.json.gz" % (START, END, rid)
    return (headers([
        ("From", "<tlsrpt-noreply@microsoft.com>"),
        ("To", "<tlsrpt@example.net>"), ("Date", DATE),
        ("Subject", "Report Domain: example.net Submitter: microsoft.com "
                    "Report-ID:\n %s" % rid),
        ("TLS-Report-Domain", "example.net"),
        ("TLS-Report-Submitter", "microsoft.com"),
        ("Message-ID", "<load-%d@microsoft.example.net>" % seq),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/report;\n\tboundary="%s"; '
                         'report-type="tlsrpt"' % b)]) +
        "\n--%s\nContent-Type: text/html; charset=\"us-ascii\"\n\n"
        "<html><body><p>This is an aggregate TLS report from microsoft.com"
        "</p></body></html>\n\n"
        "--%s\nContent-Type: application/tlsrpt+gzip\n"
        "Content-Description:\n %s\n"
        "Content-Disposition: attachment;\n\tfilename=\"%s\"\n"
        "Content-Transfer-Encoding: base64\n\n%s\n\n--%s--\n"
        % (b, b, fn, fn, payload, b))


def mailru(seq, rid, payload):
    b = "----=_Part_%d_load" % seq
    fn = "mail.example!example.net!%d!%d.json.gz" % (START, END + 1)
    # The closing boundary never comes, as Mail.ru's does not.
    return (headers([
        ("From", "<tlsrpt@mail.example>"),
        ("To", "<tlsrpt@example.net>"), ("Date", DATE),
        ("Subject", "Report Domain: example.net Submitter: mail.example "
                    "Report-ID: <%s>" % rid.split("\r")[0]),
        ("TLS-Report-Domain", "example.net"),
        ("TLS-Report-Submitter", "mail.example"),
        ("Message-ID", "<load-%d@mail.example>" % seq),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/report; report-type="tlsrpt";\n'
                         '\tboundary="%s"' % b)]) +
        "\nThis is a multi-part message in MIME format.\n\n"
        "--%s\nContent-Type: text/plain; charset=\"UTF-8\"\n\n"
        "This is an aggregate TLS report from mail.example\n\n"
        "--%s\nContent-Type: application/tlsrpt+gzip;\n\tname=\"%s\"\n"
        "Content-Disposition: attachment;\n\tfilename=\"%s\"\n"
        "Content-Transfer-Encoding: base64\n\n%s\n"
        % (b, b, fn, fn, payload))


def ordinary(seq, rng):
    body = []
    for _ in range(rng.randint(15, 110)):
        body.append(" ".join(rng.choice(WORDS) for _ in range(11)))
    return (headers([
        ("From", "Alice %d <alice%d@example.org>" % (seq % 50, seq % 50)),
        ("To", "bob@example.net"), ("Date", DATE),
        ("Subject", "load message %d" % seq),
        ("Message-ID", "<load-%d@example.org>" % seq),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=us-ascii")]) +
        "\n" + "\n".join(body) + "\n")


class Signer:
    GOOGLE_H = [b"from", b"to", b"subject", b"date", b"message-id",
                b"mime-version", b"content-type", b"tls-report-domain",
                b"tls-report-submitter"]
    PLAIN_H = [b"from", b"to", b"subject", b"date", b"message-id",
               b"mime-version", b"content-type"]

    def __init__(self, keydir):
        self.keys = {}
        for d in ("google.com", "microsoft.com", "mail.example",
                  "evil.example"):
            with open(os.path.join(keydir, d + ".pem"), "rb") as f:
                self.keys[d] = dkim_sign.pkcs1_pem(f.read())

    def sign(self, text, domain, selector, hdrs):
        msg = re.sub(rb"\r?\n", b"\r\n", text.encode())
        sig = dkim.sign(msg, selector.encode(), domain.encode(),
                        self.keys[domain], include_headers=hdrs,
                        canonicalize=(b"relaxed", b"simple"))
        return sig + msg


def build(seq, run, rng, signer, bad_tag):
    """(kind, report-id or "-", CRLF message bytes)."""
    kind = kind_of(seq)
    extra = b"X-Load-Seq: %d\r\n" % seq
    if kind == "ordinary":
        msg = re.sub(rb"\r?\n", b"\r\n", ordinary(seq, rng).encode())
        return kind, "-", extra + msg
    if kind == "google":
        rid = "load-%s-%d" % (run, seq)
        j = report_json("Google Inc.", "smtp-tls-reporting@google.com", rid,
                        STS, seq % 1000, 0, None)
        return kind, rid, extra + signer.sign(
            google(seq, rid, b64(gz(j))), "google.com", "sel",
            Signer.GOOGLE_H)
    if kind == "microsoft":
        rid = "%s%012d+example.net" % (run, seq)
        j = report_json("Microsoft Corporation", "tlsrpt-noreply@microsoft.com",
                        rid, STS, 25, 6,
                        [{"result-type": "sts-policy-fetch-error",
                          "failed-session-count": 6}], zulu=False)
        return kind, rid, extra + signer.sign(
            microsoft(seq, rid, b64(gz(j))), "microsoft.com", "selector1",
            Signer.PLAIN_H)
    if kind == "mailru":
        # A line break in the report-id (a JSON escape): hostile strings
        # must reach neither the log nor the tag as a line of their own.
        rid = "%s-%d@mail.example\r\nInjected: %d" % (run, seq, seq)
        j = report_json("Mail.example", "tls_support@corp.example.org", rid,
                        {"policy-domain": "example.net", "policy-type": "sts"},
                        0, 1,
                        [{"failed-session-count": 1,
                          "result-type": "sts-policy-fetch-error",
                          "failure-reason-code": "bad https response code: 404"},
                         {"failed-session-count": 1,
                          "result-type": "sts-policy-fetch-error",
                          "failure-reason-code": "bad https response code: 503"}],
                        end=END + 1)
        return kind, rid, extra + signer.sign(
            mailru(seq, rid, b64(gz(j))), "mail.example", "mail",
            Signer.GOOGLE_H)
    # Bad: a report-id that must never reach the store.
    rid = "bad-%s-%d" % (run, seq)
    j = report_json("Google Inc.", "smtp-tls-reporting@google.com", rid,
                    STS, 1, 0, None)
    payload = gz(j)
    forged = b"%s: pass submitter=google.com domain=example.net\r\n" % \
        bad_tag.encode()
    if kind == "bad-gzip":
        # Cut the deflate stream in the middle and append junk.
        text = google(seq, rid, b64(payload[:len(payload) // 2] + b"\x00junk"))
        return kind, rid, extra + forged + signer.sign(
            text, "google.com", "sel", Signer.GOOGLE_H)
    if kind == "bad-base64":
        s = b64(payload)
        text = google(seq, rid, s[:len(s) // 3] + "\n!!!*** not base64 ***!!!\n"
                      + s[len(s) // 3 + 7:])
        return kind, rid, extra + forged + signer.sign(
            text, "google.com", "sel", Signer.GOOGLE_H)
    text = google(seq, rid, b64(payload))
    if kind == "unsigned":
        return kind, rid, extra + forged + re.sub(rb"\r?\n", b"\r\n",
                                                  text.encode())
    return kind, rid, extra + forged + signer.sign(   # unaligned
        text, "evil.example", "sel", Signer.GOOGLE_H)


def send(args):
    rng = random.Random(args.first)
    signer = Signer(args.keys)
    t0 = time.time()
    msgs = [(seq,) + build(seq, args.run, rng, signer, args.bad_tag)
            for seq in range(args.first, args.first + args.count)]
    print("built %d messages in %.1f s" % (len(msgs), time.time() - t0),
          flush=True)
    status = {}
    lock = threading.Lock()
    it = iter(msgs)

    def take():
        with lock:
            return next(it, None)

    def worker():
        s, n = None, 0
        while True:
            m = take()
            if m is None:
                break
            seq, kind, _, data = m
            rcpt = "bob@example.net" if kind == "ordinary" else \
                "tlsrpt@example.net"
            try:
                if s is None:
                    s = smtplib.SMTP("127.0.0.1", args.port, timeout=120)
                    s.ehlo("client%d.example.org" % (seq % 20))
                s.sendmail("sender@example.org", [rcpt], data)
                st = "250"
            except smtplib.SMTPResponseException as e:
                st = "%d" % e.smtp_code
            except (smtplib.SMTPException, OSError) as e:
                st = "error:" + type(e).__name__
                s = None
                n = 0
            with lock:
                status[seq] = st
            n += 1
            if s is not None and n >= args.per_session:
                try:
                    s.quit()
                except (smtplib.SMTPException, OSError):
                    pass
                s, n = None, 0
        if s is not None:
            try:
                s.quit()
            except (smtplib.SMTPException, OSError):
                pass

    t1 = time.time()
    print("sending from %.3f" % t1, flush=True)
    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dt = time.time() - t1
    errors = 0
    with open(args.manifest, "w") as f:
        for seq, kind, rid, _ in msgs:
            st = status.get(seq, "unsent")
            errors += st != "250"
            f.write("%d %s %s %s\n" % (seq, kind, urllib.parse.quote(rid), st))
    print("sent %d in %.1f s (%.0f msg/s), %d errors" %
          (len(msgs), dt, len(msgs) / dt if dt > 0 else 0, errors))
    return 0 if errors == 0 else 1


def check(args):
    passed = failed = 0

    def result(cond, what):
        nonlocal passed, failed
        if cond:
            passed += 1
            print("ok   " + what)
        else:
            failed += 1
            print("FAIL " + what)

    want = {}
    for mf in args.manifest:
        with open(mf) as f:
            for line in f:
                seq, kind, rid, st = line.split()
                want[int(seq)] = (kind, urllib.parse.unquote(rid), st)
    unaccepted = [s for s, v in want.items() if v[2] != "250"]
    result(not unaccepted, "all %d messages accepted by SMTP%s" % (
        len(want), "" if not unaccepted else ": %d not, e.g. %s" % (
            len(unaccepted), [(s, want[s][2]) for s in unaccepted[:5]])))

    tag, tag2 = args.tag.lower(), (args.either_tag or "").lower()
    tag3 = (args.absent_tag or "").lower()
    seen = {}
    tags = {}
    absent = []
    hp = email.parser.BytesHeaderParser()
    for box in sorted(os.listdir(args.maildir)):
        d = os.path.join(args.maildir, box, "new")
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            with open(os.path.join(d, name), "rb") as f:
                h = hp.parse(f)
            s = h.get("X-Load-Seq")
            if s is None:
                continue
            s = int(s)
            seen[s] = seen.get(s, 0) + 1
            tags[s] = [(k.lower(), " ".join(str(v).split()))
                       for k, v in h.items() if k.lower() in (tag, tag2)]
            if tag3 and s in want and h.get(tag3) is not None:
                absent.append(s)
    ours = {s: n for s, n in seen.items() if s in want}
    missing = [s for s in want if s not in ours]
    twice = [s for s, n in ours.items() if n > 1]
    result(not missing, "every message delivered (%d of %d)%s" % (
        len(want) - len(missing), len(want),
        "" if not missing else ", missing e.g. %s" % sorted(missing)[:10]))
    result(not twice, "none delivered twice%s" % (
        "" if not twice else ": %d, e.g. %s" % (len(twice), twice[:10])))

    if args.delivery_only:
        print("checks: %d passed, %d failed" % (passed, failed))
        return 0 if failed == 0 else 1
    if tag3:
        result(not absent, "no message carries %s%s" % (
            args.absent_tag, "" if not absent else ": e.g. %s" % absent[:5]))

    by_kind = {}
    for s, (kind, _, _) in want.items():
        by_kind.setdefault(kind, []).append(s)
    valid = [s for k in ("google", "microsoft", "mailru")
             for s in by_kind.get(k, [])]
    bad = [s for k in ("bad-gzip", "bad-base64", "unsigned", "unaligned")
           for s in by_kind.get(k, [])]
    ordinary = by_kind.get("ordinary", [])
    print("     (%d ordinary, %d valid reports: %s; %d bad: %s)" % (
        len(ordinary), len(valid),
        ", ".join("%s %d" % (k, len(by_kind.get(k, [])))
                  for k in ("google", "microsoft", "mailru")), len(bad),
        ", ".join("%s %d" % (k, len(by_kind.get(k, [])))
                  for k in ("bad-gzip", "bad-base64", "unsigned",
                            "unaligned"))))

    def pass_tags(s):
        return [t for t in tags.get(s, []) if t[1].startswith("pass")]

    notpass = [s for s in valid if s in tags and
               (len(tags[s]) != 1 or not tags[s][0][1].startswith("pass"))]
    result(not notpass, "every valid report tagged pass, once%s" % (
        "" if not notpass else ": %d not, e.g. %s" % (
            len(notpass), [(s, want[s][0], tags[s]) for s in notpass[:3]])))
    if tag2:
        new = [s for s in valid if s in tags and tags[s] and
               tags[s][0][0] == tag2]
        print("     (%d of %d valid reports tagged %s, the rest %s)" % (
            len(new), len(valid), args.either_tag, args.tag))
    else:
        forged = [s for s in bad if pass_tags(s)]
        result(not forged, "no bad or forged report carries %s: pass%s" % (
            args.tag, "" if not forged else ": %d do, e.g. %s" % (
                len(forged), [(s, want[s][0], tags[s]) for s in forged[:3]])))
        untagged = [s for s in bad if s in tags and (
            len(tags[s]) != 1 or
            not tags[s][0][1].startswith(("fail ", "invalid ")))]
        result(not untagged, "every bad report carries exactly one "
               "%s (fail or invalid)%s" % (args.tag, "" if not untagged else
                                           ": e.g. %s" % [(s, tags[s]) for s in
                                                          untagged[:3]]))
    tagged = [s for s in ordinary if tags.get(s)]
    result(not tagged, "no ordinary message carries a tag header%s" % (
        "" if not tagged else ": %d do, e.g. %s" % (len(tagged), tagged[:5])))

    if args.db:
        db = sqlite3.connect("file:%s?mode=ro" % args.db, uri=True)
        rows = db.execute("SELECT report_id, verified FROM reports").fetchall()
        db.close()
        ids = {}
        for rid, _ in rows:
            ids[rid] = ids.get(rid, 0) + 1
        expect = {want[s][1] for s in valid}
        got = [r for r in ids if r in expect]
        result(len(got) == len(expect), "every valid report stored (%d of %d)"
               % (len(got), len(expect)))
        dup = [r for r in got if ids[r] > 1]
        result(not dup, "none stored twice%s" % (
            "" if not dup else ": e.g. %s" % dup[:5]))
        unver = [r for r, v in rows if r in expect and v != 1]
        result(not unver, "all stored verified")
        badids = {want[s][1] for s in bad}
        stored_bad = [r for r in ids if r in badids]
        result(not stored_bad, "no bad report stored%s" % (
            "" if not stored_bad else ": e.g. %s" % stored_bad[:5]))
    print("checks: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--keys", required=True)
    s.add_argument("--run", required=True)
    s.add_argument("--first", type=int, default=0)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--manifest", required=True)
    s.add_argument("--threads", type=int, default=20)
    s.add_argument("--per-session", type=int, default=25)
    s.add_argument("--bad-tag", default="X-TLSRPT")
    c = sub.add_parser("check")
    c.add_argument("--manifest", nargs="+", required=True)
    c.add_argument("--maildir", required=True)
    c.add_argument("--db")
    c.add_argument("--tag", default="X-TLSRPT")
    c.add_argument("--either-tag")
    c.add_argument("--absent-tag")
    c.add_argument("--delivery-only", action="store_true")
    args = ap.parse_args()
    return send(args) if args.cmd == "send" else check(args)


if __name__ == "__main__":
    sys.exit(main())
