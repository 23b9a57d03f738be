// Tests for HPA normalization, ported (restated) from the tables of k8s
// pkg/controller/podautoscaler/horizontal_test.go: TestNormalizeDesiredReplicas,
// TestConvertDesiredReplicasWithRules, TestScalingWithRules,
// TestCalculateScale{Up,Down}Limit*, TestStoreScaleEvents,
// TestNormalizeDesiredReplicasWithBehavior; and pkg/apis/autoscaling/v2
// defaults_test.go: TestGenerateScale{Up,Down}Rules. Expected numbers are upstream's.
#include <doctest/doctest.h>

#include "hpa/hpa_fixtures.h"

namespace simcluster {
namespace {

using namespace hpa_test;
using std::chrono::minutes;
using std::chrono::seconds;

std::string policies_string(const std::vector<HPAScalingPolicy>& ps) {
  std::string out;
  for (const auto& p : ps)
    out += p.type + ":" + std::to_string(p.value) + "/" + std::to_string(p.period_seconds) + " ";
  return out;
}

TEST_CASE("Legacy stabilization takes the max over the 5 minute window and recycles old entries") {
  struct Case {
    const char* name;
    std::vector<HPARecommendation> recs;
    int32_t desired, stabilized;
    size_t log_length;
  };
  const SimTime now = kNow;
  const std::vector<Case> cases{
      {"empty log", {}, 5, 5, 1},
      {"stabilize", {{4, now - minutes(2)}, {5, now - minutes(1)}}, 3, 5, 3},
      {"no stabilize", {{1, now - minutes(2)}, {2, now - minutes(1)}}, 3, 3, 3},
      {"no stabilize - old recommendations",
       {{10, now - minutes(10)}, {9, now - minutes(9)}},
       3,
       3,
       2},
      {"stabilize - old recommendations",
       {{10, now - minutes(10)},
        {4, now - minutes(1)},
        {5, now - minutes(2)},
        {9, now - minutes(9)}},
       3,
       5,
       4},
  };
  for (const auto& tc : cases) {
    SUBCASE(tc.name) {
      auto recs = tc.recs;
      const auto n = normalize_desired_replicas(recs, 100, tc.desired, 1, 1000, now, HPAConfig{});
      CHECK(n.stabilized == tc.stabilized);
      CHECK(recs.size() == tc.log_length);
      CHECK(n.stabilization_reason == (tc.stabilized != tc.desired ? "ScaleDownStabilized" : ""));
    }
  }
  SUBCASE("an entry exactly at the cutoff still counts on the legacy path") {
    std::vector<HPARecommendation> recs{{9, now - minutes(5)}};
    CHECK(normalize_desired_replicas(recs, 9, 3, 1, 10, now, HPAConfig{}).stabilized == 9);
  }
}

TEST_CASE("Legacy limits clamp to [min, min(max, scale-up limit)]") {
  struct Case {
    const char* name;
    int32_t current, desired, min, max, expected;
    const char* reason;
  };
  HPAConfig cfg;
  cfg.scale_up_limit_factor = 8;  // horizontal_test.go's override
  const std::vector<Case> cases{
      {"prenormalized desired replicas within range", 5, 7, 3, 8, 7, "DesiredWithinRange"},
      {"prenormalized desired replicas < minReplicas", 3, 1, 2, 8, 2, "TooFewReplicas"},
      {"prenormalized desired zeroed replicas within range", 1, 0, 0, 10, 0, "DesiredWithinRange"},
      {"maxReplicas is the limit because maxReplicas < scaleUpLimit", 20, 1000, 1, 10, 10,
       "TooManyReplicas"},
      {"scaleUpLimit is the limit because scaleUpLimit < maxReplicas", 3, 1000, 1, 2000, 24,
       "ScaleUpLimit"},
  };
  for (const auto& tc : cases) {
    SUBCASE(tc.name) {
      std::vector<HPARecommendation> recs;
      const auto n =
          normalize_desired_replicas(recs, tc.current, tc.desired, tc.min, tc.max, kNow, cfg);
      CHECK(n.result == tc.expected);
      CHECK(n.limit_reason == tc.reason);
    }
  }
  SUBCASE("production factor: max(2 * current, 4)") {
    std::vector<HPARecommendation> recs;
    CHECK(normalize_desired_replicas(recs, 3, 1000, 1, 2000, kNow, HPAConfig{}).result == 6);
    recs.clear();
    CHECK(normalize_desired_replicas(recs, 1, 1000, 1, 2000, kNow, HPAConfig{}).result == 4);
  }
}

TEST_CASE("Behavior rate limits follow upstream's TestScalingWithRules table") {
  struct Case {
    const char* name;
    std::vector<int32_t> up_events, down_events;  // uniform over 120 s
    int32_t min, max;
    std::optional<HPAScalingRules> up, down;
    int32_t current, desired, expected;
    const char* reason;
  };
  const std::nullopt_t none = std::nullopt;
  const std::vector<Case> cases{
      {"prenormalized desired replicas within range",
       {},
       {},
       3,
       8,
       none,
       none,
       5,
       7,
       7,
       "DesiredWithinRange"},
      {"prenormalized desired replicas < minReplicas",
       {},
       {},
       2,
       8,
       none,
       none,
       3,
       1,
       2,
       "TooFewReplicas"},
      {"within range when minReplicas is 0",
       {},
       {},
       0,
       10,
       none,
       none,
       1,
       0,
       0,
       "DesiredWithinRange"},
      {"maxReplicas is the limit because maxReplicas < scaleUpLimit",
       {},
       {},
       1,
       10,
       none,
       none,
       20,
       1000,
       10,
       "TooManyReplicas"},
      {"desired replica count is more than the maximum replica count",
       {},
       {},
       100,
       150,
       none,
       none,
       100,
       1000,
       150,
       "TooManyReplicas"},
      {"scaleUpLimit < maxReplicas with user policies",
       {},
       {},
       1,
       2000,
       scaling_rules(0, 0, 1, 60, 0),
       none,
       3,
       1000,
       4,
       "ScaleUpLimit"},
      {"scaleUp with default behavior", {}, {}, 1, 1000, none, none, 10, 50, 20, "ScaleUpLimit"},
      {"scaleUp with pods policy larger than percent policy",
       {},
       {},
       1,
       1000,
       scaling_rules(100, 60, 100, 60, 0),
       none,
       10,
       500,
       110,
       "ScaleUpLimit"},
      {"scaleUp with percent policy larger than pods policy",
       {},
       {},
       1,
       1000,
       scaling_rules(2, 60, 100, 60, 0),
       none,
       10,
       500,
       20,
       "ScaleUpLimit"},
      {"scaleUp with spec MaxReplicas limitation with large pod policy",
       {},
       {},
       1,
       1000,
       scaling_rules(100, 60, 0, 0, 0),
       none,
       10,
       50,
       50,
       "DesiredWithinRange"},
      {"scaleUp with spec MaxReplicas limitation with large percent policy",
       {},
       {},
       1,
       1000,
       scaling_rules(10000, 60, 0, 0, 0),
       none,
       10,
       50,
       50,
       "DesiredWithinRange"},
      {"scaleUp with pod policy limitation",
       {},
       {},
       1,
       1000,
       scaling_rules(30, 60, 0, 0, 0),
       none,
       10,
       50,
       40,
       "ScaleUpLimit"},
      {"scaleUp with percent policy limitation",
       {},
       {},
       1,
       1000,
       scaling_rules(0, 0, 200, 60, 0),
       none,
       10,
       50,
       30,
       "ScaleUpLimit"},
      {"scaleDown with percent policy larger than pod policy",
       {},
       {},
       1,
       1000,
       none,
       scaling_rules(20, 60, 1, 60, 300),
       100,
       2,
       80,
       "ScaleDownLimit"},
      {"scaleDown with pod policy larger than percent policy",
       {},
       {},
       1,
       1000,
       none,
       scaling_rules(2, 60, 1, 60, 300),
       100,
       2,
       98,
       "ScaleDownLimit"},
      {"scaleDown with spec MinReplicas limitation with large pod policy",
       {},
       {},
       1,
       1000,
       none,
       scaling_rules(100, 60, 0, 0, 300),
       10,
       0,
       1,
       "TooFewReplicas"},
      {"scaleDown with spec MinReplicas limitation with large percent policy",
       {},
       {},
       5,
       1000,
       none,
       scaling_rules(0, 0, 100, 60, 300),
       10,
       2,
       5,
       "TooFewReplicas"},
      {"scaleDown with pod policy limitation",
       {},
       {},
       1,
       1000,
       none,
       scaling_rules(5, 60, 0, 0, 300),
       10,
       2,
       5,
       "ScaleDownLimit"},
      {"scaleDown with percent policy limitation",
       {},
       {},
       1,
       1000,
       none,
       scaling_rules(0, 0, 50, 60, 300),
       10,
       5,
       5,
       "DesiredWithinRange"},
      {"scaleUp with spec MaxReplicas limitation with large pod policy and events",
       {1, 5, 9},
       {},
       1,
       200,
       scaling_rules(300, 60, 0, 0, 0),
       none,
       100,
       500,
       200,
       "TooManyReplicas"},
      {"scaleUp with spec MaxReplicas limitation with large percent policy and events",
       {1, 5, 9},
       {},
       1,
       200,
       scaling_rules(0, 0, 10000, 60, 0),
       none,
       100,
       500,
       200,
       "TooManyReplicas"},
      {"scaleUp held at current when recent events exceed a changed pod policy",
       {1, 5, 9},
       {},
       1,
       1000,
       scaling_rules(5, 120, 0, 0, 0),
       none,
       100,
       500,
       100,
       "ScaleUpLimit"},
      {"scaleUp with pod policy and previous scale up events",
       {1, 5, 9},
       {},
       1,
       1000,
       scaling_rules(150, 120, 0, 0, 0),
       none,
       100,
       500,
       235,
       "ScaleUpLimit"},
      {"scaleUp with percent policy and previous scale up events",
       {1, 5, 9},
       {},
       1,
       1000,
       scaling_rules(0, 0, 200, 120, 0),
       none,
       100,
       500,
       255,
       "ScaleUpLimit"},
      {"scaleUp with percent policy and previous scale up and down events",
       {4},
       {2},
       1,
       1000,
       scaling_rules(0, 0, 300, 300, 0),
       none,
       6,
       24,
       16,
       "ScaleUpLimit"},
      {"scaleDown with default policy and previous events",
       {},
       {1, 5, 9},
       1,
       1000,
       none,
       none,
       10,
       5,
       5,
       "DesiredWithinRange"},
      {"scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events",
       {},
       {1, 5, 9},
       1,
       1000,
       none,
       scaling_rules(115, 120, 0, 0, 300),
       100,
       0,
       1,
       "TooFewReplicas"},
      {"scaleDown with spec MinReplicas limitation with large pod policy and previous events",
       {},
       {1, 5, 9},
       5,
       1000,
       none,
       scaling_rules(130, 120, 0, 0, 300),
       100,
       0,
       5,
       "TooFewReplicas"},
      {"scaleDown with spec MinReplicas limitation with large percent policy and previous events",
       {},
       {1, 5, 9},
       5,
       1000,
       none,
       scaling_rules(0, 0, 100, 120, 300),
       100,
       2,
       5,
       "TooFewReplicas"},
      {"scaleDown with pod policy limitation and previous events",
       {},
       {1, 5, 9},
       1,
       1000,
       none,
       scaling_rules(5, 120, 0, 0, 300),
       100,
       2,
       100,
       "ScaleDownLimit"},
      {"scaleDown with percent policy limitation and previous events",
       {},
       {2, 4, 6},
       1,
       1000,
       none,
       scaling_rules(0, 0, 50, 120, 300),
       100,
       0,
       56,
       "ScaleDownLimit"},
      {"scaleDown with percent policy and previous scale up and down events",
       {2},
       {4},
       1,
       1000,
       none,
       scaling_rules(0, 0, 50, 180, 0),
       10,
       1,
       6,
       "ScaleDownLimit"},
      {"scaleDown with previous events preventing further scale down",
       {},
       {10, 10, 10},
       1,
       1000,
       none,
       scaling_rules(0, 0, 10, 120, 300),
       100,
       0,
       100,
       "ScaleDownLimit"},
      {"scaleDown with previous events still allowing more scale down",
       {},
       {10, 10, 10},
       1,
       1000,
       none,
       scaling_rules(0, 0, 1000, 120, 300),
       10,
       5,
       5,
       "DesiredWithinRange"},
      {"check 'outdated' flag for events for one behavior for up",
       {8, 12, 9, 11},
       {},
       1,
       1000,
       scaling_rules(1000, 60, 0, 0, 0),
       none,
       100,
       200,
       200,
       "DesiredWithinRange"},
      {"events not marked outdated for two different policies for up",
       {8, 12, 9, 11},
       {},
       1,
       1000,
       scaling_rules(1000, 120, 100, 60, 0),
       none,
       100,
       200,
       200,
       "DesiredWithinRange"},
      {"events marked outdated for two different policies for up",
       {8, 12, 9, 11},
       {},
       1,
       1000,
       scaling_rules(1000, 30, 100, 60, 0),
       none,
       100,
       200,
       200,
       "DesiredWithinRange"},
      {"check 'outdated' flag for events for one behavior for down",
       {},
       {8, 12, 9, 11},
       1,
       1000,
       none,
       scaling_rules(1000, 60, 0, 0, 300),
       100,
       5,
       5,
       "DesiredWithinRange"},
      {"events not marked outdated for two different policies for down",
       {},
       {8, 12, 9, 11},
       1,
       1000,
       none,
       scaling_rules(1000, 120, 100, 60, 300),
       100,
       5,
       5,
       "DesiredWithinRange"},
      {"events marked outdated for two different policies for down",
       {},
       {8, 12, 9, 11},
       1,
       1000,
       none,
       scaling_rules(1000, 30, 100, 60, 300),
       100,
       5,
       5,
       "DesiredWithinRange"},
  };
  for (const auto& tc : cases) {
    SUBCASE(tc.name) {
      // No recommendation history: stabilization passes `desired` through,
      // so this exercises convertDesiredReplicasWithBehaviorRate alone.
      HPAState state;
      if (!tc.up_events.empty()) state.scale_up_events = uniform_events(tc.up_events, 120, kNow);
      if (!tc.down_events.empty())
        state.scale_down_events = uniform_events(tc.down_events, 120, kNow);
      const HPABehavior behavior{generate_scale_up_rules(tc.up),
                                 generate_scale_down_rules(tc.down, HPAConfig{})};
      const auto n = normalize_desired_replicas_with_behaviors(state, behavior, tc.current,
                                                               tc.desired, tc.min, tc.max, kNow);
      CHECK(n.stabilized == tc.desired);
      CHECK(n.result == tc.expected);
      CHECK(n.limit_reason == tc.reason);
    }
  }
}

TEST_CASE("selectPolicy Min picks the smallest change in each direction") {
  HPAScalingRules rules;
  rules.stabilization_window_seconds = 300;
  rules.select_policy = "Min";
  rules.policies = {HPAScalingPolicy{"Pods", 2, 60}, HPAScalingPolicy{"Percent", 50, 60}};
  // Up from 1: Pods 3, Percent ceil(1.5) = 2 -> 2.
  const auto up = calculate_scale_up_limit_with_scaling_rules(1, {}, {}, rules, kNow);
  CHECK(up.limit == 2);
  CHECK(up.selected_policy == 1u);
  // Down from 5: Pods 3, Percent trunc(2.5) = 2 -> the larger floor, 3.
  const auto down = calculate_scale_down_limit_with_behaviors(5, {}, {}, rules, kNow);
  CHECK(down.limit == 3);
  CHECK(down.selected_policy == 0u);
  // Disabled: the bound is the current count, whatever the policies say.
  rules.select_policy = "Disabled";
  CHECK(calculate_scale_up_limit_with_scaling_rules(7, {}, {}, rules, kNow).limit == 7);
  CHECK_FALSE(calculate_scale_down_limit_with_behaviors(7, {}, {}, rules, kNow).selected_policy);
}

TEST_CASE("Scale events replace the last outdated entry or are appended") {
  struct Case {
    const char* name;
    std::vector<std::pair<int32_t, int64_t>> prev;   // change, seconds ago
    std::vector<std::pair<int32_t, bool>> expected;  // change, outdated
    std::optional<HPAScalingRules> rules;
    int32_t change_in_last_60s;
  };
  const std::vector<Case> cases{
      {"empty entries with default behavior", {}, {}, std::nullopt, 0},
      {"empty entries with two-policy-behavior",
       {},
       {{5, false}},
       scaling_rules(10, 60, 100, 60, 0),
       0},
      {"one outdated entry to be kept untouched without behavior",
       {{7, 61}},
       {{7, false}},
       std::nullopt,
       0},
      {"one outdated entry to be replaced with behavior",
       {{7, 61}},
       {{5, false}},
       scaling_rules(10, 60, 100, 60, 0),
       0},
      {"one actual entry to be not touched with behavior",
       {{7, 58}},
       {{7, false}, {5, false}},
       scaling_rules(10, 60, 100, 60, 0),
       7},
      {"two entries, one of them to be replaced",
       {{7, 61}, {6, 59}},
       {{5, false}, {6, false}},
       scaling_rules(10, 60, 0, 0, 0),
       6},
      {"replace one entry, use policies with different periods",
       {{8, 29}, {6, 59}, {7, 61}, {9, 61}},
       {{8, false}, {6, false}, {7, true}, {5, false}},
       scaling_rules(10, 60, 100, 30, 0),
       14},
      {"two entries, both actual",
       {{7, 58}, {6, 59}},
       {{7, false}, {6, false}, {5, false}},
       scaling_rules(10, 120, 100, 30, 0),
       13},
  };
  for (const auto& tc : cases) {
    SUBCASE(tc.name) {
      std::vector<HPAScaleEvent> prev;
      for (auto [change, ago] : tc.prev) prev.push_back({change, seconds_ago(kNow, ago), false});
      for (const bool up : {true, false}) {
        CAPTURE(up);
        HPAState state;
        (up ? state.scale_up_events : state.scale_down_events) = prev;
        CHECK(get_replicas_change_per_period(60, prev, kNow) == tc.change_in_last_60s);
        std::optional<HPABehavior> behavior;
        if (tc.rules) {
          behavior = HPABehavior{};
          (up ? behavior->scale_up : behavior->scale_down) = tc.rules;
        }
        store_scale_event(state, behavior, 10, up ? 15 : 5, kNow);
        const auto& got = up ? state.scale_up_events : state.scale_down_events;
        REQUIRE(got.size() == tc.expected.size());
        for (size_t i = 0; i < got.size(); ++i) {
          CHECK(got[i].replica_change == tc.expected[i].first);
          CHECK(got[i].outdated == tc.expected[i].second);
        }
        CHECK((up ? state.scale_down_events : state.scale_up_events).empty());
      }
    }
  }
}

TEST_CASE("Behavior stabilization holds replicas between the recent min and max") {
  struct Case {
    const char* name;
    std::vector<std::pair<int32_t, int64_t>> recs;  // replicas, seconds ago
    int32_t current, desired, stabilized;
    std::vector<int32_t> stored;  // empty = not checked
    int32_t up_window = 0, down_window = 0;
  };
  const std::vector<Case> cases{
      {"empty recommendations for scaling down", {}, 100, 5, 5, {5}},
      {"simple scale down stabilization", {{4, 120}, {5, 60}}, 100, 3, 5, {4, 5, 3}, 0, 180},
      {"simple scale up stabilization", {{4, 120}, {5, 60}}, 1, 7, 4, {4, 5, 7}, 300, 0},
      {"no scale down stabilization", {{1, 120}, {2, 60}}, 100, 3, 3, {1, 2, 3}, 300, 0},
      {"no scale up stabilization", {{4, 120}, {5, 60}}, 1, 3, 3, {4, 5, 3}, 0, 300},
      {"no scale down stabilization, reuse recommendation element",
       {{10, 600}, {9, 540}},
       100,
       3,
       3,
       {10, 3}},
      {"no scale up stabilization, reuse recommendation element",
       {{10, 600}, {9, 540}},
       1,
       100,
       100,
       {10, 100}},
      {"scale down stabilization, reuse one of obsolete recommendation element",
       {{10, 600}, {4, 60}, {5, 120}, {9, 540}},
       100,
       3,
       5,
       {10, 4, 5, 3},
       0,
       180},
      {"scale up stabilization, reuse one of obsolete recommendation element",
       {{10, 6000}, {6, 60}, {5, 120}, {9, 180}},
       1,
       100,
       5,
       {100, 6, 5, 9},
       300,
       0},
      {"do not scale up when the prenormalized recommendation goes down",
       {{2, 6000}, {3, 180}},
       2,
       1,
       2,
       {},
       300,
       300},
      {"do not scale down when the prenormalized recommendation goes up",
       {{2, 6000}, {1, 180}},
       2,
       3,
       2,
       {},
       300,
       300},
  };
  for (const auto& tc : cases) {
    SUBCASE(tc.name) {
      HPAState state;
      for (auto [r, ago] : tc.recs) state.recommendations.push_back({r, seconds_ago(kNow, ago)});
      HPABehavior behavior;
      behavior.scale_up = generate_scale_up_rules(std::nullopt);
      behavior.scale_up->stabilization_window_seconds = tc.up_window;
      behavior.scale_down = generate_scale_down_rules(std::nullopt, HPAConfig{});
      behavior.scale_down->stabilization_window_seconds = tc.down_window;
      const auto n = normalize_desired_replicas_with_behaviors(state, behavior, tc.current,
                                                               tc.desired, 1, 1000, kNow);
      CHECK(n.stabilized == tc.stabilized);
      if (!tc.stored.empty()) {
        std::vector<int32_t> got;
        for (const auto& r : state.recommendations) got.push_back(r.replicas);
        CHECK(got == tc.stored);
      }
      if (tc.stabilized != tc.desired) {
        CHECK(n.stabilization_reason ==
              (tc.desired >= tc.current ? "ScaleUpStabilized" : "ScaleDownStabilized"));
      } else {
        CHECK(n.stabilization_reason.empty());
      }
    }
  }
}

TEST_CASE("Behavior rules are defaulted field by field") {
  SUBCASE("scale up: default values") {
    const auto up = generate_scale_up_rules(HPAScalingRules{});
    CHECK(policies_string(up.policies) == "Pods:4/15 Percent:100/15 ");
    CHECK(up.stabilization_window_seconds == 0);
    CHECK(up.select_policy == "Max");
    CHECK(policies_string(generate_scale_up_rules(std::nullopt).policies) ==
          "Pods:4/15 Percent:100/15 ");
  }
  SUBCASE("scale up: all parameters are specified") {
    auto r = scaling_rules(1, 2, 3, 4, 25);
    const auto up = generate_scale_up_rules(r);
    CHECK(policies_string(up.policies) == "Pods:1/2 Percent:3/4 ");
    CHECK(up.stabilization_window_seconds == 25);
    CHECK(up.select_policy == "Max");
  }
  SUBCASE("scale up: pod policy with Min keeps the default window") {
    HPAScalingRules r;
    r.select_policy = "Min";
    r.policies = {HPAScalingPolicy{"Pods", 1, 2}};
    const auto up = generate_scale_up_rules(r);
    CHECK(policies_string(up.policies) == "Pods:1/2 ");
    CHECK(up.stabilization_window_seconds == 0);
    CHECK(up.select_policy == "Min");
  }
  SUBCASE("scale up: percent policy and window") {
    HPAScalingRules r;
    r.stabilization_window_seconds = 25;
    r.policies = {HPAScalingPolicy{"Percent", 7, 60}};
    const auto up = generate_scale_up_rules(r);
    CHECK(policies_string(up.policies) == "Percent:7/60 ");
    CHECK(up.stabilization_window_seconds == 25);
    CHECK(up.select_policy == "Max");
  }
  SUBCASE("scale down: default values take the window from the controller flag") {
    const auto down = generate_scale_down_rules(HPAScalingRules{}, HPAConfig{});
    CHECK(policies_string(down.policies) == "Percent:100/15 ");
    CHECK(down.stabilization_window_seconds == 300);
    CHECK(down.select_policy == "Max");
    HPAConfig cfg;
    cfg.downscale_stabilization = minutes(2);
    CHECK(generate_scale_down_rules(std::nullopt, cfg).stabilization_window_seconds == 120);
  }
  SUBCASE("scale down: all parameters are specified") {
    const auto down = generate_scale_down_rules(scaling_rules(1, 2, 3, 4, 25), HPAConfig{});
    CHECK(policies_string(down.policies) == "Pods:1/2 Percent:3/4 ");
    CHECK(down.stabilization_window_seconds == 25);
  }
  SUBCASE("scale down: percent policy with Min") {
    HPAScalingRules r;
    r.select_policy = "Min";
    r.policies = {HPAScalingPolicy{"Percent", 1, 2}};
    const auto down = generate_scale_down_rules(r, HPAConfig{});
    CHECK(policies_string(down.policies) == "Percent:1/2 ");
    CHECK(down.select_policy == "Min");
  }
  SUBCASE("a behavior with only scaleUp gets a fully defaulted scaleDown") {
    HPABehavior b;
    b.scale_up = scaling_rules(2, 60, 0, 0, 0);
    const auto d = default_behavior(b, HPAConfig{});
    REQUIRE(d.scale_down);
    CHECK(policies_string(d.scale_down->policies) == "Percent:100/15 ");
    CHECK(d.scale_down->stabilization_window_seconds == 300);
  }
}

TEST_CASE("Rate-limit periods are strict: an event exactly one period old no longer counts") {
  const std::vector<HPAScaleEvent> events{{2, kNow - seconds(60), false},
                                          {3, kNow - seconds(59), false}};
  CHECK(get_replicas_change_per_period(60, events, kNow) == 3);
  CHECK(get_replicas_change_per_period(61, events, kNow) == 5);
}

}  // namespace
}  // namespace simcluster
