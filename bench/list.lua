-- wrk script: the list URL is given on the command line, e.g.
--   /v2/agency/tickets/list?page=1&per_page=50&closed=false&teammate_id=<uuid>
-- This script only adds the machine-readable summary.
local bench_dir = os.getenv("BENCH_DIR") or "bench"
dofile(bench_dir .. "/report.lua")
