// Sharded commands (`--shard I/N`, `simcluster merge`; docs/sweeps.md): the
// shard flag, the digest of a command's inputs and simcluster's version,
// which a partial result carries and merge checks.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "simcluster/partial.h"

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

// Merge, where it runs: the inputs read here (`inputs`, the files of the command's
// `result_args`) must be those the shards ran with, else an InputError naming the first
// shard (`first`, read from `first_file`) and the paths.
void check_inputs_here(const std::string& first_file, const PartialHeader& first,
                       const std::vector<std::string>& result_args,
                       const std::vector<std::string>& inputs);

}  // namespace simcluster::cli
