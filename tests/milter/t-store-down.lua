-- The store is unusable: the report still gets its verdict, mail flows.
-- QID names the message (default STOREDOWN); tests/milter.sh checks the
-- log for whether its report was spooled.
dofile(os.getenv("MILTER_LIB") .. "/common.lua")

local qid = os.getenv("QID") or "STOREDOWN"

run("store down (" .. qid .. "): verdict still given, message still delivered", function()
	local t, eoh = deliver(DIR .. "/google.eml", qid, "<tlsrpt@example.net>")
	check(eoh ~= SMFIR_ACCEPT, "accepted at EOH")
	check(t ~= nil and t:match("^pass"), "tag: " .. tostring(t))
end)
