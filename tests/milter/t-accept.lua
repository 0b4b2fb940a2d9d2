-- Ordinary mail is accepted at end-of-headers: its body never comes to us.
dofile(os.getenv("MILTER_LIB") .. "/common.lua")

run("ordinary mail accepted at end-of-headers", function()
	local conn = open()
	-- Nothing but what the filter asked for was negotiated.
	check(mt.test_option(conn, SMFIP_NOCONNECT), "connect step not negotiated away")
	check(mt.test_option(conn, SMFIP_NOHELO), "helo step not negotiated away")
	check(mt.test_option(conn, SMFIP_NOMAIL), "mail step not negotiated away")
	check(mt.test_action(conn, SMFIF_ADDHDRS), "no add-header action")
	check(mt.test_action(conn, SMFIF_CHGHDRS), "no change-header action")
	check(not mt.test_action(conn, SMFIF_CHGBODY), "asked to change bodies")
	envelope(conn, "<alice@example.org>", "<bob@example.net>", "ORD1")
	local eoh = send_headers(conn, {
		{ name = "From", value = "Alice <alice@example.org>" },
		{ name = "To", value = "bob@example.net" },
		{ name = "Subject", value = "lunch?" },
		{ name = "Content-Type", value = "multipart/report; report-type=delivery-status; boundary=x" },
	})
	check(eoh == SMFIR_ACCEPT, "EOH reply " .. tostring(eoh) .. ", want accept")
	mt.disconnect(conn)
end)

run("two messages on one connection, state reset between them", function()
	local conn = open()
	envelope(conn, "<alice@example.org>", "<bob@example.net>", "ORD2")
	check(send_headers(conn, { { name = "From", value = "alice@example.org" } }) ==
	    SMFIR_ACCEPT, "first message not accepted at EOH")
	envelope(conn, "<alice@example.org>", "<bob@example.net>", "ORD3")
	check(send_headers(conn, { { name = "From", value = "alice@example.org" } }) ==
	    SMFIR_ACCEPT, "second message not accepted at EOH")
	mt.disconnect(conn)
end)

run("a report address makes a candidate", function()
	local conn = open()
	envelope(conn, "<bounce@example.org>", "<tlsrpt@example.net>", "RCPT1")
	local eoh = send_headers(conn, {
		{ name = "From", value = "someone@unknown-reporter.example" },
		{ name = "Subject", value = "Report Domain: example.net" },
	})
	check(eoh ~= SMFIR_ACCEPT, "report address accepted at EOH")
	send_body(conn, "no report here\r\n")
	local t = tag(conn)
	check(t ~= nil and t:match("^fail "), "want a fail tag, got " .. tostring(t))
	mt.disconnect(conn)
end)

run("reports after other messages on one connection", function()
	local conn = open()
	local headers, body = read_message(DIR .. "/google.eml")
	envelope(conn, "<alice@example.org>", "<bob@example.net>", "SEQ1")
	check(send_headers(conn, { { name = "From", value = "alice@example.org" } }) ==
	    SMFIR_ACCEPT, "ordinary message not accepted at EOH")
	for i = 2, 3 do
		envelope(conn, "<x@google.com>", "<tlsrpt@example.net>", "SEQ" .. i)
		check(send_headers(conn, headers) ~= SMFIR_ACCEPT, "report accepted at EOH")
		send_body(conn, body)
		local t = tag(conn)
		check(t ~= nil and t:match("^pass"), "report " .. i .. " on the connection: " .. tostring(t))
	end
	mt.disconnect(conn)
end)
