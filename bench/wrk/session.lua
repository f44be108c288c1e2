-- POST /session with varied landing URLs; each new session id is appended to $SESSIONS_FILE for the events run.
local sources = { "facebook", "instagram", "google", "email", "tiktok" }
local counter = 0
local out = nil

function setup(thread) thread:set("id", tostring(math.random(1, 1e9))) end

function init(args)
  out = io.open(os.getenv("SESSIONS_FILE") or "/tmp/bench-sessions.txt", "a")
end

function request()
  counter = counter + 1
  local src = sources[(counter % #sources) + 1]
  local body = string.format('{"url":"https://film.example/watch?utm_source=%s&utm_medium=paid&utm_campaign=c%d&utm_content=trailer_%d&fbclid=IwAR%s%d","referrer":"https://m.facebook.com/"}',
    src, counter % 20, counter % 5, id, counter)
  return wrk.format("POST", "/session", { ["Content-Type"] = "application/json", ["CF-IPCountry"] = "US",
    ["User-Agent"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1" }, body)
end

function response(status, headers, body)
  local sid = body:match('"sessionId":"([^"]+)"')
  if sid and out then out:write(sid, "\n") end
end
