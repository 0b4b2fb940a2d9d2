-- Each signed or unsigned report message gets the verdict it deserves.
-- CASES lists "file|queue-id|Lua pattern the tag must match".
dofile(os.getenv("MILTER_LIB") .. "/common.lua")

for line in io.lines(os.getenv("CASES")) do
	local file, qid, want = line:match("^([^|]+)|([^|]+)|(.*)$")
	run("verdict " .. file, function()
		local t, eoh = deliver(DIR .. "/" .. file, qid, "<tlsrpt@example.net>")
		check(eoh ~= SMFIR_ACCEPT, "candidate accepted at EOH")
		check(t ~= nil, "no tag added")
		check(t:match(want), "tag \"" .. t .. "\" does not match " .. want)
		for l in (t .. "\n"):gmatch("(.-)\n") do
			check(#l < 998, "tag line over 998 characters")
		end
	end)
end
