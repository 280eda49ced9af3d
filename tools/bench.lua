-- tools/bench.lua - wrk script of tools/bench: requests as real students
-- send them, every one from the same address.
--
--   BENCH_LIST=FILE wrk -t2 -c16 -d10s --latency -s tools/bench.lua URL
--
-- FILE has one student a line: "SID" (a GET of URL's path with the
-- student's session cookie) or "SID<TAB>BODY" (a form POST of BODY).
-- Without BENCH_ONCE the requests rotate over all lines for the whole run
-- (page views); the threads start at different lines.  With BENCH_ONCE=1
-- every line is sent exactly once (a burst: each student posts once),
-- the lines dealt out over the BENCH_THREADS threads; a thread stops when
-- all of its answers are in.  A connection that finds its thread's lines
-- used up sends nothing more (an empty request: no answer, no latency
-- recorded), so the figures count the students' requests only.
--
-- At the end one line: "RESULT key=value ...", read by tools/bench:
-- requests, seconds, rps, p50/p90/p99/max in ms, errors (socket),
-- non2xx (answers other than 2xx/3xx), timeouts, and in
-- BENCH_ONCE mode the answers by status (s303_pay: a 303 to /pay, ...).

local list = os.getenv("BENCH_LIST") or error("BENCH_LIST is not set")
local once = os.getenv("BENCH_ONCE") == "1"
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
local threads = {}
local counter = 0

-- wrk (4.1) runs for all of -d even when every thread has stopped, and
-- its Requests/sec divides by -d: in BENCH_ONCE mode each thread times
-- its own first request and last answer (LuaJIT's FFI, the monotonic
-- clock), and the last thread to finish ends wrk with SIGINT, as Ctrl-C
-- would (wrk then prints its figures at once).
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk, bench_timespec *ts);
int kill(int pid, int sig);
int getpid(void);
]]
local ts = ffi.new("bench_timespec")
local function now()
	ffi.C.clock_gettime(1, ts)	-- CLOCK_MONOTONIC
	return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

function setup(thread)
	thread:set("tid", counter)
	counter = counter + 1
	table.insert(threads, thread)
end

function init(args)
	local path = wrk.path
	local reqs, i = {}, 0
	for line in io.lines(list) do
		if #line > 0 then
			local sid, body = line:match("^([^\t]*)\t(.*)$")
			local mine = not once or (i % nthreads) == tid
			i = i + 1
			if mine then
				local h = { ["Host"] = wrk.headers["Host"],
					["Cookie"] = "tucai_sid=" .. (sid or line) }
				if body then
					h["Content-Type"] = "application/x-www-form-urlencoded"
					reqs[#reqs + 1] = wrk.format("POST", path, h, body)
				else
					reqs[#reqs + 1] = wrk.format("GET", path, h)
				end
			end
		end
	end
	assert(#reqs > 0, "no requests for thread " .. tid .. " in " .. list)
	_G.reqs, _G.n, _G.sent, _G.got = reqs, #reqs, 0, 0
	_G.idx = (tid * math.floor(#reqs / nthreads)) % #reqs
	_G.status = {}
end

function request()
	if once then
		if tid == 0 and not verified then
			-- wrk asks thread 0 for one request before the run, to
			-- check that it parses: that one is never sent.
			verified = true
			return reqs[1]
		end
		if sent >= n then
			return ""
		end
		if sent == 0 then
			t_first = now()
		end
		sent = sent + 1
		return reqs[sent]
	end
	idx = idx % n + 1
	return reqs[idx]
end

if once then
	function response(st, headers, body)
		local key = "s" .. st
		local loc = headers["Location"] or headers["location"]
		if st == 303 and loc then
			key = key .. "_" .. (loc:match("^https?://[^/]*/([%w]*)") or
			    loc:match("^/([%w]*)") or "other")
		end
		status[key] = (status[key] or 0) + 1
		got = got + 1
		if got >= n then
			t_last = now()
			wrk.thread:stop()
			-- One line per finished thread; the last one ends wrk.
			local f = assert(io.open(list .. ".done", "a"))
			f:write(tid, "\n")
			f:close()
			local finished = 0
			for _ in io.lines(list .. ".done") do
				finished = finished + 1
			end
			if finished >= nthreads then
				ffi.C.kill(ffi.C.getpid(), 2)	-- SIGINT
			end
		end
	end
end

function done(summary, latency, requests)
	local e = summary.errors
	local secs = summary.duration / 1e6
	if once then
		local first, last
		for _, t in ipairs(threads) do
			local a, b = t:get("t_first"), t:get("t_last")
			if a and (not first or a < first) then first = a end
			if b and (not last or b > last) then last = b end
		end
		if first and last then
			secs = last - first
		end
	end
	local out = string.format("RESULT requests=%d seconds=%.3f rps=%.1f " ..
	    "p50=%.3f p90=%.3f p99=%.3f max=%.3f errors=%d non2xx=%d timeouts=%d",
	    summary.requests, secs, summary.requests / secs,
	    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
	    latency:percentile(99) / 1000, latency.max / 1000,
	    e.connect + e.read + e.write, e.status, e.timeout)
	if once then
		local total = {}
		for _, t in ipairs(threads) do
			local s = t:get("status")
			for k, v in pairs(s or {}) do
				total[k] = (total[k] or 0) + v
			end
		end
		for k, v in pairs(total) do
			out = out .. string.format(" %s=%d", k, v)
		end
	end
	io.write(out .. "\n")
end
