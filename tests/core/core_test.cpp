#include <doctest/doctest.h>

#include "simcluster/error.h"
#include "simcluster/objects.h"
#include "simcluster/resources.h"
#include "simcluster/time.h"

using namespace simcluster;

namespace {
Quantity q(const char* s) {
  auto v = Quantity::parse(s);
  REQUIRE(v.has_value());
  return *v;
}
Container container(const char* cpu, const char* mem) {
  Container c;
  if (cpu) c.resources.requests["cpu"] = q(cpu);
  if (mem) c.resources.requests["memory"] = q(mem);
  return c;
}
}  // namespace

TEST_CASE("durations parse in Go notation and print back in the shortest form") {
  CHECK(parse_duration("90s") == SimDuration(90'000));
  CHECK(parse_duration("1h30m") == SimDuration(5'400'000));
  CHECK(parse_duration("250ms") == SimDuration(250));
  CHECK(parse_duration("1.5s") == SimDuration(1500));
  CHECK(parse_duration("24h") == SimDuration(86'400'000));
  CHECK(parse_duration("300") == SimDuration(300'000));
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("5 m"));
  CHECK_FALSE(parse_duration("5y"));
  CHECK_FALSE(parse_duration("-5s"));
  CHECK_FALSE(parse_duration("99999999999999999999h"));
  CHECK(format_duration(SimDuration(5'400'000)) == "1h30m");
  CHECK(format_duration(SimDuration(45'000)) == "45s");
  CHECK(format_duration(SimDuration(250)) == "250ms");
  CHECK(format_duration(SimDuration(1500)) == "1.500s");
  CHECK(format_duration(SimDuration(0)) == "0s");
}

TEST_CASE("closest_match suggests a likely typo and nothing for unrelated words") {
  CHECK(closest_match("replica", {"replicas", "selector"}) == "replicas");
  CHECK(closest_match("cart", {"carts", "catalogue"}) == "carts");
  CHECK(closest_match("zzzzzz", {"replicas", "selector"}).empty());
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("suggest_name also offers the one name that extends the word with a dash-part") {
  CHECK(suggest_name("billing", {"auth-service", "billing-service"}) == "billing-service");
  CHECK(suggest_name("api", {"shop-api", "web"}) == "shop-api");
  CHECK(suggest_name("chat", {"chat-service", "chat-worker"}) == "");  // two: no guess
  CHECK(suggest_name("chat-servce", {"chat-service", "chat-worker"}) == "chat-service");
}

TEST_CASE("input errors render file:line:col and a hint") {
  InputError e(SourceLocation{"a.yaml", 3, 7}, "bad", "fix it");
  CHECK(std::string(e.what()) == "a.yaml:3:7: bad\n  hint: fix it");
  CHECK(SourceLocation{"f", 2, 0}.to_string() == "f:2");
}

TEST_CASE("label selectors match labels and expressions") {
  LabelSelector s;
  s.match_labels = {{"app", "web"}};
  s.match_expressions.push_back({"tier", LabelSelectorRequirement::Op::kIn, {"front", "edge"}});
  CHECK(selector_matches(s, {{"app", "web"}, {"tier", "front"}}));
  CHECK_FALSE(selector_matches(s, {{"app", "web"}, {"tier", "back"}}));
  CHECK_FALSE(selector_matches(s, {{"tier", "front"}}));
  LabelSelector empty;
  CHECK(selector_matches(empty, {}));
  CHECK_FALSE(map_selector_matches({}, {{"a", "b"}}));
  CHECK(map_selector_matches({{"a", "b"}}, {{"a", "b"}, {"c", "d"}}));
}

TEST_CASE("pod requests take the max of app containers and init containers, plus overhead") {
  // component-helpers helpers.go / fit.go computePodResourceRequest example.
  PodSpec spec;
  spec.init_containers = {container("2", "1G"), container("2", "3G")};
  spec.containers = {container("2", "1G"), container("1", "1G")};
  Resources r = pod_requests(spec);
  CHECK(r.cpu_milli == 3000);
  CHECK(r.memory == 3'000'000'000);
  CHECK(r.pods == 1);
  spec.overhead["cpu"] = q("250m");
  spec.overhead["memory"] = q("120Mi");
  r = pod_requests(spec);
  CHECK(r.cpu_milli == 3250);
  CHECK(r.memory == 3'000'000'000 + 120LL * 1024 * 1024);
}

TEST_CASE("sidecars run beside the app containers and under later init containers") {
  // helpers_test.go "multiple restartable and regular init containers": 8 CPU.
  PodSpec spec;
  auto sidecar = [](const char* cpu) {
    Container c = container(cpu, nullptr);
    c.restart_policy = "Always";
    return c;
  };
  spec.init_containers = {container("5", nullptr), sidecar("1"), sidecar("2"),
                          container("5", nullptr), sidecar("3")};
  spec.containers = {container("1", nullptr)};
  CHECK(pod_requests(spec).cpu_milli == 8000);
}

TEST_CASE("non-zero requests default missing cpu and memory for scoring only") {
  PodSpec spec;
  spec.containers = {Container{}, container("0", nullptr)};
  Resources r = pod_requests(spec, /*non_zero=*/true);
  CHECK(r.cpu_milli == 100);  // the explicit 0 stays 0
  CHECK(r.memory == 2 * 200LL * 1024 * 1024);
  CHECK(pod_requests(spec).cpu_milli == 0);
}

TEST_CASE("resources add, subtract, compare and take maxima with extended resources") {
  Resources a{.cpu_milli = 500, .memory = 100, .pods = 1, .extended = {{"nvidia.com/gpu", 1}}};
  Resources b{.cpu_milli = 250, .memory = 300, .pods = 1, .extended = {}};
  Resources sum = a + b;
  CHECK(sum.cpu_milli == 750);
  CHECK(sum.memory == 400);
  CHECK((sum - a) == b);
  CHECK(Resources::max(a, b).memory == 300);
  Resources cap{.cpu_milli = 1000, .memory = 1000, .pods = 2, .extended = {}};
  CHECK_FALSE(a.fits_in(cap));  // no GPU on this node
  CHECK(b.fits_in(cap));
}

TEST_CASE("days_from_civil counts days since 1970-01-01 in the proleptic Gregorian calendar") {
  using simcluster::days_from_civil;
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2000, 3, 1) == 11017);
  CHECK(days_from_civil(2026, 1, 1) == 20454);  // 1767225600 s / 86400
  CHECK(days_from_civil(1969, 12, 31) == -1);
  CHECK(days_from_civil(2024, 3, 1) - days_from_civil(2024, 2, 28) == 2);  // a leap year
  CHECK(days_from_civil(2100, 3, 1) - days_from_civil(2100, 2, 28) == 1);  // not one
}
