-- wrk script: POST a file as multipart/form-data (field `file`, plus
-- `alt_text`), the same bytes on every request. The body is built once per
-- thread from the file, with a fixed boundary; the Authorization header comes
-- from wrk's -H.
-- usage: wrk ... -s bench/upload.lua URL -- FILE [FILENAME [CONTENT_TYPE]]
-- Besides report.lua's BENCH line it prints
--   UPLOAD answers=<n> bad=<n>
-- where bad counts answers whose body does not hold `"status":200` and an
-- `"asset"` (wrk itself only counts HTTP statuses >= 400).
local bench_dir = os.getenv("BENCH_DIR") or "bench"
dofile(bench_dir .. "/report.lua")

local BOUNDARY = "----ticketd-bench-7d1f0c9a2b5e4d3c"

local threads = {}
function setup(thread)
   table.insert(threads, thread)
end

local req
answers = 0
bad = 0

function init(args)
   local path = args[1] or os.getenv("UPLOAD_FILE")
   if not path then error("upload.lua: pass FILE after --") end
   local name = args[2] or path:match("([^/]+)$")
   local ctype = args[3] or "image/jpeg"
   local f = assert(io.open(path, "rb"))
   local bytes = f:read("*a")
   f:close()
   if #bytes == 0 then error("upload.lua: " .. path .. " is empty") end
   local body = table.concat({
      "--", BOUNDARY, "\r\n",
      'Content-Disposition: form-data; name="alt_text"\r\n\r\n',
      "bench upload\r\n",
      "--", BOUNDARY, "\r\n",
      'Content-Disposition: form-data; name="file"; filename="', name, '"\r\n',
      "Content-Type: ", ctype, "\r\n\r\n",
      bytes, "\r\n",
      "--", BOUNDARY, "--\r\n",
   })
   local headers = {}
   for k, v in pairs(wrk.headers) do headers[k] = v end -- keep -H (Authorization)
   headers["Content-Type"] = "multipart/form-data; boundary=" .. BOUNDARY
   req = wrk.format("POST", nil, headers, body)
end

function request()
   return req
end

function response(status, headers, body)
   answers = answers + 1
   if status ~= 200 or not body or not body:find('"status":200', 1, true)
      or not body:find('"asset"', 1, true) then
      bad = bad + 1
   end
end

local report_done = done
function done(summary, latency, requests)
   report_done(summary, latency, requests)
   local a, b = 0, 0
   for _, t in ipairs(threads) do
      a = a + (tonumber(t:get("answers")) or 0)
      b = b + (tonumber(t:get("bad")) or 0)
   end
   io.write(string.format("UPLOAD answers=%d bad=%d\n", a, b))
end
