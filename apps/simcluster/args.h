// Command-line parsing shared by the commands, kubectl style: "--flag=value",
// "--flag value", "-o json", "-ojson", "-f FILE", "-" for stdin. A bad flag
// is a UsageError (exit code 2, "Run 'simcluster COMMAND --help'").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands.h"
#include "simcluster/render.h"
#include "simcluster/scenario.h"

namespace simcluster::cli {

struct UsageError {
  std::string message;
};

// Walks the arguments once; value() consumes a flag's value.
class ArgCursor {
 public:
  explicit ArgCursor(const Args& args) : args_(args) {}
  bool done() const { return i_ >= args_.size(); }
  void advance() { ++i_; }
  const std::string& arg() const { return args_[i_]; }
  // "--out" or "--out=...".
  bool is(std::string_view flag) const;
  // "-o", "-ojson" (a one-letter flag with its value attached), not "--...".
  bool is_short(char letter) const;
  // The value of `flag`: after '=', attached to a one-letter flag, or the next argument.
  std::string value(const std::string& flag);
  // A scenario argument: "-f FILE", "--filename FILE", "-" or a plain path
  // (appended to `out`). False for anything else.
  bool scenario(std::vector<std::string>& out);

 private:
  const Args& args_;
  size_t i_ = 0;
};

// -o / --output: one of `formats` ("text", "wide", ...), else a UsageError
// with "did you mean".
ReportFormat parse_output_format(const std::string& value, const std::vector<std::string>& formats);
// --set PATH=VALUE.
ScenarioOverride parse_set_flag(const std::string& value);
// Every file the scenarios read (scenario_input_files), sorted and distinct:
// what --out must never overwrite.
std::vector<std::string> input_files(const std::vector<Scenario>& scenarios);
// Writes `output` to --out (atomically) or stdout; the exit code (1 when
// stdout fails, with "simcluster COMMAND: error writing to stdout").
int write_output(const std::string& command, const std::string& output,
                 const std::optional<std::string>& out, const std::vector<std::string>& inputs);

// -j / --jobs N: a thread count from 1 to 64, else a UsageError.
int parse_jobs(const std::string& value);

// "unknown flag '--outt', did you mean '--out'?"
UsageError unknown_flag(const std::string& arg, const std::vector<std::string>& known);

}  // namespace simcluster::cli
