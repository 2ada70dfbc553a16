-- wrk script: GET /v2/agency/tickets/retrieve/{id} with ids drawn at random
-- from a file of ticket uuids, one per line.
-- usage: wrk ... -s bench/retrieve.lua URL -- IDS_FILE
-- The same script runs against nginx, which serves one file for every id.
local bench_dir = os.getenv("BENCH_DIR") or "bench"
dofile(bench_dir .. "/report.lua")

local counter = 0
function setup(thread)
   counter = counter + 1
   thread:set("thread_id", counter)
end

local ids = {}
local prefix = "/v2/agency/tickets/retrieve/"

function init(args)
   local path = args[1] or os.getenv("IDS_FILE")
   if not path then
      error("retrieve.lua: pass the ids file after --")
   end
   local f = assert(io.open(path, "r"))
   for line in f:lines() do
      if #line > 0 then ids[#ids + 1] = line end
   end
   f:close()
   if #ids == 0 then error("retrieve.lua: no ids in " .. path) end
   math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919)
   -- wrk.path holds the path of the URL given on the command line (e.g. "/")
   if wrk.path ~= "/" and wrk.path ~= "" then
      prefix = wrk.path:gsub("/*$", "") .. "/"
   end
end

function request()
   return wrk.format(nil, prefix .. ids[math.random(#ids)])
end
