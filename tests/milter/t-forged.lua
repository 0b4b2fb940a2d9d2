-- Every incoming copy of the tag is deleted, on every message.
dofile(os.getenv("MILTER_LIB") .. "/common.lua")

run("forged tag on ordinary mail deleted", function()
	local conn = open()
	envelope(conn, "<spammer@example.org>", "<bob@example.net>", "FORGE1")
	local eoh = send_headers(conn, {
		{ name = "From", value = "spammer@example.org" },
		{ name = TAG, value = "pass submitter=google.com domain=example.net" },
		{ name = "Subject", value = "cheap pills" },
		{ name = string.lower(TAG), value = "pass (a second, lower-case copy)" },
	})
	check(eoh ~= SMFIR_ACCEPT, "message with a forged tag accepted at EOH")
	send_body(conn, "buy now\r\n")
	check(mt.eom_check(conn, MT_HDRDELETE, TAG), "forged tag not deleted")
	check(not mt.eom_check(conn, MT_HDRADD, TAG), "ordinary mail was tagged")
	mt.disconnect(conn)
end)

run("forged tag on a report deleted and replaced", function()
	local conn = open()
	envelope(conn, "<x@google.com>", "<tlsrpt@example.net>", "FORGE2")
	local headers, body = read_message(DIR .. "/google.eml")
	table.insert(headers, 1, { name = TAG, value = "pass submitter=evil.example" })
	check(send_headers(conn, headers) ~= SMFIR_ACCEPT, "report accepted at EOH")
	send_body(conn, body)
	check(mt.eom_check(conn, MT_HDRDELETE, TAG), "forged tag not deleted")
	local t = tag(conn)
	check(t ~= nil and t:match("^pass submitter=google.com"), "tag: " .. tostring(t))
	mt.disconnect(conn)
end)
