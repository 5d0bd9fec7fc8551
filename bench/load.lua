-- wrk: each request takes the next of the pages and the API answer a signed-in user asks for;
-- the sign-in cookie and the API token come from the environment (set by the load test).
local paths = {
  "/",
  "/trainings?q=cyber",
  "/trainings?year=2020&sort=title",
  "/report?year=2020",
  "/api/v1/report?from=2020-01-01&to=2020-12-31",
  "/api/v1/trainings?limit=20",
}
local i = 0
wrk.headers["Cookie"] = os.getenv("CADRE_LOAD_COOKIE")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("CADRE_LOAD_TOKEN")

request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
