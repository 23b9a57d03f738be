// The progress line of a sweep (progress.h).
#include "progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

namespace simcluster::cli {

std::string format_time_left(double seconds) {
  const long s = std::lround(std::max(seconds, 0.0));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
}

SweepProgress::SweepProgress(std::string what, std::string unit, size_t total, bool enabled)
    : what_(std::move(what)),
      unit_(std::move(unit)),
      enabled_(enabled && total > 0),
      fraction_(total, 0.0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {
  if (enabled_) {
    std::lock_guard<std::mutex> lock(mu_);
    draw_locked(true);
  }
}

SweepProgress::~SweepProgress() {
  if (!enabled_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
}

void SweepProgress::update(size_t i, double fraction) {
  if (!enabled_ || i >= fraction_.size()) return;
  std::lock_guard<std::mutex> lock(mu_);
  fraction_[i] = std::clamp(fraction, 0.0, 1.0);
  draw_locked(false);
}

void SweepProgress::done(size_t i) {
  if (!enabled_ || i >= fraction_.size()) return;
  std::lock_guard<std::mutex> lock(mu_);
  fraction_[i] = 1.0;
  ++done_;
  draw_locked(true);
}

void SweepProgress::message(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  fmt::print(stderr, "{}{}\n", enabled_ ? "\r\033[K" : "", line);
  if (enabled_) draw_locked(true);
  std::fflush(stderr);
}

void SweepProgress::draw_locked(bool force) {
  double work = 0;
  for (double f : fraction_) work += f;
  const double total = static_cast<double>(fraction_.size());
  const int permille = static_cast<int>(work * 1000 / total);
  const auto now = std::chrono::steady_clock::now();
  // Redrawn when something finishes, else at most 10 times a second.
  if (!force && (permille == last_permille_ || now - last_draw_ < std::chrono::milliseconds(100))) {
    return;
  }
  last_permille_ = permille;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  std::string left;
  if (work > 0 && elapsed >= 0.5) {
    const double seconds = elapsed * (total - work) / work;
    left = seconds < 0.5 ? std::string(", under 1s left")
                         : fmt::format(", about {} left", format_time_left(seconds));
  }
  fmt::print(stderr, "\r{}: {}/{} {} done, {}%{}\033[K", what_, done_, fraction_.size(), unit_,
             permille / 10, left);
  std::fflush(stderr);
}

}  // namespace simcluster::cli
