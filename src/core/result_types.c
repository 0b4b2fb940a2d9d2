/*
 * result_types.c - the RFC 8460 result-type registry, decoded for admins.
 *
 * One static table, in the order of RFC 8460 section 4.3 (which is also
 * the IANA "STARTTLS Validation Result Types" registry), followed by a
 * fallback entry for values the table does not know.  The registry is
 * extensible, so unknown values are explained, never rejected.
 *
 * Text conventions: fields are lines joined by "\n" without a trailing
 * newline; lines are wrapped by hand so that the printed block (which
 * indents Meaning/Causes by 13 and Confirm/Fix by 4) stays under 100
 * columns.  Commands use placeholders: EXAMPLE.COM is your domain,
 * MX.EXAMPLE.COM one of its MX hosts (repeat for every host).
 */
#include "result_types.h"
#include "text_safe.h"

#include <stddef.h>
#include <string.h>

/* Pipeline used by several entries: fetch the live MX certificate. */
#define FETCH_MX_CERT \
	"openssl s_client -starttls smtp -connect MX.EXAMPLE.COM:25 \\\n" \
	"    -servername MX.EXAMPLE.COM </dev/null 2>/dev/null"

#define FULL_S_CLIENT \
	"openssl s_client -starttls smtp -connect MX.EXAMPLE.COM:25 \\\n" \
	"    -servername MX.EXAMPLE.COM -showcerts"

#define TLSA_311_DIGEST \
	FETCH_MX_CERT " | openssl x509 -noout -pubkey \\\n" \
	"    | openssl pkey -pubin -outform DER | openssl dgst -sha256"

#define CHECK_TLSA \
	"# the 'ad' flag needs a validating resolver; add @1.1.1.1 if yours is not\n" \
	"dig +dnssec TLSA _25._tcp.MX.EXAMPLE.COM"

#define REUSE_KEY_NOTE \
	"If you publish DANE TLSA 3 1 1 records, renew with the same key\n" \
	"(certbot renew --reuse-key) or the new certificate breaks DANE (tlsa-invalid)."

#define RELOAD_MTA \
	"Reload the MTA after every certificate change, or it may keep serving\n" \
	"the old one: postfix reload (Exim: systemctl restart exim4)."

/*
 * The table.  The last entry (name "") is the fallback and is not part of
 * what result_types_all() hands out.
 */
