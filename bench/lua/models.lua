-- GET /v2/models: a Quarkus REST endpoint with no key and no database (it serializes the model catalog); the
-- REST stack's cost without the database. wrk ... -- KEYFILE (unused)
dofile("bench/lua/common.lua")
init = function(args) end
request = function() return wrk.format("GET", "/v2/models") end
