// The header every partial result of a sharded command carries (`plan --shard`,
// `run --shard`; docs/sweeps.md), which `simcluster merge` checks.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace simcluster {

struct PartialHeader {
  std::string version;            // simcluster's
  std::string digest;             // of the inputs and the flags that change results
  std::vector<std::string> args;  // the command's arguments that change results
  size_t shard = 0, shards = 1;   // I and N
  size_t tasks = 0;               // the command's tasks, all shards together
};

}  // namespace simcluster
