// Simulated time: integer milliseconds since the run started. A distinct type,
// so it cannot be mixed up with wall-clock time; durations are std::chrono.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace simcluster {

using SimDuration = std::chrono::milliseconds;

struct SimTime {
  SimDuration since_start{0};

  constexpr int64_t ms() const { return since_start.count(); }
  static constexpr SimTime from_ms(int64_t ms) { return SimTime{SimDuration(ms)}; }
  static constexpr SimTime from_seconds(int64_t s) { return SimTime{SimDuration(s * 1000)}; }

  friend constexpr auto operator<=>(SimTime, SimTime) = default;
  friend constexpr SimTime operator+(SimTime t, SimDuration d) { return {t.since_start + d}; }
  friend constexpr SimTime operator-(SimTime t, SimDuration d) { return {t.since_start - d}; }
  friend constexpr SimDuration operator-(SimTime a, SimTime b) {
    return a.since_start - b.since_start;
  }
};

// Parses a Go-style duration ("90s", "5m", "1h30m", "250ms", "24h") or a bare
// integer number of seconds. Returns nullopt when malformed or negative.
std::optional<SimDuration> parse_duration(std::string_view text);

// "1h30m", "45s", "250ms", "0s": the shortest exact form.
std::string format_duration(SimDuration d);

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil), for the time stamps read and written (CSV traces,
// OpenMetrics). Example: 1970-01-01 -> 0; 2000-03-01 -> 11017.
int64_t days_from_civil(int64_t year, int64_t month, int64_t day);

}  // namespace simcluster
