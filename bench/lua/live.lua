-- GET /q/health/live: no key, no database, no check; the framework's ceiling. wrk ... -- KEYFILE (unused)
dofile("bench/lua/common.lua")
init = function(args) end
request = function() return wrk.format("GET", "/q/health/live") end
