-- A candidate over MaxMessageSize is delivered, not parsed, tagged invalid.
dofile(os.getenv("MILTER_LIB") .. "/common.lua")

run("oversize report tagged invalid", function()
	local conn = open()
	envelope(conn, "<x@google.com>", "<tlsrpt@example.net>", "BIG1")
	local headers, body = read_message(DIR .. "/google.eml")
	check(send_headers(conn, headers) ~= SMFIR_ACCEPT, "report accepted at EOH")
	local filler = string.rep("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\r\n", 4096)
	send_body(conn, filler .. body)
	local t = tag(conn)
	check(t ~= nil and t:match("^invalid") and t:match("MaxMessageSize"),
	    "tag: " .. tostring(t))
	mt.disconnect(conn)
end)
