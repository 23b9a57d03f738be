// The progress line of a sweep of simulations on stderr, for `run` and
// `plan`: "simulating: 2/5 done, 58%, about 12s left". Shown only when
// enabled (stderr is a terminal and no --quiet): nothing reaches a captured
// stderr, so outputs and tests never see it. Thread-safe: simulations on
// several threads report to one line. The time left is the wall time spent
// so far scaled by the work left (finished simulations count 1, running ones
// their simulated fraction); it is display only and never reaches a report.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

namespace simcluster::cli {

class SweepProgress {
 public:
  // `what`: "simulating" or "planning"; `unit`: "simulations" or "candidate searches".
  SweepProgress(std::string what, std::string unit, size_t total, bool enabled);
  ~SweepProgress();  // erases the line
  SweepProgress(const SweepProgress&) = delete;
  SweepProgress& operator=(const SweepProgress&) = delete;

  bool enabled() const { return enabled_; }
  // Item `i` (0 <= i < total) has simulated `fraction` (0..1) of its run.
  void update(size_t i, double fraction);
  // Item `i` is done.
  void done(size_t i);
  // A line for stderr, printed whether or not the progress line is shown
  // (above it when it is), from any thread.
  void message(const std::string& line);

 private:
  void draw_locked(bool force);

  std::string what_, unit_;
  bool enabled_;
  std::mutex mu_;
  std::vector<double> fraction_;
  size_t done_ = 0;
  int last_permille_ = -1;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// "45s", "3m05s", "2h10m": a time left for the progress line.
std::string format_time_left(double seconds);

}  // namespace simcluster::cli
