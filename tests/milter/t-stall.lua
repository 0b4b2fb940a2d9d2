-- A report candidate whose end never comes: headers, then silence, so
-- that the message stays in flight (the shell sends SIGTERM meanwhile).
dofile(os.getenv("MILTER_LIB") .. "/common.lua")

local conn = open()
envelope(conn, "<x@google.com>", "<tlsrpt@example.net>", "STALL")
local headers = read_message(DIR .. "/slow.eml")
send_headers(conn, headers)
print("stalling")
io.stdout:flush()
mt.sleep(60)
