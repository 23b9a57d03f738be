// Sharded commands (`--shard I/N`, `simcluster merge`; docs/sweeps.md): the
// shard flag, the digest of a command's inputs and simcluster's version,
// which a partial result carries and merge checks.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace simcluster::cli {

// "I/N" with 0 <= I < N <= 10000 (a Job's JOB_COMPLETION_INDEX and completions),
// else a UsageError.
std::pair<size_t, size_t> parse_shard(const std::string& value);

// "fnv1a64:<16 hex digits>" over the arguments that change results and every
// input file's path and bytes: shards of other inputs differ (not a
// cryptographic hash: it detects mistakes, not forgeries).
std::string inputs_digest(const std::vector<std::string>& args,
                          const std::vector<std::string>& files);

// The project version from CMake, with `git describe` at configure time when
// the source is a git checkout: "0.1.0+v0.1.0-12-gabcdef0".
std::string simcluster_version();

// "shard 1/3 (p1.json)".
std::string shard_name(size_t shard, size_t shards, const std::string& file);

}  // namespace simcluster::cli