static const struct result_type_info result_types[] = {
	{
		"starttls-not-supported",
		"negotiation",
		"The receiving MX did not offer STARTTLS",
		"The sender connected to one of your MX hosts on port 25 and could not\n"
		"start TLS: STARTTLS was missing from the EHLO response (or refused).\n"
		"Under an MTA-STS policy in enforce mode or a DANE policy the sender\n"
		"must not fall back to plaintext, so the mail was delayed and may\n"
		"bounce; otherwise it may have been delivered unencrypted.",
		"- TLS is not enabled in the MTA (Postfix smtpd_tls_security_level\n"
		"  empty or none; Exim tls_advertise_hosts empty)\n"
		"- the MTA cannot read its certificate or key and silently runs\n"
		"  without TLS (look for TLS warnings in the mail log)\n"
		"- a firewall or middlebox with SMTP inspection strips STARTTLS from\n"
		"  the EHLO response (a Cisco ASA shows XXXXXXXA instead)\n"
		"- one MX host (often a backup MX) or one node behind a load balancer\n"
		"  is configured differently from the others",
		"dig +short MX EXAMPLE.COM\n"
		"# run from outside your network, so any middlebox is in the path;\n"
		"# \"Didn't find STARTTLS in server response\" confirms the problem\n"
		FULL_S_CLIENT "\n"
		"postconf smtpd_tls_security_level smtpd_tls_chain_files\n"
		"postconf smtpd_tls_cert_file smtpd_tls_key_file\n"
		"grep -i tls /var/log/mail.log | tail -n 50",
		"Enable STARTTLS with a certificate on every MX host.\n"
		"Postfix (main.cf), then postfix reload:\n"
		"    smtpd_tls_security_level = may\n"
		"    # Postfix >= 3.4: key first, then the full chain\n"
		"    smtpd_tls_chain_files = /etc/letsencrypt/live/MX.EXAMPLE.COM/privkey.pem,\n"
		"        /etc/letsencrypt/live/MX.EXAMPLE.COM/fullchain.pem\n"
		"    # older Postfix instead:\n"
		"    # smtpd_tls_cert_file = /etc/letsencrypt/live/MX.EXAMPLE.COM/fullchain.pem\n"
		"    # smtpd_tls_key_file = /etc/letsencrypt/live/MX.EXAMPLE.COM/privkey.pem\n"
		"Exim, then restart it:\n"
		"    tls_advertise_hosts = *\n"
		"    tls_certificate = /etc/letsencrypt/live/MX.EXAMPLE.COM/fullchain.pem\n"
		"    tls_privatekey = /etc/letsencrypt/live/MX.EXAMPLE.COM/privkey.pem\n"
		"If the MTA already offers STARTTLS when tested locally, turn off\n"
		"SMTP/ESMTP inspection on the firewall or middlebox in front of it.\n"
		"Keep \"may\": \"encrypt\" would refuse senders that cannot do TLS.",
	},
	{
		"certificate-host-mismatch",
		"negotiation",
		"The MX certificate does not match the name the policy requires",
		"The certificate your MX host presented did not meet the constraints of\n"
		"your MTA-STS or DANE policy.  The usual case: the MX hostname the sender\n"
		"connected to (the name in your MX record) is not among the certificate's\n"
		"subjectAltName DNS names.  With MTA-STS the MX hostname must also match\n"
		"an mx: line of the policy.  With DANE, name checks apply to DANE-TA\n"
		"(TLSA usage 2) but not to DANE-EE (usage 3).",
		"- the certificate was issued for another name (the bare domain, the\n"
		"  web site, the hosting provider's default host)\n"
		"- a new MX host or MX record was added without reissuing the certificate\n"
		"- the name is only in the Common Name; verifiers use subjectAltName\n"
		"- a wildcard that does not fit: *.EXAMPLE.COM covers one label only\n"
		"- the server picks a default certificate for the SNI name it is sent\n"
		"- (MTA-STS) the MX records changed but the policy's mx: lines did not",
		"dig +short MX EXAMPLE.COM\n"
		FETCH_MX_CERT " \\\n"
		"    | openssl x509 -noout -subject -ext subjectAltName\n"
		FULL_S_CLIENT " \\\n"
		"    -verify_hostname MX.EXAMPLE.COM -verify_return_error </dev/null\n"
		"curl -sv https://mta-sts.EXAMPLE.COM/.well-known/mta-sts.txt\n"
		CHECK_TLSA,
		"Get a certificate whose subjectAltName contains every MX hostname\n"
		"exactly as written in your MX records, install it on every MX host\n"
		"(Postfix smtpd_tls_chain_files or smtpd_tls_cert_file; Exim\n"
		"tls_certificate) and reload (postfix reload).\n"
		"With MTA-STS, make every MX hostname match an mx: line (e.g.\n"
		"mx: MX.EXAMPLE.COM or mx: *.EXAMPLE.COM), and change the id= in the\n"
		"_mta-sts.EXAMPLE.COM TXT record so senders fetch the new policy.\n"
		"If a provider runs your MX, point the MX record at the provider's own\n"
		"hostname, which its certificate covers.\n"
		REUSE_KEY_NOTE,
	},
	{
		"certificate-expired",
		"negotiation",
		"The MX host's certificate has expired",
		"The certificate your MX host presented was past its notAfter date when\n"
		"the sender connected.  An MTA-STS sender in enforce mode refuses such a\n"
		"certificate, so the mail was delayed and may bounce.  (DANE-EE, TLSA\n"
		"usage 3, tells senders to ignore the dates; MTA-STS does not.)  An\n"
		"expired intermediate certificate in the chain you serve can also be\n"
		"reported this way.",
		"- automatic renewal failed (certbot timer not running, the ACME\n"
		"  challenge blocked, DNS API credentials expired)\n"
		"- the certificate was renewed but the MTA was not reloaded and still\n"
		"  serves the old one from memory\n"
		"- the MTA points at a copied file instead of the renewed live path\n"
		"- one MX host, often a backup MX, was forgotten\n"
		"- the chain file still contains an old, expired intermediate",
		FETCH_MX_CERT " \\\n"
		"    | openssl x509 -noout -dates -ext subjectAltName\n"
		"# check notAfter of every certificate in the chain:\n"
		FULL_S_CLIENT " </dev/null\n"
		"# the file on disk; if it is newer than what is served, reload the MTA:\n"
		"openssl x509 -noout -dates -in /etc/letsencrypt/live/MX.EXAMPLE.COM/fullchain.pem\n"
		"certbot certificates\n"
		"systemctl list-timers | grep -i certbot",
		"Renew the certificate (certbot renew), make the MTA use the live\n"
		"fullchain.pem path, and reload it: postfix reload (Exim: systemctl\n"
		"restart exim4).  Make the reload automatic with an executable script\n"
		"in /etc/letsencrypt/renewal-hooks/deploy/ that runs postfix reload.\n"
		"Do this on every MX host, then check the served dates again.\n"
		REUSE_KEY_NOTE,
	},
	{
		"certificate-not-trusted",
		"negotiation",
		"The MX certificate chain could not be validated to a trusted CA",
		"A catch-all for certificate chain failures: an untrusted or unknown CA,\n"
		"a self-signed certificate, a missing or wrong intermediate, a name\n"
		"constraint violation, and the like.  RFC 8460 asks reporters to put the\n"
		"precise reason in failure-reason-code, so read that field too.\n"
		"MTA-STS requires a certificate that chains to a CA the sender trusts\n"
		"(the public web PKI); self-signed or private-CA certificates fail.",
		"- a self-signed or private-CA certificate (fine for DANE-EE, not for\n"
		"  MTA-STS)\n"
		"- only the leaf certificate is served (cert.pem instead of\n"
		"  fullchain.pem), so the sender cannot build the chain\n"
		"- a wrong, outdated or misordered intermediate in the chain file\n"
		"- a CA that is not in common trust stores, or a revoked certificate",
		"# look at \"Verify return code\" at the end: 0 (ok) is good; 18, 19,\n"
		"# 20 and 21 are chain problems (self-signed, missing issuer)\n"
		FULL_S_CLIENT " </dev/null\n"
		"# 1 means only the leaf is served, without intermediates:\n"
		FULL_S_CLIENT " \\\n"
		"    </dev/null 2>/dev/null | grep -c 'BEGIN CERTIFICATE'",
		"Use a certificate from a publicly trusted CA (e.g. Let's Encrypt) and\n"
		"serve the full chain, leaf first, then the intermediates:\n"
		"    Postfix >= 3.4: smtpd_tls_chain_files = privkey.pem, fullchain.pem\n"
		"    older Postfix:  smtpd_tls_cert_file = fullchain.pem\n"
		"                    smtpd_tls_key_file = privkey.pem\n"
		"    Exim:           tls_certificate = fullchain.pem\n"
		"(full paths, e.g. /etc/letsencrypt/live/MX.EXAMPLE.COM/), then\n"
		"postfix reload (Exim: systemctl restart exim4).\n"
		REUSE_KEY_NOTE,
	},
	{
		"validation-failure",
		"negotiation",
		"A TLS failure that fits none of the other negotiation types",
		"A general failure for a reason not covered by the other negotiation\n"
		"types.  RFC 8460 asks reporters to explain it in failure-reason-code,\n"
		"which is therefore the field to read first (also\n"
		"additional-information).  Examples are a TLS handshake that fails\n"
		"because client and server share no protocol version or cipher, or a\n"
		"connection dropped during the handshake.",
		"- the MX offers only old protocols (SSLv3, TLS 1.0/1.1), or TLS 1.2\n"
		"  was disabled by too strict a protocol setting\n"
		"- a cipher list so restricted that common senders share no cipher\n"
		"- the private key does not match the certificate, or an unusable key\n"
		"- a middlebox or load balancer that breaks the TLS handshake\n"
		"- (MTA-STS) an MX hostname that matches no mx: line of the policy",
		FULL_S_CLIENT " -tls1_2 </dev/null\n"
		FULL_S_CLIENT " -tls1_3 </dev/null\n"
		FULL_S_CLIENT " -verify_return_error </dev/null\n"
		"postconf smtpd_tls_protocols smtpd_tls_mandatory_protocols\n"
		"postconf smtpd_tls_ciphers smtpd_tls_exclude_ciphers\n"
		"grep -iE 'SSL_accept|TLS' /var/log/mail.log | tail -n 50\n"
		"curl -s https://mta-sts.EXAMPLE.COM/.well-known/mta-sts.txt",
		"Start from failure-reason-code.  Make TLS 1.2 and 1.3 work:\n"
		"    Postfix: keep smtpd_tls_protocols and smtpd_tls_mandatory_protocols\n"
		"    at their defaults, or set them to >=TLSv1.2 (Postfix >= 3.6);\n"
		"    never exclude TLSv1.2.\n"
		"Keep the default cipher lists and disable only ciphers known to be\n"
		"broken (Postfix smtpd_tls_exclude_ciphers).  Check that the key\n"
		"matches the certificate, then postfix reload.  With MTA-STS, make\n"
		"every MX hostname match an mx: line and change the TXT id=.",
	},
	{
		"tlsa-invalid",
		"policy",
		"None of the MX host's TLSA records matched its certificate",
		"The sender found DNSSEC-validated TLSA records at\n"
		"_25._tcp.<your MX host>, but none of the records in that set was valid\n"
		"for the certificate chain the host presented (or none was usable).\n"
		"A DANE sender then refuses to deliver, with no fallback to\n"
		"unauthenticated TLS or plaintext: the mail waits in its queue and\n"
		"bounces if this is not fixed in time.",
		"- the certificate was renewed with a new key (certbot's default) while\n"
		"  the TLSA 3 1 1 record still holds the old key's digest\n"
		"- a 3 0 1 record (whole certificate), which changes at every renewal\n"
		"- a 2 x x record for an intermediate the CA has since replaced, or an\n"
		"  intermediate the server does not send\n"
		"- a typo in the digest, or records at the wrong name or port\n"
		"- usage 0 or 1 (PKIX-TA/PKIX-EE): RFC 7672 tells SMTP senders to treat\n"
		"  them as unusable",
		"dig +short MX EXAMPLE.COM\n"
		CHECK_TLSA "\n"
		"# digest for a 3 1 1 record, from the certificate actually served:\n"
		TLSA_311_DIGEST "\n"
		"# let OpenSSL do the DANE match against one record:\n"
		FULL_S_CLIENT " \\\n"
		"    -dane_tlsa_domain MX.EXAMPLE.COM -dane_tlsa_rrdata \"3 1 1 HEXDIGEST\" </dev/null",
		"Publish TLSA 3 1 1 records holding the SHA-256 of the current public\n"
		"key (the digest above), for every MX host, and keep the key across\n"
		"renewals: certbot renew --reuse-key.  To change keys: create the new\n"
		"key first, publish its digest next to the current one\n"
		"    tlsrpt tlsa --name MX.EXAMPLE.COM NEW.key\n"
		"wait at least two TTLs of the TLSA record set, then deploy the\n"
		"certificate for the new key (postfix reload), and only then remove the\n"
		"old record.  Avoid 3 0 1; if you use 2 1 1, publish records for every\n"
		"intermediate your CA may issue from and serve the one you pin.",
	},
	{
		"dnssec-invalid",
		"policy",
		"DNSSEC validation of your MX or TLSA records failed",
		"The sender's validating resolver returned no valid records: the DNSSEC\n"
		"answers for the lookups DANE needs (MX, the MX host's addresses, TLSA)\n"
		"were bogus, typically seen as SERVFAIL.  A DANE sender cannot tell\n"
		"this from an attack, so it defers the mail.",
		"- expired RRSIG signatures (zone signing stopped or the re-sign job\n"
		"  failed)\n"
		"- the DS record at the registrar no longer matches the zone's DNSKEY\n"
		"  (after a key rollover, algorithm change or DNS provider move)\n"
		"- authoritative servers serving different versions of the zone, some\n"
		"  unsigned or stale\n"
		"- servers that answer TLSA queries wrongly or give broken NSEC/NSEC3\n"
		"  proofs for names without TLSA records\n"
		"- the MX host lives in another zone (e.g. a provider's) with broken DNSSEC",
		"delv MX EXAMPLE.COM\n"
		"delv TLSA _25._tcp.MX.EXAMPLE.COM\n"
		"# SERVFAIL here but an answer with +cd means the data is bogus:\n"
		"dig +dnssec TLSA _25._tcp.MX.EXAMPLE.COM\n"
		"dig +cd +dnssec TLSA _25._tcp.MX.EXAMPLE.COM\n"
		"# compare the DS key tags with the DNSKEYs the zone serves:\n"
		"dig +short DS EXAMPLE.COM\n"
		"dig +multi DNSKEY EXAMPLE.COM\n"
		"# a graphical analysis: https://dnsviz.net/d/EXAMPLE.COM/dnssec/",
		"Repair the chain of trust: re-sign the zone and fix the signing\n"
		"automation so signatures never expire; make the DS at the registrar\n"
		"match the current key-signing key; make every authoritative server\n"
		"serve the same signed zone; and fix (or replace) servers that mishandle\n"
		"TLSA queries.  Removing the DS makes the zone insecure, which stops\n"
		"the failures but also turns DANE off.  Check again with delv until it\n"
		"says \"fully validated\".",
	},
	{
		"dane-required",
		"policy",
		"The sender requires DANE but your MX has no validated TLSA records",
		"The sender is configured to require DANE for all MX hosts of your\n"
		"domain (mandatory DANE, RFC 7672 section 6), but found no\n"
		"DNSSEC-validated TLSA records for the MX host in the report.  Such a\n"
		"policy is usually set up by agreement between two organisations that\n"
		"exchange sensitive mail; the sender will not deliver without DANE.",
		"- no TLSA records were ever published, or they were removed\n"
		"- the zone holding the MX hostname is not DNSSEC-signed, or has no DS\n"
		"  at the parent, so its records are not validated\n"
		"- TLSA records at the wrong name (they belong at _25._tcp.<MX host>,\n"
		"  one set per MX host, not at _25._tcp.EXAMPLE.COM)\n"
		"- the MX host is in a provider's zone that is not signed",
		"dig +short MX EXAMPLE.COM\n"
		CHECK_TLSA "\n"
		"delv TLSA _25._tcp.MX.EXAMPLE.COM\n"
		"dig +short DS EXAMPLE.COM\n"
		"# the digest a TLSA 3 1 1 record for this host must hold:\n"
		TLSA_311_DIGEST,
		"Sign the zone of each MX hostname with DNSSEC, publish the DS at the\n"
		"registrar, then publish a TLSA 3 1 1 record per MX host at\n"
		"_25._tcp.<MX host> with the digest computed above, and keep the key\n"
		"across renewals (certbot renew --reuse-key).  If you do not intend\n"
		"to run DANE, ask the sender to drop the requirement.",
	},
	{
		"sts-policy-invalid",
		"policy",
		"Your MTA-STS policy file was fetched but is not a valid policy",
		"The sender fetched https://mta-sts.EXAMPLE.COM/.well-known/mta-sts.txt\n"
		"but the policy as a whole failed validation: a required field is\n"
		"missing or has a bad value, or the content is not a policy at all.",
		"- missing or misspelled version: STSv1\n"
		"- mode: not exactly enforce, testing or none\n"
		"- no mx: lines\n"
		"- max_age: missing, not a plain number of seconds, or over 31557600\n"
		"- an HTML page (error page, login page) served instead of the policy\n"
		"- lines not in key: value form, stray characters or a byte-order mark\n"
		"- a Content-Type other than text/plain (some senders reject that)",
		"curl -sv https://mta-sts.EXAMPLE.COM/.well-known/mta-sts.txt\n"
		"# shows hidden characters; ^M$ line ends (CRLF) are fine:\n"
		"curl -s https://mta-sts.EXAMPLE.COM/.well-known/mta-sts.txt | cat -A\n"
		"dig +short TXT _mta-sts.EXAMPLE.COM",
		"Serve a plain text file (text/plain; CRLF or LF line ends) like:\n"
		"    version: STSv1\n"
		"    mode: enforce\n"
		"    mx: MX.EXAMPLE.COM\n"
		"    mx: *.EXAMPLE.COM\n"
		"    max_age: 604800\n"
		"with one mx: line per MX name or pattern.  Every time the policy\n"
		"changes, change the id= in the TXT record (1-32 letters or digits):\n"
		"    _mta-sts.EXAMPLE.COM. TXT \"v=STSv1; id=2024060101\"",
	},
	{
		"sts-webpki-invalid",
		"policy",
		"The MTA-STS policy web server's certificate failed validation",
		"The sender could not authenticate your MTA-STS policy with PKIX (web\n"
		"PKI) validation: the HTTPS certificate of mta-sts.EXAMPLE.COM was not\n"
		"trusted, expired, or not valid for that name.  This is about the web\n"
		"server that hosts the policy, not about the MX hosts.",
		"- the certificate does not cover mta-sts.EXAMPLE.COM (the web server or\n"
		"  hosting/CDN serves the main site's or a default certificate)\n"
		"- a self-signed or private-CA certificate\n"
		"- the certificate expired (renewal failed, or the web server was not\n"
		"  reloaded)\n"
		"- the intermediate certificate is not served",
		"# curl verifies like a sender; look for \"SSL certificate problem\"\n"
		"# or \"no alternative certificate subject name matches\":\n"
		"curl -sv https://mta-sts.EXAMPLE.COM/.well-known/mta-sts.txt\n"
		"openssl s_client -connect mta-sts.EXAMPLE.COM:443 \\\n"
		"    -servername mta-sts.EXAMPLE.COM -showcerts -verify_return_error </dev/null\n"
		"openssl s_client -connect mta-sts.EXAMPLE.COM:443 \\\n"
		"    -servername mta-sts.EXAMPLE.COM </dev/null 2>/dev/null \\\n"
		"    | openssl x509 -noout -dates -ext subjectAltName",
		"Give mta-sts.EXAMPLE.COM its own virtual host with a certificate from\n"
		"a publicly trusted CA (not self-signed) whose subjectAltName contains\n"
		"mta-sts.EXAMPLE.COM, serve the full chain, renew it automatically and\n"
		"reload the web server after renewal.",
	},
	{
		"sts-policy-fetch-error",
		"policy",
		"The sender could not fetch your MTA-STS policy over HTTPS",
		"Your _mta-sts TXT record announces a policy, but the sender could not\n"
		"retrieve it from https://mta-sts.EXAMPLE.COM/.well-known/mta-sts.txt,\n"
		"for example because the policy host was unreachable.  A sender with a\n"
		"cached policy keeps using it; one without treats your domain as having\n"
		"no MTA-STS policy.",
		"- no A/AAAA record for mta-sts.EXAMPLE.COM, or it points at a host that\n"
		"  does not listen on port 443 (or an AAAA whose IPv6 does not work)\n"
		"- a firewall blocks port 443, or the server is too slow to answer\n"
		"- an HTTP status other than 200 (404 for a wrong path, hidden\n"
		"  .well-known directory) or a redirect: senders must not follow\n"
		"  redirects\n"
		"- a Content-Type other than text/plain\n"
		"- the TXT record was published but the policy host never set up",
		"dig +short TXT _mta-sts.EXAMPLE.COM\n"
		"dig +short A mta-sts.EXAMPLE.COM\n"
		"dig +short AAAA mta-sts.EXAMPLE.COM\n"
		"curl -sv https://mta-sts.EXAMPLE.COM/.well-known/mta-sts.txt\n"
		"# expect: 200 text/plain and no redirect URL, over IPv4 and IPv6\n"
		"curl -4 -sS -o /dev/null -w '%{http_code} %{content_type} %{redirect_url}\\n' \\\n"
		"    https://mta-sts.EXAMPLE.COM/.well-known/mta-sts.txt\n"
		"curl -6 -sS -o /dev/null -w '%{http_code} %{content_type} %{redirect_url}\\n' \\\n"
		"    https://mta-sts.EXAMPLE.COM/.well-known/mta-sts.txt",
		"Publish A (and AAAA only if IPv6 works) for mta-sts.EXAMPLE.COM,\n"
		"pointing at a web server reachable from the internet on port 443 with\n"
		"a valid certificate for that name (see sts-webpki-invalid).  Serve the\n"
		"policy at exactly /.well-known/mta-sts.txt with HTTP 200, Content-Type\n"
		"text/plain and no redirect.  When the policy changes, change the id=\n"
		"in the _mta-sts TXT record.  To retire MTA-STS, publish mode: none\n"
		"with a new id=, wait max_age, then remove the records.",
	},
	/* Fallback: must stay last. */
	{
		"",
		"unknown",
		"An unregistered or newer result type, kept verbatim",
		"The report uses a result-type that is not one of the types RFC 8460\n"
		"registered with IANA.  The registry is extensible, so this may be a\n"
		"newer registration or a reporter's own value; it is kept verbatim.\n"
		"The type alone does not say what failed: read failure-reason-code and\n"
		"additional-information in the same failure-details entry, and the\n"
		"reporter's documentation (see contact-info in the report).",
		"- cannot be told from the type; see the fields named above",
		"# general checks of the MX hosts, DANE and MTA-STS:\n"
		"dig +short MX EXAMPLE.COM\n"
		FULL_S_CLIENT " -verify_return_error </dev/null\n"
		CHECK_TLSA "\n"
		"dig +short TXT _mta-sts.EXAMPLE.COM\n"
		"curl -sv https://mta-sts.EXAMPLE.COM/.well-known/mta-sts.txt",
		"Depends on the details.  Check the current registry for newer types:\n"
		"    https://www.iana.org/assignments/starttls-validation-result-types/\n"
		"and ask the reporter (contact-info) if the reason stays unclear.",
	},
};

