// Partial plans (plan.h, docs/sweeps.md): one shard's searches as JSON, read
// back exactly. The format is internal to simcluster and versioned
// (kPlanPartialFormat): doubles are written with nlohmann's shortest
// round-trip form, so a merged plan renders the same bytes as make_plan's.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "report/partial_json.h"
#include "simcluster/error.h"
#include "simcluster/plan.h"

namespace simcluster {

using namespace partial_json;

namespace {

Json check_json(const RequirementCheck& c) {
  return {{"requirement", std::string(to_string(c.requirement))},
          {"fits", c.fits},
          {"disrupted", c.disrupted},
          {"issues", fit_issues_json(c.issues)},
          {"peak", totals_json(c.peak)},
          {"pending_max", c.pending_max}};
}

RequirementCheck check_from(const Json& j) {
  RequirementCheck c;
  std::optional<Requirement> r = parse_requirement(j.at("requirement").get<std::string>());
  if (!r) throw std::invalid_argument("unknown requirement");
  c.requirement = *r;
  c.fits = j.at("fits").get<bool>();
  c.disrupted = j.at("disrupted").get<std::string>();
  c.issues = fit_issues_from(j.at("issues"));
  c.peak = totals_from(j.at("peak"));
  c.pending_max = j.at("pending_max").get<int32_t>();
  return c;
}

Json sizing_json(const RightSizing& r) {
  return Json::array({r.workload, r.replicas, r.cpu_request_milli, r.memory_request,
                      r.cpu_p90_milli, r.memory_peak, r.cpu_recommended_milli,
                      r.memory_recommended});
}

RightSizing sizing_from(const Json& j) {
  RightSizing r;
  r.workload = j.at(0).get<std::string>();
  r.replicas = j.at(1).get<int32_t>();
  r.cpu_request_milli = j.at(2).get<int64_t>();
  r.memory_request = j.at(3).get<int64_t>();
  r.cpu_p90_milli = j.at(4).get<int64_t>();
  r.memory_peak = j.at(5).get<int64_t>();
  r.cpu_recommended_milli = j.at(6).get<int64_t>();
  r.memory_recommended = j.at(7).get<int64_t>();
  return r;
}

template <typename T>
Json optional_json(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

template <typename T>
std::optional<T> optional_from(const Json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<T>();
}

// Every field but shape and pool, which merge_plan takes from the task.
Json candidate_json(const PlanCandidate& c) {
  Json at_count = Json::array(), below = Json::array(), sizing = Json::array();
  for (const RequirementCheck& r : c.at_count) at_count.push_back(check_json(r));
  for (const RequirementCheck& r : c.below) below.push_back(check_json(r));
  for (const RightSizing& r : c.right_sizing) sizing.push_back(sizing_json(r));
  Json peak = Json::object(), wanted = Json::object();
  for (const auto& [k, v] : c.peak_replicas) peak[k] = v;
  for (const auto& [k, v] : c.hpa_wanted) wanted[k] = v;
  return {{"shape", c.shape},
          {"nodes", optional_json(c.nodes)},
          {"lower_bound", c.lower_bound},
          {"price_per_hour", optional_json(c.price_per_hour)},
          {"monthly_cost", optional_json(c.monthly_cost)},
          {"cpu_headroom_percent", c.cpu_headroom_percent},
          {"memory_headroom_percent", c.memory_headroom_percent},
          {"at_count", std::move(at_count)},
          {"below", std::move(below)},
          {"binding", c.binding},
          {"no_fit_reason", c.no_fit_reason},
          {"simulations", c.simulations},
          {"linear_simulations", c.linear_simulations},
          {"peak_replicas", std::move(peak)},
          {"hpa_wanted", std::move(wanted)},
          {"right_sizing", std::move(sizing)},
          {"pending_at_max_replicas", optional_json(c.pending_at_max_replicas)},
          {"full_scale_out_nodes", optional_json(c.full_scale_out_nodes)},
          {"full_scale_out_binding", c.full_scale_out_binding}};
}

PlanCandidate candidate_from(const Json& j) {
  PlanCandidate c;
  c.shape = j.at("shape").get<std::string>();
  c.nodes = optional_from<int32_t>(j.at("nodes"));
  c.lower_bound = j.at("lower_bound").get<int32_t>();
  c.price_per_hour = optional_from<double>(j.at("price_per_hour"));
  c.monthly_cost = optional_from<double>(j.at("monthly_cost"));
  c.cpu_headroom_percent = j.at("cpu_headroom_percent").get<double>();
  c.memory_headroom_percent = j.at("memory_headroom_percent").get<double>();
  for (const Json& r : j.at("at_count")) c.at_count.push_back(check_from(r));
  for (const Json& r : j.at("below")) c.below.push_back(check_from(r));
  c.binding = j.at("binding").get<std::string>();
  c.no_fit_reason = j.at("no_fit_reason").get<std::string>();
  c.simulations = j.at("simulations").get<int32_t>();
  c.linear_simulations = j.at("linear_simulations").get<int32_t>();
  for (const auto& [k, v] : j.at("peak_replicas").items()) c.peak_replicas[k] = v.get<int32_t>();
  for (const auto& [k, v] : j.at("hpa_wanted").items()) c.hpa_wanted[k] = v.get<int32_t>();
  for (const Json& r : j.at("right_sizing")) c.right_sizing.push_back(sizing_from(r));
  c.pending_at_max_replicas = optional_from<int32_t>(j.at("pending_at_max_replicas"));
  c.full_scale_out_nodes = optional_from<int32_t>(j.at("full_scale_out_nodes"));
  c.full_scale_out_binding = j.at("full_scale_out_binding").get<std::string>();
  return c;
}

}  // namespace

std::string write_plan_partial(const PlanPartial& p) {
  Json results = Json::array();
  for (const auto& [task, c] : p.results) {
    results.push_back({{"task", task}, {"candidate", candidate_json(c)}});
  }
  return partial("plan", kPlanPartialFormat, p, std::move(results)).dump(1) + "\n";
}

PlanPartial read_plan_partial(std::string_view text, const std::string& file) {
  PlanPartial p;
  const Json results = read_partial(text, file, "plan", kPlanPartialFormat, p);
  try {
    for (const Json& r : results) {
      p.results.emplace_back(r.at("task").get<size_t>(), candidate_from(r.at("candidate")));
    }
  } catch (const std::exception& e) {
    damaged(file, e);
  }
  return p;
}

}  // namespace simcluster
