#include "simcluster/error.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace simcluster {

std::string SourceLocation::to_string() const {
  if (file.empty()) return line > 0 ? fmt::format("<input>:{}:{}", line, column) : "<input>";
  if (line <= 0) return file;
  if (column <= 0) return fmt::format("{}:{}", file, line);
  return fmt::format("{}:{}:{}", file, line, column);
}

namespace {
std::string render(const SourceLocation& where, const std::string& message,
                   const std::string& hint) {
  std::string out = fmt::format("{}: {}", where.to_string(), message);
  if (!hint.empty()) out += fmt::format("\n  hint: {}", hint);
  return out;
}
}  // namespace

InputError::InputError(SourceLocation where, std::string message, std::string hint)
    : std::runtime_error(render(where, message, hint)),
      where_(std::move(where)),
      message_(std::move(message)),
      hint_(std::move(hint)) {}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + cost});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  size_t limit = std::max<size_t>(2, word.size() / 3);
  std::string best;
  size_t best_distance = limit + 1;
  for (const auto& c : candidates) {  // first of equally close candidates wins
    size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string suggest_name(const std::string& word, const std::vector<std::string>& candidates) {
  std::string guess = closest_match(word, candidates);
  if (!guess.empty() || word.empty()) return guess;
  std::vector<std::string> extended;
  for (const std::string& c : candidates) {
    if ((c.starts_with(word + "-") || c.ends_with("-" + word)) &&
        std::find(extended.begin(), extended.end(), c) == extended.end()) {
      extended.push_back(c);
    }
  }
  return extended.size() == 1 ? extended.front() : "";
}

void check_failed(const char* file, int line, const char* cond, const std::string& msg) {
  fmt::print(stderr, "{}:{}: SIMCLUSTER_CHECK({}) failed: {}\n", file, line, cond, msg);
  std::abort();
}

}  // namespace simcluster
