-- The store is unusable: the report still gets its verdict, mail flows.
dofile(os.getenv("MILTER_LIB") .. "/common.lua")

run("store down: verdict still given, message still delivered", function()
	local t, eoh = deliver(DIR .. "/google.eml", "STOREDOWN", "<tlsrpt@example.net>")
	check(eoh ~= SMFIR_ACCEPT, "accepted at EOH")
	check(t ~= nil and t:match("^pass"), "tag: " .. tostring(t))
end)
