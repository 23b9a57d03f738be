// `simcluster merge PARTIAL...`: the partial results of `plan --shard I/N`
// combined into exactly the plan the unsharded command prints
// (docs/sweeps.md). Every shard 0..N-1 must be there once, of the same
// inputs and simcluster version; an error names the shard. Exit codes: 0 ok,
// 1 input error (a shard missing, duplicated or mismatched), 2 usage error.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "shard.h"
#include "simcluster/error.h"

namespace simcluster::cli {

namespace {

constexpr const char* kMergeHelp =
    R"(simcluster merge - combine the partial results of a sharded plan

Usage:
  simcluster merge PARTIAL... [-o text|wide|json|yaml|csv|html] [--out FILE]

Reads the partial results written by 'simcluster plan ... --shard I/N' for
I = 0 .. N-1 and prints the plan the same command without --shard prints,
byte for byte, in the format of -o. The scenario files and manifests must be
here at the paths the shards read them from, with the same bytes: merge
checks them against the shards' digest. A shard missing, given twice, of
other inputs or flags, or of another simcluster version is an error naming
the shard.

Flags:
  -o, --output FMT     text (default), wide, json, yaml, csv or html: the
                       plan's -o
      --out FILE       write to FILE atomically instead of stdout
  -h, --help           show this help

Exit codes: 0 ok, 1 input error (a shard missing, duplicated or mismatched),
2 usage error.

Examples:
  simcluster plan scenarios/plan.yaml --shard 0/2 --out p0.json
  simcluster plan scenarios/plan.yaml --shard 1/2 --out p1.json
  simcluster merge p0.json p1.json -o json --out plan.json
)";

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(SourceLocation{path, 0, 0}, "cannot read the partial result",
                     "give the files 'simcluster plan --shard I/N --out FILE' wrote");
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

int cmd_merge(const Args& args) {
  std::vector<std::string> files;
  std::optional<std::string> format, out;
  try {
    for (ArgCursor c(args); !c.done(); c.advance()) {
      const std::string& a = c.arg();
      if (a == "-h" || a == "--help") {
        fmt::print("{}", kMergeHelp);
        return 0;
      }
      if (c.is("--output") || c.is_short('o')) {
        format = c.value(c.is("--output") ? "--output" : "-o");
        parse_output_format(*format, {"text", "wide", "json", "yaml", "csv", "html"});
      } else if (c.is("--out")) {
        out = c.value("--out");
        if (out->empty()) throw UsageError{"--out needs a file name"};
      } else if (!a.empty() && a[0] != '-') {
        files.push_back(a);
      } else {
        throw unknown_flag(a, {"--output", "--out", "--help"});
      }
    }
    if (files.empty()) throw UsageError{"no partial result given"};
  } catch (const UsageError& e) {
    fmt::print(stderr, "simcluster merge: {}\nRun 'simcluster merge --help' for usage.\n",
               e.message);
    return 2;
  }

  std::vector<std::pair<std::string, PlanPartial>> partials;
  for (const std::string& f : files) partials.emplace_back(f, read_plan_partial(read_all(f), f));
  const std::string version = simcluster_version();
  for (const auto& [file, p] : partials) {
    if (p.version != version) {
      throw InputError(SourceLocation{file, 0, 0},
                       fmt::format("{} was written by simcluster {}, this is simcluster {}",
                                   shard_name(p.shard, p.shards, file), p.version, version),
                       "run every shard and the merge with the same simcluster build");
    }
  }
  // Every shard against the first: the same N, plan and inputs.
  const std::string& file0 = partials.front().first;
  const PlanPartial& p0 = partials.front().second;
  std::map<size_t, std::string> seen;
  for (const auto& [file, p] : partials) {
    const std::string name = shard_name(p.shard, p.shards, file);
    if (p.shards != p0.shards || p.shard >= p.shards) {
      throw InputError(SourceLocation{file, 0, 0},
                       fmt::format("{} is one of {} shards, {} one of {}", name, p.shards,
                                   shard_name(p0.shard, p0.shards, file0), p0.shards),
                       "merge the partials of one sharded run");
    }
    if (p.digest != p0.digest || p.args != p0.args || p.tasks != p0.tasks) {
      throw InputError(
          SourceLocation{file, 0, 0},
          fmt::format("{} is of other inputs than {}: {} ({}) against {} ({})", name,
                      shard_name(p0.shard, p0.shards, file0), fmt::join(p.args, " "), p.digest,
                      fmt::join(p0.args, " "), p0.digest),
          "merge the partials of one sharded run (same scenarios, manifests and flags)");
    }
    auto [it, fresh] = seen.emplace(p.shard, file);
    if (!fresh) {
      throw InputError(SourceLocation{file, 0, 0},
                       fmt::format("{} is given twice: {} and {}", name, it->second, file),
                       "give each shard's partial once");
    }
    std::vector<size_t> tasks;
    for (const auto& r : p.results) tasks.push_back(r.first);
    if (tasks != plan_shard_tasks(p.tasks, p.shard, p.shards)) {
      throw InputError(
          SourceLocation{file, 0, 0},
          fmt::format("{} does not hold its slice of the plan's {} tasks", name, p.tasks),
          "run the shard again");
    }
  }
  std::vector<std::string> missing;
  for (size_t i = 0; i < p0.shards; ++i) {
    if (seen.count(i) == 0) missing.push_back(fmt::format("{}/{}", i, p0.shards));
  }
  if (!missing.empty()) {
    throw InputError(
        SourceLocation{file0, 0, 0},
        fmt::format("shard{} {} missing: {} of {} given", missing.size() == 1 ? "" : "s",
                    fmt::join(missing, ", "), partials.size(), p0.shards),
        fmt::format("run simcluster plan {} --shard I/{} for each missing I",
                    fmt::join(p0.args, " "), p0.shards));
  }
  std::sort(partials.begin(), partials.end(),
            [](const auto& a, const auto& b) { return a.second.shard < b.second.shard; });
  return merge_plan_partials(partials, format, out);
}

}  // namespace simcluster::cli
