// Users over time: each profile shape, spikes and timeline load changes.
// GCC 12 warns about members a designated initializer leaves at their defaults;
// leaving them is the point (house style), so the warning is off here.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <doctest/doctest.h>

#include "simcluster/load_model.h"

using namespace simcluster;

namespace {
SimTime at_s(int64_t s) { return SimTime::from_seconds(s); }
SimTime at_min(int64_t m) { return SimTime::from_seconds(m * 60); }
ProfilePoint pt(int64_t minutes, double users) { return {SimDuration(minutes * 60'000), users}; }
}  // namespace

TEST_CASE("A constant profile holds its users at every instant") {
  UsersProfile p{.shape = ProfileShape::kConstant, .constant = 5000};
  CHECK(profile_users(p, at_s(0)) == 5000);
  CHECK(profile_users(p, at_min(600)) == 5000);
}

TEST_CASE("Steps hold each value until the next step") {
  UsersProfile p{.shape = ProfileShape::kSteps,
                 .points = {pt(0, 100), pt(10, 5000), pt(20, 10000)}};
  CHECK(profile_users(p, at_s(0)) == 100);
  CHECK(profile_users(p, at_min(10) - SimDuration(1)) == 100);
  CHECK(profile_users(p, at_min(10)) == 5000);
  CHECK(profile_users(p, at_min(19)) == 5000);
  CHECK(profile_users(p, at_min(500)) == 10000);
}

TEST_CASE("Steps starting later hold the first value before it") {
  UsersProfile p{.shape = ProfileShape::kSteps, .points = {pt(5, 300), pt(10, 50)}};
  CHECK(profile_users(p, at_s(0)) == 300);
}

TEST_CASE("Ramps interpolate linearly and hold the last value") {
  UsersProfile p{.shape = ProfileShape::kRamp, .points = {pt(0, 100), pt(30, 10000), pt(60, 100)}};
  CHECK(profile_users(p, at_s(0)) == 100);
  CHECK(profile_users(p, at_min(15)) == doctest::Approx(5050));
  CHECK(profile_users(p, at_min(30)) == doctest::Approx(10000));
  CHECK(profile_users(p, at_min(45)) == doctest::Approx(5050));
  CHECK(profile_users(p, at_min(90)) == doctest::Approx(100));
}

TEST_CASE("A trace is interpolated between its samples") {
  // Samples 5 minutes apart with a 10-minute gap (a missing sample).
  UsersProfile p{.shape = ProfileShape::kTrace, .points = {pt(0, 94), pt(5, 56), pt(15, 187)}};
  CHECK(profile_users(p, at_s(150)) == doctest::Approx(75));      // half way 94 -> 56
  CHECK(profile_users(p, at_min(10)) == doctest::Approx(121.5));  // across the gap
  CHECK(profile_users(p, at_min(20)) == doctest::Approx(187));
}

TEST_CASE("A trace whose first sample lies before t = 0 interpolates into it") {
  UsersProfile p{.shape = ProfileShape::kTrace,
                 .points = {{SimDuration(-60'000), 0}, {SimDuration(60'000), 100}}};
  CHECK(profile_users(p, at_s(0)) == doctest::Approx(50));
}

TEST_CASE("The diurnal curve peaks at the peak hour and bottoms out 12 hours away") {
  UsersProfile p{
      .shape = ProfileShape::kDiurnal,
      .diurnal = {.min_users = 100, .max_users = 10000, .peak_hour = 14, .start_hour = 0}};
  CHECK(profile_users(p, at_min(14 * 60)) == doctest::Approx(10000));
  CHECK(profile_users(p, at_min(2 * 60)) == doctest::Approx(100));
  CHECK(profile_users(p, at_min(8 * 60)) == doctest::Approx(5050));
  CHECK(profile_users(p, at_min(20 * 60)) == doctest::Approx(5050));
  CHECK(profile_users(p, at_min(38 * 60)) == doctest::Approx(10000));  // the next day
  // Starting at 14:00, t = 0 is the peak.
  p.diurnal.start_hour = 14;
  CHECK(profile_users(p, at_s(0)) == doctest::Approx(10000));
}

TEST_CASE("Spikes add users with linear edges") {
  UsersProfile p{.shape = ProfileShape::kConstant, .constant = 1000};
  p.spikes.push_back(Spike{.at = SimDuration(600'000),
                           .duration = SimDuration(360'000),
                           .rise = SimDuration(60'000),
                           .users = 3000});
  CHECK(profile_users(p, at_min(9)) == 1000);
  CHECK(profile_users(p, at_s(630)) == doctest::Approx(2500));
  CHECK(profile_users(p, at_min(11)) == doctest::Approx(4000));
  CHECK(profile_users(p, at_min(15)) == doctest::Approx(4000));
  CHECK(profile_users(p, at_s(930)) == doctest::Approx(2500));
  CHECK(profile_users(p, at_min(16)) == 1000);
  // A spike without rise is a rectangle.
  p.spikes[0].rise = SimDuration(0);
  CHECK(profile_users(p, at_min(10)) == 4000);
  CHECK(profile_users(p, at_min(16) - SimDuration(1)) == 4000);
}

TEST_CASE("Load changes scale the profile or replace it, the latest one winning") {
  UsersProfile p{.shape = ProfileShape::kConstant, .constant = 5000};
  std::vector<LoadChange> changes{
      {.at = SimDuration(600'000), .scale = 2.0},
      {.at = SimDuration(1'200'000), .users = 100.0},
      {.at = SimDuration(1'800'000), .scale = 1.0},
  };
  CHECK(users_at(p, changes, at_min(5)) == 5000);
  CHECK(users_at(p, changes, at_min(10)) == 10000);
  CHECK(users_at(p, changes, at_min(25)) == 100);
  CHECK(users_at(p, changes, at_min(30)) == 5000);
}

TEST_CASE("Users are never negative") {
  UsersProfile p{.shape = ProfileShape::kConstant, .constant = 100};
  p.spikes.push_back(Spike{.at = SimDuration(0), .duration = SimDuration(60'000), .users = -500});
  CHECK(users_at(p, {}, at_s(10)) == 0);
}

// ---------------------------------------------------------------- when a rise began

TEST_CASE("A step between two scrapes began the rise at the step, not at the scrape") {
  UsersProfile p{.shape = ProfileShape::kSteps,
                 .points = {pt(0, 100), {SimDuration(127'000), 1000}}};
  // Scrapes at 2m and 3m (metricsResolution 60 s): the 3m scrape sees 1,000.
  CHECK(load_rise_start(p, {}, at_s(120), at_s(180)) == at_s(127));
  // A step exactly at the earlier scrape was seen by that scrape: not this rise.
  CHECK(load_rise_start(p, {}, at_s(127), at_s(187)) == std::nullopt);
  // A timeline load change is a step too.
  UsersProfile flat{.shape = ProfileShape::kConstant, .constant = 100};
  std::vector<LoadChange> changes{{.at = SimDuration(127'000), .scale = 3.0}};
  CHECK(load_rise_start(flat, changes, at_s(120), at_s(180)) == at_s(127));
}

TEST_CASE("Of several steps, the rise began where the load last left its earlier level") {
  // 100 -> 50 at 2m05s -> 1,000 at 2m07s: the rise is the step at 2m07s.
  UsersProfile v{.shape = ProfileShape::kSteps,
                 .points = {pt(0, 100), {SimDuration(125'000), 50}, {SimDuration(127'000), 1000}}};
  CHECK(load_rise_start(v, {}, at_s(120), at_s(180)) == at_s(127));
  // 100 -> 110 at 2m05s -> 1,000 at 2m07s: it began rising at 2m05s.
  UsersProfile up{
      .shape = ProfileShape::kSteps,
      .points = {pt(0, 100), {SimDuration(125'000), 110}, {SimDuration(127'000), 1000}}};
  CHECK(load_rise_start(up, {}, at_s(120), at_s(180)) == at_s(125));
}

TEST_CASE("A ramp or trace rises from the point where its climb starts") {
  // Flat 100 until 2m30s, then up to 1,000 at 10m.
  UsersProfile p{.shape = ProfileShape::kRamp,
                 .points = {pt(0, 100), {SimDuration(150'000), 100}, pt(10, 1000)}};
  CHECK(load_rise_start(p, {}, at_s(120), at_s(180)) == at_s(150));
  // A climb that starts at the earlier scrape itself counts from there.
  CHECK(load_rise_start(p, {}, at_s(150), at_s(165)) == at_s(150));
  // Already climbing at the earlier scrape: no moment in the interval.
  CHECK(load_rise_start(p, {}, at_s(180), at_s(240)) == std::nullopt);
}

TEST_CASE("A spike rises from its start; a diurnal curve from its trough") {
  UsersProfile p{.shape = ProfileShape::kConstant,
                 .constant = 100,
                 .spikes = {{.at = SimDuration(130'000),
                             .duration = SimDuration(600'000),
                             .rise = SimDuration(60'000),
                             .users = 3000}}};
  CHECK(load_rise_start(p, {}, at_s(120), at_s(180)) == at_s(130));
  // Trough at 02:00 (peak 14:00), the run starting at midnight.
  UsersProfile d{.shape = ProfileShape::kDiurnal,
                 .diurnal = {.min_users = 100, .max_users = 10000, .peak_hour = 14}};
  CHECK(load_rise_start(d, {}, at_min(119), at_min(121)) == at_min(120));
  // The day after, too.
  CHECK(load_rise_start(d, {}, at_min(24 * 60 + 119), at_min(24 * 60 + 121)) ==
        at_min(24 * 60 + 120));
  CHECK(load_rise_start(d, {}, at_min(300), at_min(301)) == std::nullopt);
}
