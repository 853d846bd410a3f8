-- wrk script: POSTs the JSON body read from the file named by $BENCH_BODY_FILE, and prints one machine-readable
-- line at the end (bench/run.sh parses it):
--   WRKRESULT requests=N duration_us=N rps=X connect=N read=N write=N status=N timeout=N p50_ms=X p90_ms=X p99_ms=X max_ms=X
local path = os.getenv("BENCH_BODY_FILE")
if path == nil then
  error("set BENCH_BODY_FILE to the request body file")
end
local file = assert(io.open(path, "rb"))
wrk.body = file:read("*a")
file:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKRESULT requests=%d duration_us=%d rps=%.1f connect=%d read=%d write=%d status=%d timeout=%d " ..
    "p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
