-- POST /events in batches of 50 PageViews, to queue a deep outbox quickly.
local sessions = {}
local counter = 0

function init(args)
  for line in io.lines(os.getenv("SESSIONS_FILE") or "/tmp/bench-sessions.txt") do sessions[#sessions + 1] = line end
end

function request()
  counter = counter + 1
  local parts = {}
  for i = 1, 50 do parts[i] = '{"event":"PageView","url":"https://film.example/"}' end
  local body = string.format('{"sessionId":"%s","events":[%s]}', sessions[math.random(1, #sessions)], table.concat(parts, ","))
  return wrk.format("POST", "/events", { ["Content-Type"] = "application/json",
    ["User-Agent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36" }, body)
end
