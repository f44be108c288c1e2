-- POST /events: one event per request over many sessions, a mix of PageView, ViewContent and VideoProgress.
local sessions = {}
local counter = 0

function init(args)
  for line in io.lines(os.getenv("SESSIONS_FILE") or "/tmp/bench-sessions.txt") do sessions[#sessions + 1] = line end
  if #sessions == 0 then sessions[1] = "none" end
end

local milestones = { 25, 50, 75, 95 }
local headers = { ["Content-Type"] = "application/json",
  ["User-Agent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36" }

function request()
  counter = counter + 1
  local sid = sessions[math.random(1, #sessions)]
  local kind = counter % 4
  local body
  if kind == 0 then
    body = string.format('{"sessionId":"%s","event":"PageView","url":"https://film.example/watch?p=%d"}', sid, counter)
  elseif kind == 1 then
    body = string.format('{"sessionId":"%s","event":"ViewContent","url":"https://film.example/watch","properties":{"content":"trailer_%d"}}', sid, counter % 50)
  else
    body = string.format('{"sessionId":"%s","event":"VideoProgress","properties":{"content":"trailer_%d","percent":%d}}', sid, counter % 500, milestones[(counter % 4) + 1])
  end
  return wrk.format("POST", "/events", headers, body)
end
