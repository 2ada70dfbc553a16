-- Shared by the bench/*.lua wrk scripts: prints one machine-readable line
-- that bench/run.sh parses (wrk's own text summary is printed too).
--   BENCH requests=<n> duration_us=<n> rps=<float> p50_us=<n> p99_us=<n>
--         max_us=<n> err_connect=<n> err_read=<n> err_write=<n>
--         err_status=<n> err_timeout=<n>
-- err_status counts answers that are not 2xx/3xx.
function done(summary, latency, requests)
   local e = summary.errors
   local secs = summary.duration / 1e6
   io.write(string.format(
      "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d " ..
      "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
      summary.requests, summary.duration,
      secs > 0 and summary.requests / secs or 0,
      latency:percentile(50), latency:percentile(99), latency.max,
      e.connect, e.read, e.write, e.status, e.timeout))
end
