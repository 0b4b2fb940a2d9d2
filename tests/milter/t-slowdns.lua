-- DKIM keys from a DNS server that answers late: the verdict comes at
-- DKIMTimeout, fail, with the forged tag deleted.
dofile(os.getenv("MILTER_LIB") .. "/common.lua")

local LIMIT = tonumber(os.getenv("DKIM_TIMEOUT"))

run("90 signatures, keys late: fail at DKIMTimeout", function()
	local t, took = forged_candidate(DIR .. "/slow.eml", "SLOW")
	check(t ~= nil and t:match('^fail%s+reason="DKIM check exceeded DKIMTimeout %(' ..
	    LIMIT .. ' s%)"'), "tag: " .. tostring(t))
	-- One second of os.time() granularity, one of margin.
	check(took <= LIMIT + 2, "took " .. took .. " s, DKIMTimeout " .. LIMIT)
end)
