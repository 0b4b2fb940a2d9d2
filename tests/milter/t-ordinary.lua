-- One ordinary message: accepted at end-of-headers.
dofile(os.getenv("MILTER_LIB") .. "/common.lua")

run("ordinary mail accepted at end-of-headers", function()
	local conn = open()
	envelope(conn, "<alice@example.org>", "<bob@example.net>", "ORD")
	local eoh = send_headers(conn, {
		{ name = "From", value = "Alice <alice@example.org>" },
		{ name = "To", value = "bob@example.net" },
		{ name = "Subject", value = "lunch?" },
	})
	check(eoh == SMFIR_ACCEPT, "EOH reply " .. tostring(eoh) .. ", want accept")
	mt.disconnect(conn)
end)