#define RESULT_TYPES_ALL	(sizeof(result_types) / sizeof(result_types[0]))
#define RESULT_TYPES_KNOWN	(RESULT_TYPES_ALL - 1)
#define RESULT_TYPE_FALLBACK	(&result_types[RESULT_TYPES_KNOWN])

const struct result_type_info *
result_types_all(size_t *count_r)
{
	if (count_r != NULL)
		*count_r = RESULT_TYPES_KNOWN;
	return result_types;
}

/*
 * ASCII-only case folding: the names are ASCII, and strcasecmp() would
 * depend on the locale the milter happens to run in.
 */
static int
ascii_caseeq(const char *a, const char *b)
{
	unsigned char ca, cb;

	do {
		ca = (unsigned char)*a++;
		cb = (unsigned char)*b++;
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return 0;
	} while (ca != '\0');
	return 1;
}

/* Known entry for NAME, or NULL; "" never matches the fallback. */
static const struct result_type_info *
find_known(const char *name)
{
	size_t i;

	if (name == NULL || *name == '\0')
		return NULL;
	for (i = 0; i < RESULT_TYPES_KNOWN; i++)
		if (ascii_caseeq(result_types[i].name, name))
			return &result_types[i];
	return NULL;
}

const struct result_type_info *
result_type_lookup(const char *name)
{
	const struct result_type_info *info = find_known(name);

	return info != NULL ? info : RESULT_TYPE_FALLBACK;
}

