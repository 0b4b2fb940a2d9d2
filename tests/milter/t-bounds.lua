-- Bounded work on a hostile report candidate: this used to take minutes,
-- and the MTA then delivered the message as it came, forged tag and all.
dofile(os.getenv("MILTER_LIB") .. "/common.lua")

local LIMIT = tonumber(os.getenv("DKIM_TIMEOUT"))

run("105,000 l= signatures: fail on its own, well within DKIMTimeout", function()
	local conn = open()
	envelope(conn, "<x@google.com>", "<tlsrpt@example.net>", "MANY")
	local headers, body = read_message(DIR .. "/many.eml")
	table.insert(headers, 1, { name = TAG, value = "pass submitter=google.com" })
	check(send_headers(conn, headers) ~= SMFIR_ACCEPT, "accepted at EOH")
	local t0 = os.time()
	send_body(conn, body)
	check(mt.eom_check(conn, MT_HDRDELETE, TAG), "forged tag not deleted")
	local t = tag(conn)
	local took = os.time() - t0
	mt.disconnect(conn)
	-- The l= reason, not the deadline's: the check ended by itself.
	check(t ~= nil and t:match('^fail%s+reason="l= tag present %(d=google%.com%)"'),
	    "tag: " .. tostring(t))
	check(took < LIMIT, "took " .. took .. " s, DKIMTimeout " .. LIMIT)
end)
