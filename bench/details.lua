-- wrk script: GET /api/v1/tickets/{id}/details (Zaia) with ids drawn at
-- random from a file of ticket uuids, one per line (the same file as
-- retrieve.lua's).
-- usage: wrk ... -s bench/details.lua URL -- IDS_FILE
-- The path of URL is the prefix (default /api/v1/tickets/); the script adds
-- "<id>/details". nginx answers one file for every id.
local bench_dir = os.getenv("BENCH_DIR") or "bench"
dofile(bench_dir .. "/report.lua")

local counter = 0
function setup(thread)
   counter = counter + 1
   thread:set("thread_id", counter)
end

local ids = {}
local prefix = "/api/v1/tickets/"

function init(args)
   local path = args[1] or os.getenv("IDS_FILE")
   if not path then
      error("details.lua: pass the ids file after --")
   end
   local f = assert(io.open(path, "r"))
   for line in f:lines() do
      if #line > 0 then ids[#ids + 1] = line end
   end
   f:close()
   if #ids == 0 then error("details.lua: no ids in " .. path) end
   math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919)
   if wrk.path ~= "/" and wrk.path ~= "" then
      prefix = wrk.path:gsub("/*$", "") .. "/"
   end
end

function request()
   return wrk.format(nil, prefix .. ids[math.random(#ids)] .. "/details")
end
