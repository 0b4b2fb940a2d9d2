#!/usr/bin/python3
"""make_report_fixtures.py DIR - write the TLS-RPT reports of the fixture
database that tests/report.sh renders (with --scenarios, those of
tests/report_episodes.sh: see scenarios() below): three domains, six reporters,
2026-01-01 to 2026-03-31, each insight's pattern present once (and a
near miss that must not trigger it).  Deterministic: no randomness.

  example.com  STS, mx1 + mx2.  certificate-expired on mx2 only, 03-05..03-08
               (mx-certificate); 250 starttls-not-supported on 02-20 (rate
               spike); sts-webpki-invalid from ONE reporter on 01-25 (no
               sts-outage); Mail.ru on 03-15 disagrees with its own totals.
  example.net  DANE (tlsa).  tlsa-invalid 02-10..02-11 then cleared
               (tlsa-rollover).
  example.org  STS, one MX.  sts-policy-fetch-error from Google and
               Microsoft on 01-20 (sts-outage); certificate-host-mismatch
               on its only MX on 02-15 (no mx-certificate: nothing to
               compare with).
  Comcast reports daily until 03-10 and then stops (silent-reporter at
  03-31, not at 03-10); a small MTA reports weekly (cadence 7, never
  silent); one report file is stored unverified.
"""
import datetime
import json
import os
import sys

START = datetime.date(2026, 1, 1)
DAYS = 90


def day(n):
    return START + datetime.timedelta(days=n)


def iso(d):
    return d.isoformat()


def in_range(d, first, last):
    return iso(first) <= iso(d) <= iso(last)


D = datetime.date


def policy(ptype, domain, mx, ok, failed, details, strings=None):
    p = {"policy": {"policy-type": ptype, "policy-domain": domain, "mx-host": mx},
         "summary": {"total-successful-session-count": ok,
                     "total-failure-session-count": failed}}
    if strings:
        p["policy"]["policy-string"] = strings
    if details:
        p["failure-details"] = details
    return p


def detail(rt, count, mx=None, ip=None, sender=None, code=None):
    d = {"result-type": rt, "failed-session-count": count}
    if sender:
        d["sending-mta-ip"] = sender
    if mx:
        d["receiving-mx-hostname"] = mx
    if ip:
        d["receiving-ip"] = ip
    if code:
        d["failure-reason-code"] = code
    return d


STS = {
    "example.com": ["version: STSv1", "mode: enforce", "mx: mx1.example.com",
                    "mx: mx2.example.com", "max_age: 604800"],
    "example.org": ["version: STSv1", "mode: enforce", "mx: mx.example.org",
                    "max_age: 604800"],
}
SENDERS = {"Google Inc.": "209.85.220.41", "Microsoft Corporation": "40.107.22.50",
           "Comcast": "96.114.154.170", "Mail.ru": "94.100.180.1",
           "mail.example-sender.net": "198.51.100.25"}
# Who signs each reporter's mail: the stored reporter (tests/fixture_store.c
# reads it from the file name).
SIGNERS = {"Google Inc.": "google.com", "Microsoft Corporation": "microsoft.com",
           "Comcast": "comcast.net", "Mail.ru": "mail.ru",
           "mail.example-sender.net": "mail.example-sender.net"}
CONTACTS = {"Google Inc.": "smtp-tls-reporting@google.com",
            "Microsoft Corporation": "tlsrpt-noreply@microsoft.com",
            "Comcast": "tlsrpt@comcast.net", "Mail.ru": "tlsrpt@mail.ru",
            "mail.example-sender.net": None}


def example_com(org, d, n):
    base = {"Google Inc.": 1000, "Microsoft Corporation": 500, "Comcast": 100,
            "Mail.ru": 50}[org]
    ok, det = base + (n % 7) * 10, []
    ip = SENDERS[org]
    if org == "Google Inc.":
        det.append(detail("validation-failure", 1, "mx1.example.com", "192.0.2.1", ip,
                          "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY"))
        if iso(d) == "2026-02-20":
            det.append(detail("starttls-not-supported", 250, "mx1.example.com",
                              "192.0.2.1", ip))
    if in_range(d, D(2026, 3, 5), D(2026, 3, 8)) and org in ("Google Inc.",
                                                            "Microsoft Corporation"):
        det.append(detail("certificate-expired", 60 if org == "Google Inc." else 30,
                          "mx2.example.com", "192.0.2.2", ip,
                          "X509_V_ERR_CERT_HAS_EXPIRED"))
    if iso(d) == "2026-01-25" and org == "Microsoft Corporation":
        det.append(detail("sts-webpki-invalid", 5))
    failed = sum(x["failed-session-count"] for x in det)
    if org == "Mail.ru" and iso(d) == "2026-03-15":
        det = [detail("validation-failure", 3, code="certificate verify failed")]
        failed = 5          # does not add up, as Mail.ru's reports do
    return policy("sts", "example.com", ["mx1.example.com", "mx2.example.com"], ok,
                  failed, det, STS["example.com"])


