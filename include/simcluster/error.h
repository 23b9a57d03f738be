// Errors in the input a user wrote. Bad input throws InputError with the place
// it was found; the simulation core itself never throws (modelled outcomes are
// data, broken invariants are bugs caught by SIMCLUSTER_CHECK).
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace simcluster {

// A place in an input file. line and column are 1-based; 0 means unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  // "file:line:col", "file:line" or "file", as much as is known.
  std::string to_string() const;
};

class InputError : public std::runtime_error {
 public:
  // what() is "file:line:col: message" followed, when given, by
  // "\n  hint: ..." telling the user what to do.
  InputError(SourceLocation where, std::string message, std::string hint = {});

  const SourceLocation& where() const { return where_; }
  const std::string& message() const { return message_; }
  const std::string& hint() const { return hint_; }

 private:
  SourceLocation where_;
  std::string message_;
  std::string hint_;
};

template <typename... Args>
[[noreturn]] void fail(const SourceLocation& where, fmt::format_string<Args...> f, Args&&... args) {
  throw InputError(where, fmt::format(f, std::forward<Args>(args)...));
}

// Levenshtein distance; "did you mean" suggestions use it.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a likely typo
// (distance <= max(2, |word|/3)); empty otherwise.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// closest_match(), or else the one candidate that extends the word with a
// dash-separated part ("billing" -> "billing-service", "api" -> "shop-api"), or "".
std::string suggest_name(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace simcluster

#ifdef SIMCLUSTER_CHECKS
#define SIMCLUSTER_CHECK(cond, ...)                                                               \
  do {                                                                                            \
    if (!(cond)) ::simcluster::check_failed(__FILE__, __LINE__, #cond, fmt::format(__VA_ARGS__)); \
  } while (0)
#else
#define SIMCLUSTER_CHECK(cond, ...) \
  do {                              \
  } while (0)
#endif

namespace simcluster {
[[noreturn]] void check_failed(const char* file, int line, const char* cond,
                               const std::string& msg);
}
