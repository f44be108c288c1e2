-- Same mix as events.lua, paced: each connection waits DELAY_MS between requests (a fixed-ish request rate).
dofile((os.getenv("BENCH_DIR") or ".") .. "/wrk/events.lua")
local pause = tonumber(os.getenv("DELAY_MS") or "10")
function delay() return pause end
