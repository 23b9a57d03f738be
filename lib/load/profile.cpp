// Users over time: the base shape of a UsersProfile, its spikes, and the
// timeline's load changes (load_model.h).
#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

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

namespace {

// Every moment in [from, to) at which the users' shape can change direction
// or jump, sorted and distinct.
std::vector<int64_t> breakpoints(const UsersProfile& profile, std::span<const LoadChange> changes,
                                 int64_t from, int64_t to) {
  std::vector<int64_t> out;
  auto add = [&](int64_t t) {
    if (t >= from && t < to) out.push_back(t);
  };
  if (profile.shape == ProfileShape::kSteps || profile.shape == ProfileShape::kRamp ||
      profile.shape == ProfileShape::kTrace) {
    for (const ProfilePoint& p : profile.points) add(p.at.count());
  }
  if (profile.shape == ProfileShape::kDiurnal) {
    // Peaks at peak_hour, troughs 12 h later; the first of each at or after t = 0.
    const DiurnalCurve& d = profile.diurnal;
    constexpr int64_t kDay = 24 * 3'600'000;
    for (double offset_h : {0.0, 12.0}) {
      double h = std::fmod(d.peak_hour + offset_h - d.start_hour, 24.0);
      if (h < 0) h += 24.0;
      const int64_t first = std::llround(h * kMsPerHour);
      const int64_t k = from > first ? (from - first) / kDay : 0;
      for (int64_t t = first + k * kDay; t < to; t += kDay) add(t);
    }
  }
  for (const Spike& s : profile.spikes) {
    const int64_t at = s.at.count();
    const int64_t end = at + s.duration.count();
    for (int64_t t : {at, at + s.rise.count(), end - s.rise.count(), end}) add(t);
  }
  for (const LoadChange& c : changes) add(c.at.count());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

std::optional<SimTime> load_rise_start(const UsersProfile& profile,
                                       std::span<const LoadChange> changes, SimTime from,
                                       SimTime to) {
  const std::vector<int64_t> points = breakpoints(profile, changes, from.ms(), to.ms());
  auto users = [&](int64_t ms) { return users_at(profile, changes, SimTime{SimDuration(ms)}); };
  const double level = users(from.ms());
  for (size_t i = points.size(); i-- > 0;) {
    const int64_t b = points[i];
    const int64_t next = i + 1 < points.size() ? points[i + 1] : to.ms();
    // At `from` itself the scrape saw the level already: only a climb counts.
    const double before = b > from.ms() ? users(b - 1) : level;
    if (before > level) continue;
    const double at = users(b);
    if (at > before || users(next) > at) return SimTime{SimDuration(b)};
  }
  return std::nullopt;
}

}  // namespace simcluster
