-- create.lua at a reduced rate: each connection waits DELAY_MS before each request (wrk has no fixed-rate mode).
-- wrk -s bench/lua/create_paced.lua URL -- KEYFILE DELAY_MS
dofile("bench/lua/create.lua")
local pause = 0
init = function(args) load_items(args); pause = tonumber(args[2]) end
delay = function() return pause end
