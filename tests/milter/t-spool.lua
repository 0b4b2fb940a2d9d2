-- Many distinct reports while the store is down: each is delivered with
-- the tag it would have had (and, as tests/milter.sh checks, spooled).
-- SPOOL_CASES lists "file|queue-id" lines, files relative to MESSAGES.
dofile(os.getenv("MILTER_LIB") .. "/common.lua")

local n = 0
for _ in io.lines(os.getenv("SPOOL_CASES")) do n = n + 1 end

run(n .. (n == 1 and " report" or " reports") .. " with the store down: tagged pass", function()
	for line in io.lines(os.getenv("SPOOL_CASES")) do
		local file, qid = line:match("^([^|]+)|(.*)$")
		local t, eoh = deliver(DIR .. "/" .. file, qid, "<tlsrpt@example.net>")
		check(eoh ~= SMFIR_ACCEPT, qid .. ": accepted at EOH")
		check(t ~= nil and t:match("^pass submitter=google%.com"),
		    qid .. ": tag " .. tostring(t))
		check(t:match("report%-id=\"?spool%-"), qid .. ": report-id in " .. t)
	end
end)
