#include "simcluster/time.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdint>
#include <limits>

namespace simcluster {

// Go's time.ParseDuration units, restricted to what simulated time needs
// (integer milliseconds): ms, s, m, h; plus "d" for days, common in scenarios.
std::optional<SimDuration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool all_digits = true;
  for (char c : text) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 4;
  if (all_digits) {
    if (text.size() > 12) return std::nullopt;
    int64_t s = 0;
    for (char c : text) s = s * 10 + (c - '0');
    return SimDuration(s * 1000);
  }
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    int64_t whole = 0;
    int digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (++digits > 12) return std::nullopt;
      whole = whole * 10 + (text[i++] - '0');
    }
    // Optional fraction: "1.5s", "0.25h" (kept exact to the millisecond).
    int64_t frac = 0, frac_scale = 1;
    if (i < text.size() && text[i] == '.') {
      ++i;
      int fd = 0;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        if (fd < 9) {
          frac = frac * 10 + (text[i] - '0');
          frac_scale *= 10;
        }
        ++fd;
        ++i;
      }
      if (fd == 0) return std::nullopt;
    }
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    int64_t ms_per_unit;
    if (unit == "ms") {
      ms_per_unit = 1;
    } else if (unit == "s") {
      ms_per_unit = 1000;
    } else if (unit == "m") {
      ms_per_unit = 60'000;
    } else if (unit == "h") {
      ms_per_unit = 3'600'000;
    } else if (unit == "d") {
      ms_per_unit = 86'400'000;
    } else {
      return std::nullopt;
    }
    if (whole > kMax / ms_per_unit) return std::nullopt;
    total += whole * ms_per_unit + (frac * ms_per_unit) / frac_scale;
    if (total > kMax) return std::nullopt;
  }
  return SimDuration(total);
}

std::string format_duration(SimDuration d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  int64_t h = ms / 3'600'000, m = ms / 60'000 % 60, s = ms / 1000 % 60, rest = ms % 1000;
  if (h) out += fmt::format("{}h", h);
  if (m) out += fmt::format("{}m", m);
  if (rest && !h && !m && !s) return out + fmt::format("{}ms", rest);
  if (rest) return out + fmt::format("{}.{:03}s", s, rest);
  if (s) out += fmt::format("{}s", s);
  return out;
}

int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace simcluster
