-- wrk script: the URL given on the command line with a value appended, drawn at
-- random for each request from a file of values (one per line), then an
-- optional suffix. run.sh uses it for
--   retrieve: URL .../v2/agency/tickets/retrieve/   file: ticket ids
--   details:  URL .../api/v1/tickets/               file: ticket ids, suffix /details
--   search:   URL .../api/v1/tickets/details?status=ongoing&pageSize=10&search=kiwi
--             file: the 3-digit suffixes whose search has ongoing matches
-- usage: wrk ... -s bench/random.lua URL -- VALUES_FILE [SUFFIX]
-- nginx answers one file for every value.
local bench_dir = os.getenv("BENCH_DIR") or "bench"
dofile(bench_dir .. "/report.lua")

local counter = 0
function setup(thread)
   counter = counter + 1
   thread:set("thread_id", counter)
end

local values = {}
local prefix, suffix

function init(args)
   local path = args[1]
   if not path then
      error("random.lua: pass the values file after --")
   end
   local f = assert(io.open(path, "r"))
   for line in f:lines() do
      if #line > 0 then values[#values + 1] = line end
   end
   f:close()
   if #values == 0 then error("random.lua: no values in " .. path) end
   math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919)
   prefix = wrk.path -- the URL's path with its query string
   suffix = args[2] or ""
end

function request()
   return wrk.format(nil, prefix .. values[math.random(#values)] .. suffix)
end
