-- Action (tag, redirect, discard) against every verdict: only a pass is
-- ever diverted.  ACTION is the daemon's configured action, REDIRECT_TO
-- its RedirectTo; CASES lists "file|queue-id|verdict" lines, files
-- relative to MESSAGES; STORE_DOWN=1 means the store cannot be written
-- (discard must then deliver with the tag).
dofile(os.getenv("MILTER_LIB") .. "/common.lua")

local action = os.getenv("ACTION")
local redirect_to = os.getenv("REDIRECT_TO") or ""
local store_down = os.getenv("STORE_DOWN") == "1"
local AUDIT = TAG .. "-Original-Recipients"
local RCPTS = { "<tlsrpt@example.net>", "<Postmaster@example.net>" }

-- The whole message to two recipients; returns conn after EOM.
local function send(path, qid)
	local conn = open()
	if action == "redirect" then
		check(not mt.test_option(conn, SMFIP_NORCPT), "RCPT negotiated away")
		check(mt.test_action(conn, SMFIF_ADDRCPT), "no add-recipient action")
		check(mt.test_action(conn, SMFIF_DELRCPT), "no delete-recipient action")
	else
		check(not mt.test_action(conn, SMFIF_ADDRCPT), "add-recipient asked for without redirect")
		check(not mt.test_action(conn, SMFIF_DELRCPT), "delete-recipient asked for without redirect")
	end
	mt.macro(conn, SMFIC_MAIL, "i", qid)
	if not mt.test_option(conn, SMFIP_NOMAIL) then
		check(mt.mailfrom(conn, "<sender@example.org>") == nil, "mailfrom")
	end
	for _, r in ipairs(RCPTS) do
		if not mt.test_option(conn, SMFIP_NORCPT) then
			mt.macro(conn, SMFIC_RCPT, "i", qid)
			check(mt.rcptto(conn, r) == nil, "rcptto " .. r)
		end
	end
	local headers, body = read_message(path)
	-- A forged audit header, which must go whatever happens.
	table.insert(headers, 1, { name = AUDIT, value = "<forged@example.org>" })
	check(send_headers(conn, headers) ~= SMFIR_ACCEPT, "accepted at EOH")
	send_body(conn, body)
	return conn
end

local function no_rcpt_changes(conn)
	check(not mt.eom_check(conn, MT_RCPTADD, redirect_to), "recipient added")
	for _, r in ipairs(RCPTS) do
		check(not mt.eom_check(conn, MT_RCPTDELETE, r), r .. " deleted")
	end
	check(not mt.eom_check(conn, MT_HDRADD, AUDIT), "audit header added")
end

for line in io.lines(os.getenv("CASES")) do
	local file, qid, verdict = line:match("^([^|]+)|([^|]+)|(.*)$")
	local label = action .. (store_down and " (store down)" or "") .. " x " ..
	    verdict .. " (" .. qid .. ")"
	run(label, function()
		local conn = send(DIR .. "/" .. file, qid)
		local reply = mt.getreply(conn)
		check(mt.eom_check(conn, MT_HDRDELETE, AUDIT), "forged audit header not deleted")
		if verdict == "pass" and action == "discard" and not store_down then
			check(reply == SMFIR_DISCARD, "EOM reply " .. tostring(reply) .. ", want discard")
			check(not mt.eom_check(conn, MT_HDRADD, TAG), "tagged, though discarded")
			no_rcpt_changes(conn)
		else
			check(reply == SMFIR_CONTINUE, "EOM reply " .. tostring(reply) .. ", want continue")
			local t = tag(conn)
			check(t ~= nil and t:match("^" .. verdict .. "%s"),
			    "tag " .. tostring(t) .. ", want " .. verdict)
			if verdict == "pass" and action == "redirect" then
				check(mt.eom_check(conn, MT_RCPTADD, redirect_to),
				    redirect_to .. " not added")
				for _, r in ipairs(RCPTS) do
					check(mt.eom_check(conn, MT_RCPTDELETE, r), r .. " not deleted")
				end
				local a = mt.getheader(conn, AUDIT, 0)
				check(a == table.concat(RCPTS, ",\n\t"), "audit header: " .. tostring(a))
			else
				no_rcpt_changes(conn)
			end
		end
		mt.disconnect(conn)
	end)
end

run(action .. ": ordinary mail still accepted at end-of-headers", function()
	local conn = open()
	envelope(conn, "<alice@example.org>", "<bob@example.net>", "DIV-ORD")
	check(send_headers(conn, {
		{ name = "From", value = "Alice <alice@example.org>" },
		{ name = "Subject", value = "lunch?" },
	}) == SMFIR_ACCEPT, "ordinary mail not accepted at EOH")
	mt.disconnect(conn)
end)

if action == "redirect" then
	run("redirect withheld when the MTA offers no recipient changes", function()
		local conn = mt.connect(SOCKET, 20, 0.25)
		check(conn ~= nil, "cannot connect")
		-- miltertest takes (conn, version, steps, actions), whatever its man page says.
		check(mt.negotiate(conn, nil, nil, SMFIF_ADDHDRS + SMFIF_CHGHDRS) == nil, "negotiate")
		check(not mt.test_action(conn, SMFIF_ADDRCPT), "add-recipient granted though not offered")
		mt.macro(conn, SMFIC_MAIL, "i", "REDIR-NOEDIT")
		if not mt.test_option(conn, SMFIP_NORCPT) then
			mt.macro(conn, SMFIC_RCPT, "i", "REDIR-NOEDIT")
			check(mt.rcptto(conn, "<tlsrpt@example.net>") == nil, "rcptto")
		end
		local headers, body = read_message(DIR .. "/pass.eml")
		check(send_headers(conn, headers) ~= SMFIR_ACCEPT, "accepted at EOH")
		send_body(conn, body)
		local t = tag(conn)
		check(t ~= nil and t:match("^pass%s"), "tag " .. tostring(t))
		check(not mt.eom_check(conn, MT_RCPTADD, redirect_to), "recipient added")
		check(not mt.eom_check(conn, MT_HDRADD, AUDIT), "audit header added")
		mt.disconnect(conn)
	end)

	run("redirect withheld for a report to more recipients than are kept", function()
		local conn = open()
		mt.macro(conn, SMFIC_MAIL, "i", "REDIR-MANY")
		local n = tonumber(os.getenv("MAX_RCPTS") or "50") + 1
		for i = 1, n do
			mt.macro(conn, SMFIC_RCPT, "i", "REDIR-MANY")
			check(mt.rcptto(conn, "<r" .. i .. "@example.net>") == nil, "rcptto " .. i)
		end
		local headers, body = read_message(DIR .. "/pass.eml")
		check(send_headers(conn, headers) ~= SMFIR_ACCEPT, "accepted at EOH")
		send_body(conn, body)
		check(mt.getreply(conn) == SMFIR_CONTINUE, "not continue")
		local t = tag(conn)
		check(t ~= nil and t:match("^pass%s"), "tag " .. tostring(t))
		check(not mt.eom_check(conn, MT_RCPTADD, redirect_to), "recipient added")
		check(not mt.eom_check(conn, MT_RCPTDELETE, "<r1@example.net>"), "recipient deleted")
		check(not mt.eom_check(conn, MT_HDRADD, AUDIT), "audit header added")
		mt.disconnect(conn)
	end)
end
