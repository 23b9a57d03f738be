// The CLI's commands. Each takes its arguments (after the command name) and
// returns the process exit code. main.cpp dispatches; commands parse their
// flags and call the library. InputError escaping a command is printed by main.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "simcluster/plan.h"
#include "simcluster/run_partial.h"
#include "simcluster/scenario.h"

namespace simcluster::cli {

using Args = std::vector<std::string>;

int cmd_validate(const Args& args);   // cmd_validate.cpp
int cmd_plan(const Args& args);       // cmd_plan.cpp
int cmd_run(const Args& args);        // cmd_run.cpp
int cmd_calibrate(const Args& args);  // cmd_calibrate.cpp
int cmd_merge(const Args& args);      // cmd_merge.cpp

// merge: the plan from checked partials (by file, every shard once), in
// `format` (plan's -o, default text). cmd_plan.cpp.
int merge_plan_partials(const std::vector<std::pair<std::string, PlanPartial>>& partials,
                        const std::optional<std::string>& format,
                        const std::optional<std::string>& out);

// merge: the run's output from checked partials (by file, every shard once),
// in `format` (run's -o, default text), `start` as run's --start. cmd_run.cpp.
int merge_run_partials(const std::vector<std::pair<std::string, RunPartial>>& partials,
                       const std::optional<std::string>& format,
                       const std::optional<std::string>& start,
                       const std::optional<std::string>& out);

// A scenario named on the command line: a file, or "-" for stdin (its
// relative paths resolve against the current directory), with the --set
// overrides applied and checked like the file. cmd_run.cpp.
Scenario read_scenario(const std::string& path, const std::vector<ScenarioOverride>& overrides);

}  // namespace simcluster::cli
