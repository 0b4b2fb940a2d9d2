-- AuthMode authres: an upstream verifier's Authentication-Results counts
-- only from a trusted authserv-id, with dkim=pass for an aligned domain.
dofile(os.getenv("MILTER_LIB") .. "/common.lua")

local function with_authres(value, qid)
	local conn = open()
	envelope(conn, "<x@google.com>", "<tlsrpt@example.net>", qid)
	local headers, body = read_message(DIR .. "/unsigned.eml")
	if value then
		table.insert(headers, 1, { name = "Authentication-Results", value = value })
	end
	check(send_headers(conn, headers) ~= SMFIR_ACCEPT, "report accepted at EOH")
	send_body(conn, body)
	local t = tag(conn)
	mt.disconnect(conn)
	return t
end

run("authres: trusted pass for the From domain", function()
	local t = with_authres("mx.example.net; dkim=pass header.d=google.com header.s=20230601", "AR1")
	check(t ~= nil and t:match("^pass submitter=google%.com"), "tag: " .. tostring(t))
end)
run("authres: untrusted authserv-id", function()
	local t = with_authres("evil.example; dkim=pass header.d=google.com", "AR2")
	check(t ~= nil and t:match("^fail%s"), "tag: " .. tostring(t))
end)
run("authres: trusted, but the signer is not aligned", function()
	local t = with_authres("mx.example.net; dkim=pass header.d=evil.example", "AR3")
	check(t ~= nil and t:match("^fail%s"), "tag: " .. tostring(t))
end)
run("authres: trusted, dkim=fail", function()
	local t = with_authres("mx.example.net; dkim=fail (bad signature) header.d=google.com", "AR4")
	check(t ~= nil and t:match("^fail%s"), "tag: " .. tostring(t))
end)
run("authres: a forged pass below the trusted hop's own dkim=none", function()
	local conn = open()
	envelope(conn, "<x@google.com>", "<tlsrpt@example.net>", "AR6")
	local headers, body = read_message(DIR .. "/unsigned.eml")
	-- Top first, as the MTA passes them: the hop's verdict, then the
	-- copy that came with the message.
	table.insert(headers, 1, { name = "Authentication-Results",
		value = "mx.example.net; dkim=pass header.d=google.com header.s=20230601" })
	table.insert(headers, 1, { name = "Authentication-Results",
		value = "mx.example.net; dkim=none" })
	check(send_headers(conn, headers) ~= SMFIR_ACCEPT, "report accepted at EOH")
	send_body(conn, body)
	local t = tag(conn)
	mt.disconnect(conn)
	check(t ~= nil and t:match("^fail%s"), "tag: " .. tostring(t))
end)
run("authres: none at all", function()
	local t = with_authres(nil, "AR5")
	check(t ~= nil and t:match("^fail%s"), "tag: " .. tostring(t))
end)
