-- demo.lua - hand the example messages to a running tlsrpt-milter the way
-- an MTA would, and print the verdict header it adds to each.
-- Run by `./quickstart run`: miltertest -s examples/demo.lua, with
-- MILTER_SOCKET and DEMO (a file of "label|message-file" lines) set.
local socket = os.getenv("MILTER_SOCKET")

local function read_message(path)
	local f = assert(io.open(path, "rb"))
	local text = f:read("*a"):gsub("\r\n", "\n")
	f:close()
	local head, body = text:match("^(.-)\n\n(.*)$")
	local headers = {}
	for line in (head .. "\n"):gmatch("(.-)\n") do
		if line:match("^[ \t]") and #headers > 0 then
			headers[#headers].value = headers[#headers].value .. "\n" .. line
		else
			local name, value = line:match("^([^:]+):[ \t]?(.*)$")
			if name then headers[#headers + 1] = { name = name, value = value } end
		end
	end
	return headers, body:gsub("\n", "\r\n")
end

local n = 0
for line in io.lines(os.getenv("DEMO")) do
	local label, file = line:match("^([^|]+)|(.*)$")
	n = n + 1
	local conn = mt.connect(socket, 20, 0.25)
	if conn == nil then error("cannot connect to " .. socket) end
	mt.macro(conn, SMFIC_MAIL, "i", string.format("DEMO%02d", n))
	if not mt.test_option(conn, SMFIP_NOMAIL) then mt.mailfrom(conn, "<sender@example.org>") end
	if not mt.test_option(conn, SMFIP_NORCPT) then mt.rcptto(conn, "<tlsrpt@example.net>") end
	if not mt.test_option(conn, SMFIP_NODATA) then mt.data(conn) end
	local headers, body = read_message(file)
	for _, h in ipairs(headers) do mt.header(conn, h.name, h.value) end
	mt.eoh(conn)
	local verdict
	if mt.getreply(conn) == SMFIR_ACCEPT then
		verdict = "(accepted at end-of-headers: not a report, body never sent)"
	else
		mt.bodystring(conn, body)
		mt.eom(conn)
		verdict = mt.eom_check(conn, MT_HDRADD, "X-TLSRPT") and
		    ("X-TLSRPT: " .. mt.getheader(conn, "X-TLSRPT", 0)) or "(no tag)"
	end
	print(string.format("%-34s %s", label, verdict))
	mt.disconnect(conn)
end
