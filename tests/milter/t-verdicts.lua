-- Each signed or unsigned report message gets the verdict it deserves.
-- CASES lists "file|queue-id|Lua pattern the tag must match[|rcpt,rcpt...]";
-- the recipients default to <tlsrpt@example.net>.
dofile(os.getenv("MILTER_LIB") .. "/common.lua")

-- Like deliver(), with every recipient in RCPTS on the envelope.
local function deliver_to(path, qid, rcpts)
	local conn = open()
	mt.macro(conn, SMFIC_MAIL, "i", qid)
	if not mt.test_option(conn, SMFIP_NOMAIL) then
		check(mt.mailfrom(conn, "<sender@example.org>") == nil, "mailfrom")
	end
	if not mt.test_option(conn, SMFIP_NORCPT) then
		for _, r in ipairs(rcpts) do
			mt.macro(conn, SMFIC_RCPT, "i", qid)
			check(mt.rcptto(conn, r) == nil, "rcptto " .. r)
		end
	end
	local headers, body = read_message(path)
	local eoh = send_headers(conn, headers)
	local t = nil
	if eoh ~= SMFIR_ACCEPT then
		send_body(conn, body)
		t = tag(conn)
	end
	mt.disconnect(conn)
	return t, eoh
end

for line in io.lines(os.getenv("CASES")) do
	local file, qid, want, list = line:match("^([^|]+)|([^|]+)|([^|]+)|?([^|]*)$")
	local rcpts = {}
	for r in list:gmatch("[^,]+") do rcpts[#rcpts + 1] = r end
	if #rcpts == 0 then rcpts = { "<tlsrpt@example.net>" } end
	run("verdict " .. file .. " (" .. qid .. ")", function()
		local t, eoh = deliver_to(DIR .. "/" .. file, qid, rcpts)
		check(eoh ~= SMFIR_ACCEPT, "candidate accepted at EOH")
		check(t ~= nil, "no tag added")
		check(t:match(want), "tag \"" .. t .. "\" does not match " .. want)
		for l in (t .. "\n"):gmatch("(.-)\n") do
			check(#l < 998, "tag line over 998 characters")
		end
	end)
end
