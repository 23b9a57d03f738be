// Sharded commands (shard.h).
#include "shard.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <string_view>

#include "args.h"
#include "simcluster/error.h"

#ifndef SIMCLUSTER_VERSION
#define SIMCLUSTER_VERSION "unknown"
#endif

namespace simcluster::cli {

namespace {

std::optional<size_t> parse_count(const std::string& s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  size_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<size_t>(c - '0');
  }
  return v;
}

// FNV-1a, 64 bits (http://www.isthe.com/chongo/tech/comp/fnv/).
class Fnv1a {
 public:
  void add(std::string_view bytes) {
    for (char c : bytes) {
      hash_ ^= static_cast<unsigned char>(c);
      hash_ *= 0x100000001b3ULL;
    }
    // A separator, so ("ab", "c") and ("a", "bc") differ.
    hash_ ^= 0xff;
    hash_ *= 0x100000001b3ULL;
  }
  uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

}  // namespace

std::pair<size_t, size_t> parse_shard(const std::string& value) {
  const size_t slash = value.find('/');
  std::optional<size_t> i, n;
  if (slash != std::string::npos) {
    i = parse_count(value.substr(0, slash));
    n = parse_count(value.substr(slash + 1));
  }
  if (!i || !n || *n < 1 || *n > 10'000 || *i >= *n) {
    throw UsageError{
        fmt::format("--shard '{}' is not I/N with 0 <= I < N <= 10000 (e.g. --shard 0/4, or "
                    "--shard $JOB_COMPLETION_INDEX/4 in an Indexed Job)",
                    value)};
  }
  return {*i, *n};
}

std::string inputs_digest(const std::vector<std::string>& args,
                          const std::vector<std::string>& files) {
  Fnv1a h;
  h.add(fmt::format("args {}", args.size()));
  for (const std::string& a : args) h.add(a);
  h.add(fmt::format("files {}", files.size()));
  for (const std::string& f : files) {
    h.add(f);
    std::ifstream in(f, std::ios::binary);
    h.add(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  }
  return fmt::format("fnv1a64:{:016x}", h.value());
}

std::string simcluster_version() { return SIMCLUSTER_VERSION; }

std::string shard_name(size_t shard, size_t shards, const std::string& file) {
  return fmt::format("shard {}/{} ({})", shard, shards, file);
}

void check_inputs_here(const std::string& first_file, const PartialHeader& first,
                       const std::vector<std::string>& result_args,
                       const std::vector<std::string>& inputs) {
  if (inputs_digest(result_args, inputs) == first.digest) return;
  throw InputError(SourceLocation{first_file, 0, 0},
                   fmt::format("the inputs here differ from those {} ran with (scenario files, "
                               "manifests or their bytes under the same paths)",
                               shard_name(first.shard, first.shards, first_file)),
                   fmt::format("merge where the shards' inputs are, at the same paths: {}",
                               fmt::join(inputs, ", ")));
}

}  // namespace simcluster::cli
