# tlsrpt.sieve - a Dovecot sieve_before script: file TLS-RPT reports that
# tlsrpt-milter tagged "pass" (a report and nothing else, signed by a
# domain in KnownReporters) into the TLSRPT folder (created on first use),
# and stop, so no later script files them as spam.  "verified", "fail"
# and "invalid" mail is left alone.  Install:
#   plugin { sieve_before = /etc/dovecot/sieve/tlsrpt.sieve }
# then `sievec /etc/dovecot/sieve/tlsrpt.sieve`.  tlsrpt-milter deletes
# every incoming X-TLSRPT header before it adds its own, so "pass" cannot
# be forged by the sender.  If TagHeader is set in tlsrpt-milter.conf,
# use that header name below.
require ["fileinto", "mailbox"];

if header :matches "X-TLSRPT" ["pass", "pass *"] {
	fileinto :create "TLSRPT";
	stop;
}