def example_net(org, d, n):
    ok, det = {"Google Inc.": 300, "Comcast": 80}[org] + n % 5, []
    if in_range(d, D(2026, 2, 10), D(2026, 2, 11)):
        det.append(detail("tlsa-invalid", 40 if org == "Google Inc." else 10,
                          "mx.example.net", "192.0.2.10", SENDERS[org]))
    return policy("tlsa", "example.net", ["mx.example.net"], ok,
                  sum(x["failed-session-count"] for x in det), det,
                  ["_25._tcp.mx.example.net. IN TLSA 3 1 1 "
                   "0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6"])


def example_org(org, d, n):
    if org == "mail.example-sender.net":
        return policy("no-policy-found", "example.org", [], 12, 0, [])
    ok, det = {"Google Inc.": 200, "Microsoft Corporation": 150}[org] + n % 3, []
    if iso(d) == "2026-01-20":
        det.append(detail("sts-policy-fetch-error", 20 if org == "Google Inc." else 15))
    if iso(d) == "2026-02-15" and org == "Google Inc.":
        det.append(detail("certificate-host-mismatch", 3, "mx.example.org",
                          "192.0.2.20", SENDERS[org]))
    return policy("sts", "example.org", ["mx.example.org"], ok,
                  sum(x["failed-session-count"] for x in det), det, STS["example.org"])


def reporters_for(d, n):
    """(organization, [policy builders]) sending a report on day D."""
    out = [("Google Inc.", [example_com, example_net, example_org]),
           ("Microsoft Corporation", [example_com, example_org])]
    if iso(d) <= "2026-03-10":
        out.append(("Comcast", [example_com, example_net]))
    if n % 2 == 0 or iso(d) == "2026-03-15":
        out.append(("Mail.ru", [example_com]))
    if n % 7 == 2:
        out.append(("mail.example-sender.net", [example_org]))
    return out


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for n in range(DAYS):
        d = day(n)
        for org, builders in reporters_for(d, n):
            end = (d + datetime.timedelta(days=1)) if org == "Mail.ru" else d
            rep = {
                "organization-name": org,
                "date-range": {
                    "start-datetime": iso(d) + "T00:00:00Z",
                    "end-datetime": iso(end) + ("T00:00:00Z" if org == "Mail.ru"
                                                else "T23:59:59Z")},
                "contact-info": CONTACTS[org],
                "report-id": "%s-%s" % (org.split()[0].lower(), iso(d)),
                "policies": [b(org, d, n) for b in builders],
            }
            name = "%s_%s@%s.json" % (iso(d), org.split()[0].lower().replace(".", "-"),
                                      SIGNERS[org])
            with open(os.path.join(out, name), "w") as f:
                json.dump(rep, f, indent=1)
    # One report stored unverified: counted only with --include-unverified.
    rep = {"organization-name": "Unverified Sender",
           "date-range": {"start-datetime": "2026-02-01T00:00:00Z",
                          "end-datetime": "2026-02-01T23:59:59Z"},
           "contact-info": "reports@unverified.example", "report-id": "unverified-1",
           "policies": [policy("sts", "example.com", ["mx1.example.com"], 7, 900,
                               [detail("certificate-not-trusted", 900,
                                       "mx1.example.com")])]}
    with open(os.path.join(out, "2026-02-01_unverified.json"), "w") as f:
        json.dump(rep, f, indent=1)


# ---- scenarios: one domain each, 2026-05-01 to 2026-06-29 (days 0-59) ----
SC_START = datetime.date(2026, 5, 1)
SC_DAYS = 60
RESULT_TYPES = ["starttls-not-supported", "certificate-host-mismatch",
                "certificate-expired", "certificate-not-trusted", "validation-failure",
                "tlsa-invalid", "dnssec-invalid", "dane-required",
                "sts-policy-fetch-error", "sts-policy-invalid", "sts-webpki-invalid"]
