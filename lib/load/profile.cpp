// Users over time: the base shape of a UsersProfile, its spikes, and the
// timeline's load changes (load_model.h).
#include <algorithm>
#include <cmath>
#include <numbers>

#include "simcluster/load_model.h"

namespace simcluster {
namespace {

constexpr double kMsPerHour = 3'600'000.0;

// Piecewise-linear (or piecewise-constant) value of sorted points at t.
double points_at(const std::vector<ProfilePoint>& points, int64_t t_ms, bool interpolate) {
  if (points.empty()) return 0;
  // First point whose `at` is after t.
  auto after = std::upper_bound(points.begin(), points.end(), t_ms,
                                [](int64_t t, const ProfilePoint& p) { return t < p.at.count(); });
  if (after == points.begin()) return points.front().users;
  auto before = std::prev(after);
  if (after == points.end() || !interpolate) return before->users;
  const double span = static_cast<double>(after->at.count() - before->at.count());
  const double f = static_cast<double>(t_ms - before->at.count()) / span;
  return before->users + (after->users - before->users) * f;
}

double diurnal_at(const DiurnalCurve& d, int64_t t_ms) {
  double h = std::fmod(d.start_hour + static_cast<double>(t_ms) / kMsPerHour, 24.0);
  double phase = 2.0 * std::numbers::pi * (h - d.peak_hour) / 24.0;
  return d.min_users + (d.max_users - d.min_users) * (1.0 + std::cos(phase)) / 2.0;
}

double spike_at(const Spike& s, int64_t t_ms) {
  const int64_t start = s.at.count();
  const int64_t end = start + s.duration.count();
  if (t_ms < start || t_ms >= end) return 0;
  const int64_t rise = s.rise.count();
  if (rise <= 0) return s.users;
  if (t_ms < start + rise) return s.users * static_cast<double>(t_ms - start) / rise;
  if (t_ms > end - rise) return s.users * static_cast<double>(end - t_ms) / rise;
  return s.users;
}

}  // namespace

double profile_users(const UsersProfile& profile, SimTime t) {
  const int64_t t_ms = t.ms();
  double users = 0;
  switch (profile.shape) {
    case ProfileShape::kConstant:
      users = profile.constant;
      break;
    case ProfileShape::kSteps:
      users = points_at(profile.points, t_ms, /*interpolate=*/false);
      break;
    case ProfileShape::kRamp:
    case ProfileShape::kTrace:
      users = points_at(profile.points, t_ms, /*interpolate=*/true);
      break;
    case ProfileShape::kDiurnal:
      users = diurnal_at(profile.diurnal, t_ms);
      break;
  }
  for (const Spike& s : profile.spikes) users += spike_at(s, t_ms);
  return users;
}

double users_at(const UsersProfile& profile, std::span<const LoadChange> changes, SimTime t) {
  auto after = std::upper_bound(changes.begin(), changes.end(), t.ms(),
                                [](int64_t ms, const LoadChange& c) { return ms < c.at.count(); });
  double users = profile_users(profile, t);
  if (after != changes.begin()) {
    const LoadChange& c = *std::prev(after);
    if (c.users) {
      users = *c.users;
    } else if (c.scale) {
      users *= *c.scale;
    }
  }
  return std::max(0.0, users);
}

}  // namespace simcluster
