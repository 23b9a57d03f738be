// Small queries over a Report that the whole-run tests share: the events of
// one kind and the warnings of one code, in report order.
#pragma once

#include <string>
#include <vector>

#include "simcluster/report.h"

namespace simcluster::testing {

inline std::vector<const ReportEvent*> events_of(const Report& r, const std::string& kind) {
  std::vector<const ReportEvent*> out;
  for (const ReportEvent& e : r.events) {
    if (e.kind == kind) out.push_back(&e);
  }
  return out;
}

inline std::vector<const Warning*> warnings_of(const Report& r, const std::string& code) {
  std::vector<const Warning*> out;
  for (const Warning& w : r.warnings) {
    if (w.code == code) out.push_back(&w);
  }
  return out;
}

}  // namespace simcluster::testing
