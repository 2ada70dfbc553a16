-- wrk script: POST /v2/agency/tickets/create with a JSON body; every request
-- has its own title.
-- usage: wrk ... -s bench/create.lua URL -- CLIENT_ID CATEGORY_ID
local bench_dir = os.getenv("BENCH_DIR") or "bench"
dofile(bench_dir .. "/report.lua")

local counter = 0
function setup(thread)
   counter = counter + 1
   thread:set("thread_id", counter)
end

local client_id, category_id
local n = 0
local headers = {}

function init(args)
   client_id = args[1] or os.getenv("CLIENT_ID")
   category_id = args[2] or os.getenv("CATEGORY_ID")
   if not client_id or not category_id then
      error("create.lua: pass CLIENT_ID CATEGORY_ID after --")
   end
   -- keep the -H headers (Authorization) from the command line
   for k, v in pairs(wrk.headers) do headers[k] = v end
   headers["Content-Type"] = "application/json"
end

function request()
   n = n + 1
   local body = string.format(
      '{"client_id":"%s","title":"bench ticket %d-%d",' ..
      '"description":"Created by bench/create.lua: my order did not arrive, ' ..
      'please check the tracking number.","category":"%s"}',
      client_id, thread_id or 0, n, category_id)
   return wrk.format("POST", nil, headers, body)
end
