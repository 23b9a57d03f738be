// --set PATH=VALUE: one change to a scenario's YAML tree before it is parsed
// (private to lib/scenario), so the override gets every check the file gets.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "scenario/yaml_reader.h"
#include "simcluster/scenario.h"

namespace simcluster::scenario_internal {

// "--set PATH=VALUE": where errors about the override are.
std::string override_flag(const ScenarioOverride& o);

// Sets PATH in `root` (the document, a mapping) to VALUE read as YAML,
// creating the mappings on the way that the file does not have, and marks
// every node it adds in `reader` (YamlReader::mark_override). Throws
// InputError at the flag for a malformed PATH, a VALUE that is not YAML or is
// a block mapping or list, a key under a scalar or a list, an index into
// something that is not a list, or an index out of range.
void apply_override(YAML::Node& root, const ScenarioOverride& o, YamlReader& reader);

}  // namespace simcluster::scenario_internal
