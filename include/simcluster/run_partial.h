// Partial results of `simcluster run --shard I/N` (docs/sweeps.md): the runs
// of one shard's scenarios, written as JSON and read back exactly, so that
// `simcluster merge` renders from them the same bytes as the unsharded run.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "simcluster/partial.h"
#include "simcluster/render.h"

namespace simcluster {

// A multi-scenario run's tasks are its scenarios, one simulation each, in the
// order given: shard I of N runs the scenarios t with t % N == I.
// The header (partial.h): the CLI fills version, digest and args; tasks are the run's
// scenarios, all shards together.
struct RunPartial : PartialHeader {
  // (task, its run), by task: the whole Report and the manifests' totals.
  std::vector<std::pair<size_t, ScenarioRun>> results;
};
// Bumped whenever the partial JSON changes: an internal format, not an API.
inline constexpr int kRunPartialFormat = 1;

// The partial as JSON (internal, versioned by kRunPartialFormat): every field
// of each Report, doubles in their shortest round-trip form (inf and NaN as
// strings), so every renderer gives the same bytes from the Report read back.
// read_run_partial throws InputError at `file` for anything else.
std::string write_run_partial(const RunPartial& partial);
RunPartial read_run_partial(std::string_view text, const std::string& file);

// The command a SimclusterPartial was written by ("plan", "run"); "" when
// `text` is not JSON of kind SimclusterPartial.
std::string partial_command(std::string_view text);

}  // namespace simcluster
