// Traffic traces: CSV and JSON, time units, scaling, offsets, gaps and errors.
#include "scenario/trace.h"

#include <doctest/doctest.h>

#include <string>

#include "scenario/scenario_fixtures.h"

using namespace simcluster;
using simcluster::scenario_internal::parse_trace;
using simcluster::scenario_internal::TraceOptions;
using simcluster::testing::minimal_scenario;
using simcluster::testing::ScratchDir;

namespace {

TraceOptions csv_options() {
  TraceOptions o;
  o.file = "t.csv";
  o.duration = SimDuration(86'400'000);
  return o;
}

std::string trace_error(std::string_view text, const TraceOptions& o) {
  try {
    (void)parse_trace(text, o, SourceLocation{"s.yaml", 9, 7});
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("A CSV trace with date-times becomes points relative to its first sample") {
  std::vector<ProfilePoint> p = parse_trace(
      "timestamp,value\n2014-04-10 00:04:00,94.0\n2014-04-10 00:09:00,56.0\n2014-04-10 "
      "00:19:00,187\n",
      csv_options(), {});
  REQUIRE(p.size() == 3);
  CHECK(p[0] == ProfilePoint{SimDuration(0), 94});
  CHECK(p[1] == ProfilePoint{SimDuration(300'000), 56});
  CHECK(p[2] == ProfilePoint{SimDuration(900'000), 187});  // the 10-minute gap stays a gap
}

TEST_CASE("Trace rows with a missing or NaN value are skipped") {
  std::vector<ProfilePoint> p =
      parse_trace("timestamp,value\n0,1\n60,\n120,NaN\n180,4\n", csv_options(), {});
  REQUIRE(p.size() == 2);
  CHECK(p[1] == ProfilePoint{SimDuration(180'000), 4});
}

TEST_CASE("Quoted headers, date-only times and CRLF line ends are read") {
  TraceOptions o = csv_options();
  o.column = "y";
  o.time_column = "ds";
  std::vector<ProfilePoint> p =
      parse_trace("\"ds\",\"y\"\r\n\"2007-12-10\",9.5\r\n\"2007-12-11\",8.5", o, {});
  REQUIRE(p.size() == 2);
  CHECK(p[1].at == SimDuration(86'400'000));
  CHECK(p[1].users == 8.5);
}

TEST_CASE("Time unit, time scale, value scale and start offset shape the points") {
  TraceOptions o = csv_options();
  o.time_column = "minute";
  o.column = "rps";
  o.time_unit = "m";
  o.time_scale = 0.5;                     // replay twice as fast
  o.value_scale = 10;                     // 10 users per unit
  o.start_offset = SimDuration(660'000);  // skip the first 11 trace minutes
  std::vector<ProfilePoint> p = parse_trace("minute,rps\n0,1\n5,2\n10,3\n15,4\n20,5\n", o, {});
  // Trace minutes 0..20 -> (t - 11 min) x 0.5: -5m30s, -3m, -30s, 2m, 4m30s; the
  // points before -30s are dropped, -30s is kept for interpolation at t = 0.
  REQUIRE(p.size() == 3);
  CHECK(p[0] == ProfilePoint{SimDuration(-30'000), 30});
  CHECK(p[1] == ProfilePoint{SimDuration(120'000), 40});
  CHECK(p[2] == ProfilePoint{SimDuration(270'000), 50});
}

TEST_CASE("Points beyond the run are trimmed to one past the end") {
  TraceOptions o = csv_options();
  o.duration = SimDuration(90'000);
  std::vector<ProfilePoint> p = parse_trace("timestamp,value\n0,1\n60,2\n120,3\n180,4\n", o, {});
  REQUIRE(p.size() == 3);
  CHECK(p.back().at == SimDuration(120'000));
}

TEST_CASE("Timezone offsets and fractional seconds are honoured") {
  std::vector<ProfilePoint> p =
      parse_trace("timestamp,value\n2024-01-01T00:00:00Z,1\n2024-01-01T02:00:30.5+02:00,2\n",
                  csv_options(), {});
  REQUIRE(p.size() == 2);
  CHECK(p[1].at == SimDuration(30'500));
}

TEST_CASE("A JSON trace may be a list of objects or a Prometheus range query") {
  TraceOptions o = csv_options();
  o.file = "t.json";
  o.time_column = "t";
  o.column = "users";
  std::vector<ProfilePoint> p = parse_trace(
      R"([{"t": 0, "users": 5}, {"t": 30, "users": "7.5"}, {"t": 60, "users": null}])", o, {});
  REQUIRE(p.size() == 2);
  CHECK(p[1] == ProfilePoint{SimDuration(30'000), 7.5});

  std::vector<ProfilePoint> prom = parse_trace(
      R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},
          "values":[[1700000000,"12"],[1700000015,"18.5"]]}]}})",
      o, {});
  REQUIRE(prom.size() == 2);
  CHECK(prom[1] == ProfilePoint{SimDuration(15'000), 18.5});
}

TEST_CASE("A Prometheus trace sums its series, or those a label selector chooses") {
  TraceOptions o = csv_options();
  o.file = "t.json";
  const std::string two = R"({"status":"success","data":{"resultType":"matrix","result":[
      {"metric":{"pod":"a"},"values":[[0,"1"],[15,"2"],[30,"NaN"]]},
      {"metric":{"pod":"b"},"values":[[15,"10"],[30,"20"]]}]}})";
  std::vector<ProfilePoint> sum = parse_trace(two, o, {});
  REQUIRE(sum.size() == 3);
  CHECK(sum[0] == ProfilePoint{SimDuration(0), 1});
  CHECK(sum[1] == ProfilePoint{SimDuration(15'000), 12});
  CHECK(sum[2] == ProfilePoint{SimDuration(30'000), 20});  // NaN skipped, as in a CSV

  o.series = R"({pod="b"})";
  std::vector<ProfilePoint> b = parse_trace(two, o, {});
  REQUIRE(b.size() == 2);
  CHECK(b[0] == ProfilePoint{SimDuration(0), 10});
  o.series = R"({pod=~"[ab]", pod!="b"})";
  CHECK(parse_trace(two, o, {}).size() == 2);  // a: 0 and 15 (30 is NaN)

  o.series = R"({pod="c"})";
  o.series_source = {"s.yaml", 11, 15};
  CHECK(contains(trace_error(two, o),
                 "s.yaml:11:15: no series of t.json matches {pod=\"c\"}\n  hint: the series are "
                 "{pod=\"a\"}, {pod=\"b\"}"));
  o.series = "{pod=";
  CHECK(contains(trace_error(two, o), "s.yaml:11:15: bad label selector '{pod=' at offset 5"));
  o.series.clear();
  CHECK(contains(
      trace_error(R"({"status":"error","errorType":"timeout","error":"query timed out"})", o),
      "t.json:1:11: Prometheus answered with an error: timeout: query timed out"));
  CHECK(contains(
      trace_error(R"({"data":{"resultType":"matrix","result":[{"values":[[0,"+Inf"]]}]}})", o),
      "t.json:1:56: {} has an infinite value (+Inf) at 0"));
  CHECK(contains(
      trace_error(R"({"data":{"resultType":"matrix","result":[{"values":[[5,"1"],[5,"2"]]}]}})", o),
      "time 5 does not increase within {}"));
}

TEST_CASE("Bad trace rows are errors at the trace's file and line") {
  TraceOptions o = csv_options();
  CHECK(contains(trace_error("timestamp,value\n0,1\n60,lots\n", o), "t.csv:3: bad value 'lots'"));
  CHECK(contains(trace_error("timestamp,value\n0,1\nyesterday,2\n", o),
                 "t.csv:3: bad time 'yesterday'"));
  CHECK(contains(trace_error("timestamp,value\n0,1\n60,-2\n", o), "t.csv:3: negative value -2"));
  CHECK(contains(trace_error("timestamp,value\n60,1\n0,2\n", o),
                 "t.csv:3: trace time does not increase"));
  CHECK(contains(trace_error("timestamp,value\n0,1,2\n", o),
                 "t.csv:2: row has 3 field(s), the header (line 1) has 2"));
  CHECK(contains(trace_error("timestamp,value\n\"0,1\n", o), "t.csv:2: unterminated quoted field"));
  CHECK(contains(trace_error("timestamp,value\n", o), "s.yaml:9:7: trace 't.csv' has no samples"));
  CHECK(contains(trace_error("", o), "empty CSV"));
  TraceOptions late = csv_options();
  late.start_offset = SimDuration(3'600'000);
  CHECK(contains(trace_error("timestamp,value\n0,1\n60,2\n", late),
                 "startOffset 1h is past the end"));
  TraceOptions col = csv_options();
  col.column = "vaule";
  col.column_source = {"s.yaml", 12, 15};
  CHECK(
      contains(trace_error("timestamp,value\n0,1\n", col),
               "s.yaml:12:15: trace value column 'vaule' is not in t.csv, did you mean 'value'?"));
}

TEST_CASE("A scenario's trace is read relative to the scenario and checked") {
  ScratchDir dir;
  dir.write("traces/day.csv", "timestamp,value\n0,10\n3600,30\n");
  Scenario s = dir.parse(
      minimal_scenario("load:\n  users:\n    trace: {file: traces/day.csv, valueScale: 2}\n"));
  CHECK(s.load.users.shape == ProfileShape::kTrace);
  CHECK(s.load.users.trace_file == dir.file("traces/day.csv"));
  REQUIRE(s.load.users.points.size() == 2);
  CHECK(profile_users(s.load.users, SimTime::from_seconds(1800)) == doctest::Approx(40));

  CHECK(contains(dir.error(minimal_scenario("load: {users: {trace: {file: nope.csv}}}\n")),
                 ":6:30: cannot read trace '" + dir.file("nope.csv") + "'"));
  CHECK(contains(dir.error(minimal_scenario(
                     "load: {users: {trace: {file: traces/day.csv, timeUnit: weeks}}}\n")),
                 "timeUnit must be ms, s, m, h or d"));
  dir.write("traces/bad.csv", "timestamp,value\n0,10\n60,ten\n");
  CHECK(contains(dir.error(minimal_scenario("load: {users: {trace: {file: traces/bad.csv}}}\n")),
                 dir.file("traces/bad.csv") + ":3: bad value 'ten'"));
}

TEST_CASE("A Prometheus series that is not an object is an input error, not a crash") {
  // Found by fuzz_trace: yaml-cpp's operator[] on a scalar throws BadSubscript,
  // which escaped as a non-InputError exception
  // (tests/fuzz/regressions/trace/prometheus-series-not-an-object).
  TraceOptions o = csv_options();
  o.file = "t.json";
  const std::string e = trace_error(R"({"status":"success","data":{"result":["x"]}})", o);
  CHECK(contains(e, "t.json:1:"));
  CHECK(contains(e, "data.result[0] must be an object with values"));
}

TEST_CASE("A Prometheus response missing data, result or values is an input error, not a crash") {
  // Found by fuzz_trace: a key a const yaml-cpp node lacks is an invalid node, and IsMap() /
  // IsSequence() on it throw InvalidNode
  // (tests/fuzz/regressions/trace/query-range-series-without-values).
  TraceOptions o = csv_options();
  o.file = "t.json";
  CHECK(contains(trace_error(R"({"status":"success","data":{"result":[{"metric":{}}]}})", o),
                 "data.result[0].values must be a list"));
  CHECK(contains(trace_error(R"({"status":"success","data":{"resultType":"matrix"}})", o),
                 "data.result must be a list of series"));
  CHECK(contains(trace_error(R"({"status":"success"})", o), "the response has no \"data\" object"));
}

TEST_CASE("A Prometheus error response without errorType or error is still its error") {
  TraceOptions o = csv_options();
  o.file = "t.json";
  CHECK(contains(trace_error(R"({"status":"error"})", o),
                 "Prometheus answered with an error: unknown: (no message)"));
}
