-- wrk script for the dashboard load test (bench/run.sh): every request picks one of the
-- paths listed in the file named by $WRK_PATHS (one per line), at random, so that the
-- server is asked for many dashboards, not one kept answer. Headers given with -H (the
-- session cookie) go with every request. The same script and the same list run against
-- nginx serving the same bytes from files at the same paths.
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  if line ~= "" then paths[#paths + 1] = line end
end
assert(#paths > 0, "no paths in $WRK_PATHS")

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  math.randomseed(1000003 * (id or 1) + os.time())
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
