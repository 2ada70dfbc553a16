-- wrk script: the writes of bench/native.sh's Q_OLD set-up, through /ticketd/v1.
-- usage: wrk ... -s bench/native-write.lua URL -- create CLIENT_ID WORD
--        wrk ... -s bench/native-write.lua URL -- patch IDS_FILE TEAM_ID
--   create: POST /ticketd/v1/tickets, each with its own title "WORD <thread>-<n>", the client
--           CLIENT_ID (run it for a duration; count the tickets after)
--   patch:  PATCH /ticketd/v1/tickets/<id> {"team": TEAM_ID} for each ticket uuid of
--           IDS_FILE (one a line), split between wrk's threads (WRK_THREADS: wrk's -t); a
--           thread stops after its last answer, but wrk runs for its whole duration: run it
--           in rounds over the ids not changed yet (bench/native.sh)
local bench_dir = os.getenv("BENCH_DIR") or "bench"
dofile(bench_dir .. "/report.lua")

local counter = 0
local threads = {}
function setup(thread)
   counter = counter + 1
   thread:set("thread_id", counter)
   table.insert(threads, thread)
end

local mode, ids, team, client_id, word
local n, answered = 0, 0
local headers = {}

function init(args)
   mode = args[1]
   for k, v in pairs(wrk.headers) do headers[k] = v end
   headers["Content-Type"] = "application/json"
   if mode == "create" then
      client_id, word = args[2], args[3]
      if not client_id or not word then error("native-write.lua create: CLIENT_ID WORD") end
   elseif mode == "patch" then
      team = args[3]
      if not args[2] or not team then error("native-write.lua patch: IDS_FILE TEAM_ID") end
      -- this thread's share: every line whose number is its id modulo the thread count
      local nthreads = tonumber(os.getenv("WRK_THREADS") or "1")
      ids = {}
      local i = 0
      for line in io.lines(args[2]) do
         if i % nthreads == (thread_id - 1) then table.insert(ids, line) end
         i = i + 1
      end
   else
      error("native-write.lua: the first argument is create or patch")
   end
end

function request()
   n = n + 1
   if mode == "create" then
      local body = string.format('{"title":"%s %d-%d","client":"%s"}',
                                 word, thread_id or 0, n, client_id)
      return wrk.format("POST", "/ticketd/v1/tickets", headers, body)
   end
   -- past the last id: ask for the first again (a no-op PATCH); response() stops the thread
   local id = ids[n] or ids[1]
   if not id then return wrk.format("GET", "/ticketd/v1/me", headers) end -- no share at all
   return wrk.format("PATCH", "/ticketd/v1/tickets/" .. id, headers,
                     string.format('{"team":"%s"}', team))
end

function response(status, hdrs, body)
   answered = answered + 1
   if mode == "patch" and answered >= #ids then wrk.thread:stop() end
end
