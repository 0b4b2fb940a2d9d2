-- DKIM keys from a DNS server that answers late: the verdict comes at
-- DKIMTimeout, fail, with the forged tag deleted.
dofile(os.getenv("MILTER_LIB") .. "/common.lua")

local LIMIT = tonumber(os.getenv("DKIM_TIMEOUT"))

run("90 signatures, keys late: fail at DKIMTimeout", function()
	local conn = open()
	envelope(conn, "<x@google.com>", "<tlsrpt@example.net>", "SLOW")
	local headers, body = read_message(DIR .. "/slow.eml")
	table.insert(headers, 1, { name = TAG, value = "pass submitter=google.com" })
	check(send_headers(conn, headers) ~= SMFIR_ACCEPT, "accepted at EOH")
	local t0 = os.time()
	send_body(conn, body)
	check(mt.eom_check(conn, MT_HDRDELETE, TAG), "forged tag not deleted")
	local t = tag(conn)
	local took = os.time() - t0
	mt.disconnect(conn)
	check(t ~= nil and t:match('^fail%s+reason="DKIM check exceeded DKIMTimeout %(' ..
	    LIMIT .. ' s%)"'), "tag: " .. tostring(t))
	-- One second of os.time() granularity, one of margin.
	check(took <= LIMIT + 2, "took " .. took .. " s, DKIMTimeout " .. LIMIT)
end)
