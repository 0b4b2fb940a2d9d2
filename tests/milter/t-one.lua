-- One message (MESSAGE) through the daemon; prints its tag on one line.
dofile(os.getenv("MILTER_LIB") .. "/common.lua")
local t, eoh = deliver(os.getenv("MESSAGE"), os.getenv("QID") or "ONE", "<tlsrpt@example.net>")
print("TAG " .. tostring(t))
