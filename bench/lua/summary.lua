-- wrk script: what the harness checks after every run (docs/06-performance.md, "Checks").
-- done() runs once, after every thread finished, with wrk's own totals: it prints them as one
-- machine-readable line that bench/run.sh reads. No response() callback: that would call Lua for
-- every response and make wrk, not the server, the thing being measured.
--   errors.status counts responses with a status of 400 or more.
-- The other workload scripts load this file with dofile, so every workload prints the line.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("CHECK requests=%d bytes=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout))
end
