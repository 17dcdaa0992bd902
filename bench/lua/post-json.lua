-- wrk script: POST /api with a small JSON body (docs/06-performance.md, "Workloads").
-- The body is what the course's step 3 echoes back: a flat object of three fields.
dofile("bench/lua/summary.lua")
wrk.method = "POST"
wrk.path = "/api"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"wrk","count":3,"ok":true}'
