-- Every malformed input of the parser's test set, through the daemon:
-- each message gets a tag, and the filter is still there afterwards.
-- MALFORMED lists message files (with RecordUnverified on, so each one
-- reaches the parser even unsigned).
dofile(os.getenv("MILTER_LIB") .. "/common.lua")

local n = 0
run("malformed inputs", function()
	for file in io.lines(os.getenv("MALFORMED")) do
		n = n + 1
		local t, eoh = deliver(file, string.format("MAL%03d", n), "<tlsrpt@example.net>")
		check(eoh ~= SMFIR_ACCEPT, file .. ": accepted at EOH")
		check(t ~= nil and (t:match("^fail") or t:match("^invalid") or t:match("^pass")),
		    file .. ": tag " .. tostring(t))
	end
	check(n > 80, "only " .. n .. " malformed messages")
	-- Still alive and well after all of them.
	local t = deliver(DIR .. "/google.eml", "AFTER1", "<tlsrpt@example.net>")
	check(t ~= nil and t:match("^pass"), "after the malformed run: " .. tostring(t))
end)
