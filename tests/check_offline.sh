#!/bin/sh
# check_offline.sh - `tlsrpt check record` and `tlsrpt check sts`: exit
# codes (0 pass, 1 warnings, 2 failures or usage), text and JSON output.
set -u
: "${TLSRPT:?TLSRPT must name the tlsrpt binary}"
. "${srcdir:-.}/tests/testlib.sh"
tl_init check_offline
tl_tmpdir

expect_rc "check without arguments is a usage error" 2 "$TLSRPT" check
expect_rc "check with an unknown option is a usage error" 2 "$TLSRPT" check --bogus record x
expect_rc "check --format xml is a usage error" 2 "$TLSRPT" check --format xml record x
expect_rc "check --help" 0 "$TLSRPT" check --help
expect_in "help lists the exit codes" "$tmp/out" "exit: 0 all passed, 1 warnings, 2 failures"

expect_rc "a good record passes" 0 "$TLSRPT" check record 'v=TLSRPTv1; rua=mailto:tlsrpt@example.com'
expect_in "the pass names the destination" "$tmp/out" "reports go to mailto:tlsrpt@example.com"
expect_rc "two rua URIs warn" 1 "$TLSRPT" check record \
	'v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/v1'
expect_in "the warning names Microsoft's address" "$tmp/out" "Microsoft delivers only to the first, mailto:a@example.com"
expect_rc "--domain flags an outside mailbox" 1 "$TLSRPT" check --domain example.com record \
	'v=TLSRPTv1; rua=mailto:tlsrpt@vendor.example'
expect_in "the outside domain is named" "$tmp/out" "mailbox at vendor.example"
expect_rc "a bad record fails" 2 "$TLSRPT" check record 'v=TLSRPTv1; rua=mailto:a@example.com!10m'
expect_in "the failure says why" "$tmp/out" '"!" must be written %21'
expect_rc "JSON output" 2 "$TLSRPT" check --format json --verbose record 'v=tlsrptv1; rua=mailto:a@example.com'
expect_in "JSON has the status" "$tmp/out" '"status":"fail","exit":2'
expect_in "JSON has the finding id" "$tmp/out" '"id":"version-case"'
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["findings"][0]["level"]=="fail" else 1)' "$tmp/out" \
	&& ok "JSON parses" || bad "JSON parses"

printf 'version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 604800\n' >"$tmp/good.txt"
printf 'version: STSv1\nmode: enforce\nmax_age: 604800\n' >"$tmp/nomx.txt"
printf 'version: STSv1\r\nmode: testing\nmx: mx1.example.com\nmax_age: 604800\n' >"$tmp/mixed.txt"
expect_rc "a good policy passes" 0 "$TLSRPT" check sts "$tmp/good.txt"
expect_in "the pass sums it up" "$tmp/out" "valid policy: mode enforce, 1 mx, max_age 604800"
expect_rc "a policy from standard input" 0 sh -c '"$0" check sts - <"$1"' "$TLSRPT" "$tmp/good.txt"
expect_rc "mixed line endings warn" 1 "$TLSRPT" check sts "$tmp/mixed.txt"
expect_rc "enforce without mx fails" 2 "$TLSRPT" check sts "$tmp/nomx.txt"
expect_in "the failure names the result type" "$tmp/out" "[sts-policy-invalid]"
expect_rc "a missing policy file is exit 2" 2 "$TLSRPT" check sts "$tmp/nope.txt"
expect_in "and says so on stderr" "$tmp/err" "tlsrpt: $tmp/nope.txt: No such file or directory"
head -c 70000 /dev/zero | tr '\0' 'x' >"$tmp/huge.txt"
expect_rc "an oversized policy fails" 2 "$TLSRPT" check sts "$tmp/huge.txt"
expect_in "the size limit is named" "$tmp/out" "over the 65536 that senders accept"

tl_finish
