-- A page load as the snippet makes it: POST /session with the page's PageView inside (one request, one script).
-- PAGELOAD=new: a new visitor each time (no session id); PAGELOAD=returning: a live session from $SESSIONS_FILE.
local sessions = {}
local counter = 0
local returning = os.getenv("PAGELOAD") == "returning"

function setup(thread) thread:set("id", tostring(math.random(1, 1e9))) end

function init(args)
  if returning then
    for line in io.lines(os.getenv("SESSIONS_FILE") or "/tmp/bench-sessions.txt") do sessions[#sessions + 1] = line end
    if #sessions == 0 then sessions[1] = "none" end
  end
end

local headers = { ["Content-Type"] = "text/plain", ["CF-IPCountry"] = "US",
  ["User-Agent"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1" }

function request()
  counter = counter + 1
  local url = string.format("https://film.example/watch?utm_source=facebook&utm_medium=paid&utm_campaign=c%d", counter % 20)
  local session = returning and string.format('"sessionId":"%s",', sessions[math.random(1, #sessions)]) or ""
  local body = string.format('{%s"url":"%s","referrer":"https://m.facebook.com/","events":[{"event":"PageView","eventId":"pl%s-%d","url":"%s"}]}',
    session, url, id, counter, url)
  return wrk.format("POST", "/session", headers, body)
end
