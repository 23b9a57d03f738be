// Shared command-line parsing (args.h).
#include "args.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdio>
#include <set>

#include "simcluster/error.h"

namespace simcluster::cli {

bool ArgCursor::is(std::string_view flag) const {
  const std::string& a = arg();
  return a == flag ||
         (a.size() > flag.size() && a.compare(0, flag.size(), flag) == 0 && a[flag.size()] == '=');
}

bool ArgCursor::is_short(char letter) const {
  const std::string& a = arg();
  return a.size() >= 2 && a[0] == '-' && a[1] == letter && (a.size() == 2 || a[2] != '-');
}

std::string ArgCursor::value(const std::string& flag) {
  const std::string& a = arg();
  if (a.size() > flag.size() && a.compare(0, flag.size() + 1, flag + "=") == 0) {
    return a.substr(flag.size() + 1);
  }
  if (flag.size() == 2 && flag[0] == '-' && flag[1] != '-' && a.size() > 2 &&
      a.compare(0, 2, flag) == 0) {
    return a.substr(2);
  }
  if (i_ + 1 >= args_.size()) throw UsageError{fmt::format("{} needs a value", flag)};
  return args_[++i_];
}

bool ArgCursor::scenario(std::vector<std::string>& out) {
  const std::string& a = arg();
  if (a == "-f" || a.rfind("-f=", 0) == 0) {
    out.push_back(value("-f"));
  } else if (is("--filename")) {
    out.push_back(value("--filename"));
  } else if (a == "-" || a.empty() || a[0] != '-') {
    out.push_back(a);
  } else {
    return false;
  }
  return true;
}

ReportFormat parse_output_format(const std::string& value,
                                 const std::vector<std::string>& formats) {
  std::optional<ReportFormat> f = parse_report_format(value);
  if (f && std::find(formats.begin(), formats.end(), value) != formats.end()) return *f;
  const std::string hint = closest_match(value, formats);
  std::string list = fmt::format("{}", fmt::join(formats.begin(), formats.end() - 1, ", "));
  throw UsageError{fmt::format("unknown output format '{}'{}; use {} or {}", value,
                               hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint), list,
                               formats.back())};
}

ScenarioOverride parse_set_flag(const std::string& value) {
  std::optional<ScenarioOverride> ov = parse_override(value);
  if (!ov) {
    throw UsageError{fmt::format(
        "--set '{}' is not PATH=VALUE (e.g. --set cluster.nodePools[0].count=5)", value)};
  }
  return std::move(*ov);
}

std::vector<std::string> input_files(const std::vector<Scenario>& scenarios) {
  std::set<std::string> all;
  for (const Scenario& sc : scenarios) {
    for (std::string& f : scenario_input_files(sc)) all.insert(std::move(f));
  }
  return {all.begin(), all.end()};
}

int write_output(const std::string& command, const std::string& output,
                 const std::optional<std::string>& out, const std::vector<std::string>& inputs) {
  if (out) {
    write_file_atomically(*out, output, inputs);
    return 0;
  }
  std::fwrite(output.data(), 1, output.size(), stdout);
  std::fflush(stdout);
  if (std::ferror(stdout)) {
    fmt::print(stderr, "simcluster {}: error writing to stdout\n", command);
    return 1;
  }
  return 0;
}

int parse_jobs(const std::string& value) {
  int n = 0;
  bool digits = !value.empty() && value.size() <= 9;
  for (char c : value) {
    if (c < '0' || c > '9') digits = false;
    if (digits) n = n * 10 + (c - '0');
  }
  if (!digits || n < 1 || n > 64) {
    throw UsageError{fmt::format("-j '{}' is not a count from 1 to 64", value)};
  }
  return n;
}

UsageError unknown_flag(const std::string& arg, const std::vector<std::string>& known) {
  const std::string name = arg.substr(0, arg.find('='));
  const std::string hint = closest_match(name, known);
  return UsageError{fmt::format("unknown flag '{}'{}", name,
                                hint.empty() ? "" : fmt::format(", did you mean '{}'?", hint))};
}

}  // namespace simcluster::cli
