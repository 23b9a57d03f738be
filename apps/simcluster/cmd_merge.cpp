// `simcluster merge PARTIAL...`: the partial results of `plan --shard I/N` or
// `run --shard I/N` combined into exactly what the unsharded command prints
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
    R"(simcluster merge - combine the partial results of a sharded plan or run

Usage:
  simcluster merge PARTIAL... [-o text|wide|json|yaml|csv|html|openmetrics]
                   [--start TIME] [--out FILE]

Reads the partial results written by 'simcluster plan ... --shard I/N' (or
'simcluster run ... --shard I/N') for I = 0 .. N-1 and prints what the same
command without --shard prints, byte for byte, in the format of -o. The
scenario files and manifests must be here at the paths the shards read them
from, with the same bytes: merge checks them against the shards' digest. A
shard missing, given twice, of other inputs or flags, of another command or
of another simcluster version is an error naming the shard.

Flags:
  -o, --output FMT     text (default), wide, json, yaml, csv or html: the
                       plan's or run's -o; openmetrics for a run of one
                       scenario
      --start TIME     with -o openmetrics: run's --start (RFC 3339)
      --out FILE       write to FILE atomically instead of stdout
  -h, --help           show this help

Exit codes: 0 ok, 1 input error (a shard missing, duplicated or mismatched),
2 usage error.

Examples:
  simcluster plan scenarios/plan.yaml --shard 0/2 --out p0.json
  simcluster plan scenarios/plan.yaml --shard 1/2 --out p1.json
  simcluster merge p0.json p1.json -o json --out plan.json
  simcluster run scenarios/baseline.yaml scenarios/high.yaml --shard 0/2 --out r0.json
  simcluster run scenarios/baseline.yaml scenarios/high.yaml --shard 1/2 --out r1.json
  simcluster merge r0.json r1.json -o csv
)";

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(SourceLocation{path, 0, 0}, "cannot read the partial result",
                     "give the files 'simcluster plan|run --shard I/N --out FILE' wrote");
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// What merge checks of every partial, plan's or run's.
struct ShardHeader {
  std::string file;
  std::string command;  // "plan", "run"
  std::string version, digest;
  std::vector<std::string> args;
  size_t shard = 0, shards = 1, tasks = 0;
  std::vector<size_t> result_tasks;
};

template <typename Partial>
ShardHeader header_of(const std::string& file, const std::string& command, const Partial& p) {
  ShardHeader h{file, command, p.version, p.digest, p.args, p.shard, p.shards, p.tasks, {}};
  for (const auto& r : p.results) h.result_tasks.push_back(r.first);
  return h;
}

}  // namespace