DANE_TYPES = ("tlsa-invalid", "dnssec-invalid", "dane-required")
SC_BASE = {"Google Inc.": 1000, "Microsoft Corporation": 400, "Comcast": 100}


def sc_policy(domain, mxs, org, failures, mode="enforce", ptype="sts"):
    """FAILURES: [(result type, mx or None, share of this reporter's sessions)]."""
    total = SC_BASE[org]
    det = []
    for rt, mx, share in failures:
        n = int(total * share)
        ip = "192.0.2.%d" % (mxs.index(mx) + 1) if mx in mxs else None
        det.append(detail(rt, n, mx, ip, SENDERS[org], None))
    failed = sum(x["failed-session-count"] for x in det)
    strings = (["version: STSv1", "mode: %s" % mode] + ["mx: " + m for m in mxs] +
               ["max_age: 604800"]) if ptype == "sts" else \
        ["_25._tcp.%s. IN TLSA 3 1 1 %s" % (mxs[0], "ab" * 32)]
    return policy(ptype, domain, mxs, total - failed, failed, det, strings)


def scenario_domains():
    """domain -> function(org, day) -> policy or None (no report)."""
    out = {}

    def episode(rt, first, last, mxname):
        def f(org, n, domain):
            if org == "Comcast":
                return None
            mxs = ["mx1." + domain, "mx2." + domain]
            mx = None if rt.startswith("sts-") else mxs[0]
            fails = [(rt, mx, 0.3)] if first <= n <= last else []
            return sc_policy(domain, mxs, org, fails,
                             ptype="tlsa" if rt in DANE_TYPES else "sts")
        return f
    for rt in RESULT_TYPES:
        out["ongoing-%s.example" % rt] = episode(rt, 40, SC_DAYS - 1, "mx1")
        out["resolved-%s.example" % rt] = episode(rt, 20, 29, "mx1")

    def single_mx(org, n, domain):
        if org == "Comcast":
            return None
        fails = [("certificate-expired", "mx." + domain, 1.0)] if 45 <= n <= 52 else []
        return sc_policy(domain, ["mx." + domain], org, fails)
    out["single-mx.example"] = single_mx

    def backup_mx(org, n, domain):
        if org == "Comcast":
            return None
        return sc_policy(domain, ["mx1." + domain, "mx2." + domain], org,
                         [("starttls-not-supported", "mx2." + domain, 0.12)], mode="testing")
    out["backup-mx.example"] = backup_mx

    def one_reporter(org, n, domain):
        if org == "Comcast":
            return None
        fails = [("sts-webpki-invalid", None, 0.2)] if (
            org == "Microsoft Corporation" and n >= 30) else []
        return sc_policy(domain, ["mx1." + domain, "mx2." + domain], org, fails)
    out["one-reporter.example"] = one_reporter

    def healthy(org, n, domain):
        if org == "Comcast":
            return None
        return sc_policy(domain, ["mx1." + domain, "mx2." + domain], org, [])
    out["healthy.example"] = healthy

    def silent(org, n, domain):
        if org == "Microsoft Corporation" or (org == "Comcast" and n > 30):
            return None
        return sc_policy(domain, ["mx1." + domain], org, [])
    out["silent.example"] = silent
    return out


def scenarios(out):
    """Each domain its own story; reports from Google and Microsoft daily
    (Comcast only for silent.example, until day 30), one policy each."""
    os.makedirs(out, exist_ok=True)
    doms = scenario_domains()
    for n in range(SC_DAYS):
        d = SC_START + datetime.timedelta(days=n)
        for org in ("Google Inc.", "Microsoft Corporation", "Comcast"):
            pols = [p for p in (f(org, n, dom) for dom, f in sorted(doms.items())) if p]
            if not pols:
                continue
            rep = {"organization-name": org,
                   "date-range": {"start-datetime": iso(d) + "T00:00:00Z",
                                  "end-datetime": iso(d) + "T23:59:59Z"},
                   "contact-info": CONTACTS[org],
                   "report-id": "sc-%s-%s" % (org.split()[0].lower(), iso(d)),
                   "policies": pols}
            name = "sc_%s_%s@%s.json" % (iso(d), org.split()[0].lower(), SIGNERS[org])
            with open(os.path.join(out, name), "w") as f:
                json.dump(rep, f, indent=1)


if len(sys.argv) == 3 and sys.argv[1] == "--scenarios":
    scenarios(sys.argv[2])
else:
    main()
