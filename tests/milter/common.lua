-- common.lua - shared steps for the tlsrpt-milter miltertest scripts.
--
-- Each script is run by tests/milter.sh as
--   miltertest -s SCRIPT   with MILTER_SOCKET and FIXTURES in the environment.
-- A Lua error() makes miltertest exit 1 without a word (doc/facts.md), so
-- scripts wrap their body in run(), which prints the error first.

SOCKET = os.getenv("MILTER_SOCKET")
DIR = os.getenv("MESSAGES")

function run(name, body)
	local ok, err = pcall(body)
	if not ok then
		print(name .. ": FAIL: " .. tostring(err))
		os.exit(1)
	end
	print(name .. ": ok")
end

function check(cond, what)
	if not cond then error(what, 2) end
end

-- Connect and negotiate like Postfix does (all steps offered).
function open()
	local conn = mt.connect(SOCKET, 20, 0.25)
	check(conn ~= nil, "cannot connect to " .. tostring(SOCKET))
	-- Steps the filter negotiated away are Lua errors if sent: guard them.
	if not mt.test_option(conn, SMFIP_NOCONNECT) then
		check(mt.conninfo(conn, "mail.example.org", "192.0.2.10") == nil, "conninfo")
	end
	if not mt.test_option(conn, SMFIP_NOHELO) then
		check(mt.helo(conn, "mail.example.org") == nil, "helo")
	end
	return conn
end

-- Queue id macro, as Postfix sends it at DATA/EOH/EOM.
function envelope(conn, from, rcpt, qid)
	mt.macro(conn, SMFIC_MAIL, "i", qid)
	if not mt.test_option(conn, SMFIP_NOMAIL) then
		check(mt.mailfrom(conn, from) == nil, "mailfrom")
	end
	if not mt.test_option(conn, SMFIP_NORCPT) then
		mt.macro(conn, SMFIC_RCPT, "i", qid)
		check(mt.rcptto(conn, rcpt) == nil, "rcptto")
	end
end

-- Split a message file into headers {name, value} and a CRLF body.
function read_message(path)
	local f = assert(io.open(path, "rb"))
	local text = f:read("*a")
	f:close()
	text = text:gsub("\r\n", "\n")
	local head, body = text:match("^(.-)\n\n(.*)$")
	if head == nil then head, body = text, "" end
	local headers = {}
	for line in (head .. "\n"):gmatch("(.-)\n") do
		if line:match("^[ \t]") and #headers > 0 then
			-- folded: keep the fold as libmilter hands it
			headers[#headers].value = headers[#headers].value .. "\n" .. line
		else
			local name, value = line:match("^([^:]+):[ \t]?(.*)$")
			if name ~= nil then
				headers[#headers + 1] = { name = name, value = value }
			end
		end
	end
	return headers, (body:gsub("\n", "\r\n"))
end

-- Send headers; returns the reply to EOH.
function send_headers(conn, headers)
	for _, h in ipairs(headers) do
		check(mt.header(conn, h.name, h.value) == nil, "header " .. h.name)
	end
	check(mt.eoh(conn) == nil, "eoh")
	return mt.getreply(conn)
end

-- Send the body in chunks the size libmilter uses, then EOM.
function send_body(conn, body)
	local chunk = 65535
	for i = 1, #body, chunk do
		local r = mt.bodystring(conn, body:sub(i, i + chunk - 1))
		check(r == nil, "body: " .. tostring(r))
		-- A filter that answered SKIP wants no more body.
		if mt.getreply(conn) == SMFIR_SKIP then break end
	end
	check(mt.eom(conn) == nil, "eom")
end

TAG = os.getenv("TAG_HEADER") or "X-TLSRPT"

-- The value of our tag added at EOM, or nil.
function tag(conn, name)
	name = name or TAG
	if mt.eom_check(conn, MT_HDRADD, name) then
		return mt.getheader(conn, name, 0)
	end
	return nil
end

-- Read a whole file (binary-safe).
function slurp(path)
	local f = assert(io.open(path, "rb"))
	local s = f:read("*a")
	f:close()
	return s
end

-- One whole message from a file; returns the tag (or nil) and EOH reply.
function deliver(path, qid, rcpt)
	local conn = open()
	envelope(conn, "<sender@example.org>", rcpt or "<postmaster@example.net>", qid)
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

-- A report candidate from google.com in PATH, sent whole with a forged
-- pass tag on top: checks that the filter held it past EOH and deleted the
-- forged tag.  Returns its own tag (or nil) and the seconds from the first
-- body chunk to the reply to EOM.
function forged_candidate(path, qid)
	local conn = open()
	envelope(conn, "<x@google.com>", "<tlsrpt@example.net>", qid)
	local headers, body = read_message(path)
	table.insert(headers, 1, { name = TAG, value = "pass submitter=google.com" })
	check(send_headers(conn, headers) ~= SMFIR_ACCEPT, "accepted at EOH")
	local t0 = os.time()
	send_body(conn, body)
	check(mt.eom_check(conn, MT_HDRDELETE, TAG), "forged tag not deleted")
	local t = tag(conn)
	local took = os.time() - t0
	mt.disconnect(conn)
	return t, took
end