int cmd_merge(const Args& args) {
  std::vector<std::string> files;
  std::optional<std::string> format, out, start;
  try {
    for (ArgCursor c(args); !c.done(); c.advance()) {
      const std::string& a = c.arg();
      if (a == "-h" || a == "--help") {
        fmt::print("{}", kMergeHelp);
        return 0;
      }
      if (c.is("--output") || c.is_short('o')) {
        format = c.value(c.is("--output") ? "--output" : "-o");
        parse_output_format(*format,
                            {"text", "wide", "json", "yaml", "csv", "html", "openmetrics"});
      } else if (c.is("--start")) {
        start = c.value("--start");
      } else if (c.is("--out")) {
        out = c.value("--out");
        if (out->empty()) throw UsageError{"--out needs a file name"};
      } else if (!a.empty() && a[0] != '-') {
        files.push_back(a);
      } else {
        throw unknown_flag(a, {"--output", "--out", "--start", "--help"});
      }
    }
    if (files.empty()) throw UsageError{"no partial result given"};
  } catch (const UsageError& e) {
    fmt::print(stderr, "simcluster merge: {}\nRun 'simcluster merge --help' for usage.\n",
               e.message);
    return 2;
  }

  std::vector<std::pair<std::string, PlanPartial>> plans;
  std::vector<std::pair<std::string, RunPartial>> runs;
  std::vector<ShardHeader> headers;
  for (const std::string& f : files) {
    const std::string text = read_all(f);
    if (partial_command(text) == "run") {
      runs.emplace_back(f, read_run_partial(text, f));
      headers.push_back(header_of(f, "run", runs.back().second));
    } else {
      plans.emplace_back(f, read_plan_partial(text, f));
      headers.push_back(header_of(f, "plan", plans.back().second));
    }
  }
  if (start && headers.front().command != "run") {
    fmt::print(stderr,
               "simcluster merge: --start applies to the partials of 'simcluster run' with -o "
               "openmetrics only\nRun 'simcluster merge --help' for usage.\n");
    return 2;
  }
  const std::string version = simcluster_version();
  for (const ShardHeader& p : headers) {
    if (p.version != version) {
      throw InputError(SourceLocation{p.file, 0, 0},
                       fmt::format("{} was written by simcluster {}, this is simcluster {}",
                                   shard_name(p.shard, p.shards, p.file), p.version, version),
                       "run every shard and the merge with the same simcluster build");
    }
  }
  // Every shard against the first: the same command, N and inputs.
  const ShardHeader& p0 = headers.front();
  const std::string name0 = shard_name(p0.shard, p0.shards, p0.file);
  std::map<size_t, std::string> seen;
  for (const ShardHeader& p : headers) {
    const std::string name = shard_name(p.shard, p.shards, p.file);
    if (p.command != p0.command) {
      throw InputError(SourceLocation{p.file, 0, 0},
                       fmt::format("{} is a partial of 'simcluster {}', {} of 'simcluster {}'",
                                   name, p.command, name0, p0.command),
                       "merge the partials of one sharded command");
    }
    if (p.shards != p0.shards || p.shard >= p.shards) {
      throw InputError(
          SourceLocation{p.file, 0, 0},
          fmt::format("{} is one of {} shards, {} one of {}", name, p.shards, name0, p0.shards),
          fmt::format("merge the partials of one sharded {}", p0.command));
    }
    if (p.digest != p0.digest || p.args != p0.args || p.tasks != p0.tasks) {
      throw InputError(
          SourceLocation{p.file, 0, 0},
          fmt::format("{} is of other inputs than {}: {} ({}) against {} ({})", name, name0,
                      fmt::join(p.args, " "), p.digest, fmt::join(p0.args, " "), p0.digest),
          fmt::format("merge the partials of one sharded {} (same scenarios, manifests and flags)",
                      p0.command));
    }
    auto [it, fresh] = seen.emplace(p.shard, p.file);
    if (!fresh) {
      throw InputError(SourceLocation{p.file, 0, 0},
                       fmt::format("{} is given twice: {} and {}", name, it->second, p.file),
                       "give each shard's partial once");
    }
    if (p.result_tasks != plan_shard_tasks(p.tasks, p.shard, p.shards)) {
      throw InputError(
          SourceLocation{p.file, 0, 0},
          fmt::format("{} does not hold its slice of the {}'s {} tasks", name, p.command, p.tasks),
          "run the shard again");
    }
  }
  std::vector<std::string> missing;
  for (size_t i = 0; i < p0.shards; ++i) {
    if (seen.count(i) == 0) missing.push_back(fmt::format("{}/{}", i, p0.shards));
  }
  if (!missing.empty()) {
    throw InputError(
        SourceLocation{p0.file, 0, 0},
        fmt::format("shard{} {} missing: {} of {} given", missing.size() == 1 ? "" : "s",
                    fmt::join(missing, ", "), headers.size(), p0.shards),
        fmt::format("run simcluster {} {} --shard I/{} for each missing I", p0.command,
                    fmt::join(p0.args, " "), p0.shards));
  }
  auto by_shard = [](const auto& a, const auto& b) { return a.second.shard < b.second.shard; };
  if (p0.command == "run") {
    std::sort(runs.begin(), runs.end(), by_shard);
    return merge_run_partials(runs, format, start, out);
  }
  std::sort(plans.begin(), plans.end(), by_shard);
  return merge_plan_partials(plans, format, out);
}

}  // namespace simcluster::cli