int
result_type_is_known(const char *name)
{
	return find_known(name) != NULL;
}

/*
 * Print TEXT after a label column of 13: the first line follows LABEL,
 * later lines are indented to line up with it.
 */
static void
print_field(FILE *fp, const char *label, const char *text)
{
	const char *p = text, *nl;

	fprintf(fp, "  %-11s", label);
	for (;;) {
		nl = strchr(p, '\n');
		if (nl == NULL) {
			fprintf(fp, "%s\n", p);
			return;
		}
		fprintf(fp, "%.*s\n", (int)(nl - p), p);
		p = nl + 1;
		if (*p == '\0')
			return;
		fputs("             ", fp);
	}
}

/* Print LABEL on its own line and TEXT below it, indented by four. */
static void
print_block(FILE *fp, const char *label, const char *text)
{
	const char *p = text, *nl;
	size_t len;

	fprintf(fp, "  %s\n", label);
	while (*p != '\0') {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		/* No trailing blanks on empty lines. */
		if (len > 0)
			fprintf(fp, "    %.*s", (int)len, p);
		fputc('\n', fp);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

/* Human label for the category; policy failures split by mechanism. */
static const char *
category_label(const struct result_type_info *info)
{
	if (strcmp(info->category, "negotiation") == 0)
		return "TLS negotiation failure";
	if (strcmp(info->category, "policy") == 0)
		return strncmp(info->name, "sts-", 4) == 0 ?
		    "MTA-STS policy failure" : "DANE policy failure";
	return "unknown (not in the IANA result-type registry)";
}

/* Where on the receiving side to look. */
static const char *
receiving_side(const struct result_type_info *info)
{
	if (strcmp(info->category, "negotiation") == 0)
		return "your inbound MX hosts";
	if (strcmp(info->category, "policy") == 0)
		return strncmp(info->name, "sts-", 4) == 0 ?
		    "your MTA-STS policy host and its DNS records" :
		    "your DNSSEC and TLSA records, and your MX certificates";
	return "your MX hosts, your DNS and your MTA-STS policy host";
}

void
result_type_explain(FILE *fp, const struct result_type_info *info,
    const char *asked_name)
{
	const char *heading;

	if (info == NULL)
		info = RESULT_TYPE_FALLBACK;
	/* The fallback has no name of its own: show what was asked for. */
	if (*info->name != '\0')
		heading = info->name;
	else if (asked_name != NULL && *asked_name != '\0')
		heading = asked_name;
	else
		heading = "(unnamed result type)";

	/* U+2014 EM DASH, spelled in UTF-8 bytes to keep the source ASCII.
	 * The heading may be a name taken from a report: sanitized. */
	text_fputs(fp, heading);
	fprintf(fp, " \xe2\x80\x94 %s\n", info->summary);
	print_field(fp, "Category:", category_label(info));
	fprintf(fp, "  %-11sreported by a sender delivering mail TO your domain; "
	    "the problem is\n"
	    "             on your receiving side, not in your outbound mail.\n"
	    "             Look at %s.\n",
	    "Direction:", receiving_side(info));
	print_field(fp, "Meaning:", info->meaning);
	print_field(fp, "Causes:", info->causes);
	print_block(fp, "Confirm:", info->confirm);
	print_block(fp, "Fix:", info->fix);
	fputc('\n', fp);
}

/* ---- policy types (RFC 8460 section 4.4) ------------------------------ */

static const struct {
	const char *name, *text;
} policy_types[] = {
	{ "sts",
	  "sts \xe2\x80\x94 the sender applied your MTA-STS policy (RFC 8461)\n"
	  "  Meaning:   the sender fetched https://mta-sts.EXAMPLE.COM/.well-known/mta-sts.txt\n"
	  "             and checked your MX hosts against it. In mode enforce a failure\n"
	  "             means the mail was not delivered to that host; in mode testing it\n"
	  "             was delivered anyway and only reported.\n"
	  "  Confirm:   tlsrpt check --domain EXAMPLE.COM\n" },
	{ "tlsa",
	  "tlsa \xe2\x80\x94 the sender applied your DANE TLSA records (RFC 7672)\n"
	  "  Meaning:   the sender found DNSSEC-signed TLSA records for your MX hosts and\n"
	  "             required a matching certificate. DANE has no testing mode: a\n"
	  "             failure means the mail was not delivered to that host.\n"
	  "  Confirm:   tlsrpt check mx MX.EXAMPLE.COM\n" },
	{ "no-policy-found",
	  "no-policy-found \xe2\x80\x94 the sender found neither MTA-STS nor DANE\n"
	  "  Meaning:   sessions counted under no-policy-found used opportunistic TLS (or\n"
	  "             none). This is not a failure: it only says that no policy told the\n"
	  "             sender to insist on TLS. Its failed sessions, if any, are the\n"
	  "             result types listed with it.\n"
	  "  Fix:       nothing is required; publish MTA-STS (or DANE) to make senders\n"
	  "             insist on valid TLS.\n" },
};

const char *
policy_type_explanation(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(policy_types) / sizeof(policy_types[0]); i++)
		if (ascii_caseeq(name, policy_types[i].name))
			return policy_types[i].text;
	return NULL;
}

const char *
policy_type_name(size_t i)
{
	return i < sizeof(policy_types) / sizeof(policy_types[0]) ? policy_types[i].name : NULL;
}
