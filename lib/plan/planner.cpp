// The capacity planner (plan.h): candidate clusters searched by simulation.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "report/format_util.h"
#include "simcluster/load_model.h"
#include "simcluster/manifests.h"
#include "simcluster/plan.h"
#include "simcluster/simulator.h"

namespace simcluster {

using namespace report_detail;

std::string_view to_string(Requirement r) {
  switch (r) {
    case Requirement::kSlo:
      return "slo";
    case Requirement::kNPlusOne:
      return "n+1";
    case Requirement::kZone:
      return "zone";
    case Requirement::kRollout:
      return "rollout";
    case Requirement::kFullScaleOut:
      return "max";
  }
  return "?";
}

std::optional<Requirement> parse_requirement(std::string_view text) {
  if (text == "slo") return Requirement::kSlo;
  if (text == "n+1") return Requirement::kNPlusOne;
  if (text == "zone") return Requirement::kZone;
  if (text == "rollout") return Requirement::kRollout;
  if (text == "max") return Requirement::kFullScaleOut;
  return std::nullopt;
}

namespace {

constexpr int32_t kDefaultMaxNodes = 100;
constexpr double kHoursPerMonth = 730;  // 365 x 24 / 12, as cloud price lists use

int64_t ceil_div(int64_t a, int64_t b) { return b <= 0 ? 0 : (a + b - 1) / b; }

// One load level, ready to simulate: the scenario with its load, the
// manifests loaded once, and the steady start's replicas.
struct LevelInput {
  const Scenario* source = nullptr;
  Scenario scenario;
  Manifests manifests;
  std::map<std::string, int32_t> steady;
  double users = 0;
  SimDuration event_at{0};  // when disruptions happen: the peak, after the settle window
  std::string label;
};

struct RunResult {
  bool fits = false;
  Report report;
  std::string disrupted;
};

// The scenario's peak: the first moment of its most users (a minute grid and
// every step/load change), never before the settle window.
SimDuration peak_time(const Scenario& sc) {
  SimDuration best{0};
  double most = -1;
  for (int64_t t = 0; t <= sc.duration.count(); t += 60'000) {
    const double u = users_at(sc.load.users, sc.load.changes, SimTime{SimDuration{t}});
    if (u > most + 1e-9) {
      most = u;
      best = SimDuration{t};
    }
  }
  return std::max(best, sc.fit.settle_for(sc.duration));
}

double peak_users_of(const Scenario& sc) {
  double most = 0;
  for (int64_t t = 0; t <= sc.duration.count(); t += 60'000) {
    most = std::max(most, users_at(sc.load.users, sc.load.changes, SimTime{SimDuration{t}}));
  }
  return most;
}

// "10,000 users".
std::string level_label(double users) {
  std::string digits = users_text(users);
  const size_t dot = digits.find('.');
  std::string whole = digits.substr(0, dot),
              rest = dot == std::string::npos ? "" : digits.substr(dot);
  std::string grouped;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
    grouped += whole[i];
  }
  return fmt::format("{}{} user{}", grouped, rest, users == 1 ? "" : "s");
}

// Right-sizing as krr and the VPA recommender do it from history: CPU at the
// p90 of usage, memory at the peak + 15 %, here from the run's samples after
// the settle window (usage per Ready pod = utilization x request).
std::vector<RightSizing> right_size(const Report& r) {
  std::vector<RightSizing> out;
  const int64_t settle = r.verdict.settle.count();
  for (size_t i = 0; i < r.workloads.size(); ++i) {
    const WorkloadSummary& w = r.workloads[i];
    if (w.requests_per_pod.cpu_milli <= 0 && w.requests_per_pod.memory <= 0) continue;
    std::vector<int64_t> cpu;
    int64_t mem_peak = 0;
    for (const Sample& s : r.samples) {
      if (s.t.ms() < settle || i >= s.workloads.size() || s.workloads[i].ready == 0) continue;
      cpu.push_back(std::llround(s.workloads[i].cpu_utilization *
                                 static_cast<double>(w.requests_per_pod.cpu_milli) / 100.0));
      mem_peak = std::max(mem_peak, static_cast<int64_t>(std::llround(
                                        s.workloads[i].memory_utilization *
                                        static_cast<double>(w.requests_per_pod.memory) / 100.0)));
    }
    if (cpu.empty()) continue;
    std::sort(cpu.begin(), cpu.end());
    // Nearest-rank p90.
    const size_t rank = static_cast<size_t>(std::ceil(0.9 * static_cast<double>(cpu.size())));
    RightSizing rs;
    rs.workload = fmt::format("{}/{}/{}", w.kind, w.ns, w.name);
    rs.replicas = w.max_replicas;
    rs.cpu_request_milli = w.requests_per_pod.cpu_milli;
    rs.memory_request = w.requests_per_pod.memory;
    rs.cpu_p90_milli = cpu[std::max<size_t>(rank, 1) - 1];
    rs.memory_peak = mem_peak;
    rs.cpu_recommended_milli = std::max<int64_t>(rs.cpu_p90_milli, 1);
    // Rounded up to whole MiB.
    const int64_t mi = int64_t{1} << 20;
    rs.memory_recommended = ceil_div(mem_peak * 115 / 100, mi) * mi;
    out.push_back(std::move(rs));
  }
  return out;
}

class CandidateSearch {
 public:
  CandidateSearch(const LevelInput& level, NodePool pool, const std::vector<Requirement>& require,
                  int32_t max_nodes)
      : level_(level), pool_(std::move(pool)), require_(require), max_nodes_(max_nodes) {}

  PlanCandidate run(bool linear_baseline, bool full_scale_out) {
    PlanCandidate c = search(linear_baseline);
    if (full_scale_out) {
      // The nodes of this shape that hold every HPA at maxReplicas, by
      // simulation, and count - 1's failure.
      if (std::optional<int32_t> n = smallest(Requirement::kFullScaleOut, 1)) {
        c.full_scale_out_nodes = *n;
        if (*n > 1) {
          const RunResult& below = check(*n - 1, Requirement::kFullScaleOut);
          c.full_scale_out_binding = binding_words(summary(below, Requirement::kFullScaleOut),
                                                   allocatable(pool_.shape), *n - 1);
        }
      }
      c.simulations = simulations_;
    }
    c.hpa_wanted = wanted_;
    return c;
  }

 private:
  PlanCandidate search(bool linear_baseline) {
    PlanCandidate c;
    c.shape = pool_.name;
    c.pool = pool_;
    c.pool.count = 0;
    if (pool_.shape.price_micro_usd_per_hour) {
      c.price_per_hour = static_cast<double>(*pool_.shape.price_micro_usd_per_hour) / 1e6;
    }
    const Resources alloc = allocatable(pool_.shape);

    // A cluster as large as allowed: does anything fit, and what does the
    // peak request? That gives the lower bound to search from.
    const RunResult& big = check(max_nodes_, Requirement::kSlo);
    if (!big.fits) {
      c.no_fit_reason = fmt::format("even {} nodes do not fit: {}", max_nodes_,
                                    issue_words(big.report, Requirement::kSlo));
      c.simulations = simulations_;
      return c;
    }
    const ResourceTotals& peak = peak_totals(big.report);
    const int32_t bound = static_cast<int32_t>(
        std::clamp<int64_t>(std::max({ceil_div(peak.cpu_requests_milli, alloc.cpu_milli),
                                      ceil_div(peak.memory_requests, alloc.memory),
                                      ceil_div(peak.pods, alloc.pods), int64_t{1}}),
                            1, max_nodes_));
    c.lower_bound = bound;

    // The smallest count for each requirement (assumed monotone in the
    // count), then the largest of them, checked against all.
    int32_t answer = bound;
    for (Requirement r : require_) {
      std::optional<int32_t> n = smallest(r, bound);
      if (!n) {
        c.no_fit_reason = fmt::format("no count up to {} meets {}: {}", max_nodes_, to_string(r),
                                      issue_words(check(max_nodes_, r).report, r));
        c.simulations = simulations_;
        return c;
      }
      answer = std::max(answer, *n);
    }
    while (answer <= max_nodes_ && !all_fit(answer)) ++answer;
    if (answer > max_nodes_) {
      c.no_fit_reason = fmt::format("no count up to {} meets every requirement", max_nodes_);
      c.simulations = simulations_;
      return c;
    }
    // Verify minimality: count - 1 must fail (a non-monotone answer walks down).
    while (answer > 1 && all_fit(answer - 1)) --answer;

    c.nodes = answer;
    c.pool.count = answer;
    if (c.price_per_hour) c.monthly_cost = *c.price_per_hour * answer * kHoursPerMonth;
    for (Requirement r : require_) c.at_count.push_back(summary(check(answer, r), r));
    const Report& slo = check(answer, Requirement::kSlo).report;
    const ResourceTotals& p = peak_totals(slo);
    const double cpu_total = static_cast<double>(alloc.cpu_milli) * answer;
    const double mem_total = static_cast<double>(alloc.memory) * answer;
    c.cpu_headroom_percent =
        cpu_total > 0 ? 100.0 - 100.0 * static_cast<double>(p.cpu_requests_milli) / cpu_total : 0;
    c.memory_headroom_percent =
        mem_total > 0 ? 100.0 - 100.0 * static_cast<double>(p.memory_requests) / mem_total : 0;
    for (const WorkloadSummary& w : slo.workloads) {
      c.peak_replicas[fmt::format("{}/{}/{}", w.kind, w.ns, w.name)] = w.max_replicas;
    }
    c.right_sizing = right_size(slo);
    {
      // Can this cluster hold every HPA at its maxReplicas? The pods still
      // Pending after the settle window with all of them there.
      const Report& at_max = check(answer, Requirement::kFullScaleOut).report;
      int32_t pending = 0;
      for (const Sample& s : at_max.samples) {
        if (s.t.since_start > at_max.verdict.settle) pending = std::max(pending, s.pending_pods);
      }
      c.pending_at_max_replicas = pending;
    }
    if (answer > 1) {
      for (Requirement r : require_) {
        const RunResult& below = check(answer - 1, r);
        if (!below.fits) c.below.push_back(summary(below, r));
      }
      c.binding = c.below.empty() ? "" : binding_words(c.below.front(), alloc, answer - 1);
    } else {
      c.binding = "one node holds everything";
    }
    c.simulations = simulations_;
    if (linear_baseline) {
      // Every count from 1 until all requirements fit, each run afresh.
      std::map<std::pair<int, int32_t>, RunResult> saved;
      saved.swap(cache_);
      const int32_t before = simulations_;
      for (int32_t n = 1; n <= answer; ++n) {
        bool ok = true;
        for (Requirement r : require_) ok = check(n, r).fits && ok;
        if (ok) break;
      }
      c.linear_simulations = simulations_ - before;
      cache_.swap(saved);
    }
    return c;
  }

  static const ResourceTotals& peak_totals(const Report& r) {
    const ResourceTotals* best = &r.totals_peak;
    for (const Sample& s : r.samples) {
      if (s.totals.cpu_requests_milli > best->cpu_requests_milli) best = &s.totals;
    }
    return *best;
  }

  bool all_fit(int32_t n) {
    for (Requirement r : require_) {
      if (!check(n, r).fits) return false;
    }
    return true;
  }

  // Galloping from the bound, then bisection: the first count that fits.
  std::optional<int32_t> smallest(Requirement r, int32_t bound) {
    int32_t lo = bound - 1;  // the largest count known (or assumed, below the bound) to fail
    int32_t hi = bound;
    int32_t step = 1;
    while (!check(hi, r).fits) {
      lo = hi;
      if (hi >= max_nodes_) return std::nullopt;
      hi = std::min(max_nodes_, hi + step);
      step *= 2;
    }
    while (hi - lo > 1) {
      const int32_t mid = lo + (hi - lo) / 2;
      if (check(mid, r).fits) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  const RunResult& check(int32_t n, Requirement r) {
    auto key = std::make_pair(static_cast<int>(r), n);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    const RunResult& out = cache_.emplace(key, simulate(n, r)).first->second;
    for (const FitIssue& i : out.report.verdict.issues) {
      if (i.check != "HPAAtMax") continue;
      int32_t& w = wanted_[i.object];
      w = std::max(w, static_cast<int32_t>(i.value));
    }
    return out;
  }

  RunResult simulate(int32_t n, Requirement r) {
    ++simulations_;
    Scenario sc = level_.scenario;
    NodePool pool = pool_;
    pool.count = n;
    sc.node_pools = {pool};
    const SimDuration at = level_.event_at;
    if (r != Requirement::kSlo) {
      sc.duration = std::max(sc.duration, at + kDisruptionObserve);
      sc.fit.settle = at + kDisruptionSettle;
      while (sc.duration / sc.sample_interval > kMaxReportSamples) sc.sample_interval *= 2;
    }
    const Manifests* manifests = &level_.manifests;
    std::map<std::string, int32_t> steady = level_.steady;
    Manifests at_max;
    if (r == Requirement::kFullScaleOut) {
      // Every HPA held at its maxReplicas: minReplicas = maxReplicas, and the
      // run starts there.
      at_max = level_.manifests;
      for (HorizontalPodAutoscaler& h : at_max.horizontal_pod_autoscalers) {
        h.min_replicas = h.max_replicas;
        steady[fmt::format("{}/{}/{}", h.scale_target_ref.kind, h.metadata.ns,
                           h.scale_target_ref.name)] = h.max_replicas;
      }
      manifests = &at_max;
    }
    LoadModel model(*manifests, sc.load);
    RunResult out;
    SimulationConfig cfg;
    try {
      cfg = to_simulation_config(sc, *manifests, &model);
    } catch (const InputError& e) {
      // make_plan checked every reference already; what is left is the one
      // count-dependent check: spec.replicas above the pods these nodes can
      // hold, which the loader refuses before running (references.cpp). Too
      // few nodes, then: it does not fit, and nothing was simulated.
      if (std::string_view(e.what()).find("cannot fit the cluster") == std::string_view::npos)
        throw;
      --simulations_;
      out.report.verdict.fits = false;
      out.report.verdict.issues.push_back({"PodsPending", "(the cluster)", SimTime{}, 0,
                                           fmt::format("not simulated: {}", e.message())});
      return out;
    }
    add_steady_start(cfg, steady);
    if (r == Requirement::kNPlusOne || r == Requirement::kZone) {
      // The busiest node (or zone) at the moment of the failure: most
      // requested as a share of allocatable (max of cpu and memory), then
      // most pods, then name.
      std::vector<NodeView> nodes;
      {
        Simulator pre(cfg);
        pre.run_until(SimTime{at});
        nodes = pre.nodes();
      }
      auto load = [](const NodeView& v) {
        const double c = v.allocatable.cpu_milli > 0
                             ? static_cast<double>(v.requested.cpu_milli) /
                                   static_cast<double>(v.allocatable.cpu_milli)
                             : 0;
        const double m = v.allocatable.memory > 0 ? static_cast<double>(v.requested.memory) /
                                                        static_cast<double>(v.allocatable.memory)
                                                  : 0;
        return std::max(c, m);
      };
      SimTimelineEvent e;
      e.at = at;
      e.action = TimelineAction::kRemoveNode;
      if (r == Requirement::kNPlusOne) {
        const NodeView* worst = nullptr;
        for (const NodeView& v : nodes) {
          if (worst == nullptr || load(v) > load(*worst) + 1e-12 ||
              (std::abs(load(v) - load(*worst)) <= 1e-12 && v.pods > worst->pods)) {
            worst = &v;
          }
        }
        if (worst != nullptr) {
          e.node = worst->name;
          out.disrupted = "node " + worst->name;
        }
      } else {
        std::map<std::string, double> by_zone;
        for (const NodeView& v : nodes) by_zone[v.zone] += load(v);
        const std::string* zone = nullptr;
        double most = -1;
        for (const auto& [z, l] : by_zone) {
          if (l > most) {
            most = l;
            zone = &z;
          }
        }
        if (zone != nullptr) {
          e.zone = *zone;
          out.disrupted = "zone " + *zone;
        }
      }
      if (!e.node.empty() || !e.zone.empty()) cfg.timeline.push_back(std::move(e));
    } else if (r == Requirement::kRollout) {
      int32_t count = 0;
      for (const Deployment& d : level_.manifests.deployments) {
        if (!sc.namespaces.empty() && std::find(sc.namespaces.begin(), sc.namespaces.end(),
                                                d.metadata.ns) == sc.namespaces.end()) {
          continue;
        }
        SimTimelineEvent e;
        e.at = at;
        e.action = TimelineAction::kRollout;
        e.kind = "Deployment";
        e.ns = d.metadata.ns;
        e.name = d.metadata.name;
        cfg.timeline.push_back(std::move(e));
        ++count;
      }
      out.disrupted = fmt::format("{} Deployment{}", count, count == 1 ? "" : "s");
    }
    Simulator sim(std::move(cfg));
    sim.run();
    out.report = sim.report();
    out.fits = out.report.verdict.fits;
    if (r == Requirement::kFullScaleOut) {
      // Only room counts: every pod placed (the load on that many pods is
      // beside the point).
      auto& issues = out.report.verdict.issues;
      issues.erase(std::remove_if(issues.begin(), issues.end(),
                                  [](const FitIssue& i) { return i.check != "PodsPending"; }),
                   issues.end());
      out.fits = out.report.verdict.fits = issues.empty();
    }
    if (r == Requirement::kRollout) {
      // Every Deployment's rolling update must have completed.
      for (const WorkloadSummary& w : out.report.workloads) {
        if (w.kind != "Deployment" || !w.rollout_seconds.empty()) continue;
        out.fits = false;
        out.report.verdict.fits = false;
        out.report.verdict.issues.push_back(
            {"RolloutIncomplete", fmt::format("Deployment/{}/{}", w.ns, w.name), SimTime{at}, 1,
             fmt::format("the rolling update started at {} did not complete by {}",
                         format_duration(at), format_duration(sc.duration))});
      }
    }
    return out;
  }

  static RequirementCheck summary(const RunResult& run, Requirement r) {
    RequirementCheck c;
    c.requirement = r;
    c.fits = run.fits;
    c.disrupted = run.disrupted;
    const auto& issues = run.report.verdict.issues;
    c.issues.assign(issues.begin(), issues.begin() + std::min<size_t>(issues.size(), 5));
    c.peak = peak_totals(run.report);
    c.pending_max = run.report.pending.max_pending;
    return c;
  }

  std::string issue_words(const Report& r, Requirement req) const {
    if (r.verdict.issues.empty()) return "fits";
    const FitIssue& i = r.verdict.issues.front();
    std::string out = fmt::format("{} {}: {}", i.check, i.object, i.message);
    if (req != Requirement::kSlo) out += fmt::format(" ({})", to_string(req));
    return out;
  }

  // "cpu at the 10,000-user peak with one node down".
  std::string binding_words(const RequirementCheck& c, const Resources& alloc,
                            int32_t nodes) const {
    if (c.requirement == Requirement::kNPlusOne && nodes == 1) {
      return fmt::format("one node cannot survive its own loss (n+1 at the peak of {})",
                         level_.label);
    }
    std::string what;
    if (!c.issues.empty()) {
      const FitIssue& i = c.issues.front();
      if (i.check == "PodsPending") {
        std::vector<std::string> parts;
        if (i.message.find("Insufficient cpu") != std::string::npos) parts.push_back("cpu");
        if (i.message.find("Insufficient memory") != std::string::npos) parts.push_back("memory");
        if (i.message.find("Too many pods") != std::string::npos ||
            i.message.find("nodes hold at most") != std::string::npos) {
          parts.push_back(fmt::format("pods per node (max {})", alloc.pods));
        }
        what = parts.empty() ? fmt::format("pods of {} cannot be placed", i.object)
                             : fmt::format("{}", fmt::join(parts, " and "));
      } else if (i.check == "ServiceSaturated") {
        what = fmt::format("{} saturated", i.object);
      } else if (i.check == "OverSLO") {
        what = fmt::format("{} over the SLO", i.object);
      } else if (i.check == "RolloutIncomplete") {
        what = fmt::format("no room to surge {}", i.object);
      } else {
        what = fmt::format("{} of {}", i.check, i.object);
      }
    }
    std::string when;
    switch (c.requirement) {
      case Requirement::kSlo:
        break;
      case Requirement::kNPlusOne:
        when = " with one node down";
        break;
      case Requirement::kZone:
        when = fmt::format(" with {} down", c.disrupted);
        break;
      case Requirement::kRollout:
        when = " during a rolling update";
        break;
      case Requirement::kFullScaleOut:
        return fmt::format("{} binds: {} node{} fail", what, nodes, nodes == 1 ? "" : "s");
    }
    return fmt::format("{} at the peak of {}{} ({} node{} fail)", what, level_.label, when, nodes,
                       nodes == 1 ? "" : "s");
  }

  const LevelInput& level_;
  NodePool pool_;
  const std::vector<Requirement>& require_;
  int32_t max_nodes_;
  std::map<std::pair<int, int32_t>, RunResult> cache_;
  int32_t simulations_ = 0;
  std::map<std::string, int32_t> wanted_;
};

std::vector<NodePool> candidate_shapes(const Scenario& sc, const PlanOptions& o) {
  std::vector<NodePool> out;
  auto add_preset = [&](const std::string& name) {
    std::optional<MachineShape> shape = find_machine_shape(name);
    if (!shape) {
      std::string guess = closest_match(name, machine_shape_names());
      throw InputError(SourceLocation{"--shapes", 0, 0},
                       fmt::format("unknown machine preset '{}'{}", name,
                                   guess.empty() ? "" : fmt::format(", did you mean '{}'?", guess)),
                       fmt::format("presets: {}", fmt::join(machine_shape_names(), ", ")));
    }
    NodePool p;
    p.name = name;
    p.shape = *shape;
    out.push_back(std::move(p));
  };
  const NodePool* base = sc.node_pools.empty() ? nullptr : &sc.node_pools.front();
  if (!o.shapes.empty()) {
    for (const std::string& s : o.shapes) add_preset(s);
  } else if (sc.plan && !sc.plan->shapes.empty()) {
    out = sc.plan->shapes;
  } else {
    for (const std::string& name : machine_shape_names()) {
      std::optional<MachineShape> shape = find_machine_shape(name);
      if (o.all_shapes || shape->price_micro_usd_per_hour) add_preset(name);
    }
    for (const NodePool& p : sc.node_pools) {
      const bool known = std::any_of(out.begin(), out.end(), [&](const NodePool& q) {
        return q.shape.name == p.shape.name && !p.shape.name.empty() &&
               q.shape.price_micro_usd_per_hour == p.shape.price_micro_usd_per_hour;
      });
      if (!known) out.push_back(p);
    }
  }
  // Each candidate keeps the scenario's first pool's zones, labels, taints
  // and region: the planner changes the machine, not the topology.
  for (NodePool& p : out) {
    p.count = 0;
    p.min.reset();  // the plan sizes fixed pools (make_plan)
    p.max.reset();
    if (base != nullptr) {
      if (p.zones.empty()) p.zones = base->zones;
      if (p.region.empty()) p.region = base->region;
      for (const auto& [k, v] : base->labels) p.labels.emplace(k, v);
      if (p.taints.empty()) p.taints = base->taints;
    }
  }
  return out;
}

}  // namespace

namespace {

// The plan's work: one search per (level, shape), numbered level by level.
struct Task {
  size_t level;
  NodePool pool;
};

// Everything make_plan knows before simulating: the plan's header, the
// levels ready to simulate, and the tasks.
struct Prepared {
  Plan plan;
  std::vector<LevelInput> levels;
  std::vector<Task> tasks;
};

// The scenario as the planner sizes it: fixed pools. A Karpenter NodePool's offerings (pools of
// count 0 holding the nodes it would launch) are not a topology to keep: they and the
// provisioner go, and the plan searches the candidate shapes instead. A cluster taken from a
// dump (cluster.fromManifests) becomes its inferred pools (node_pools_from_nodes): the search
// resizes and reshapes them like written pools, keeping the first one's zones, labels and
// taints; the dump's placement and the Nodes themselves are left out (prepare()).
Scenario fixed_pools(const Scenario& sc, bool& autoscaler_ignored) {
  Scenario out = sc;
  if (out.cluster_from_manifests) {
    Manifests m = load_manifests(out.manifests);
    out.node_pools = dump_node_pools(out, m.nodes);
    out.cluster_from_manifests = false;
  }
  if (out.karpenter.enabled) {
    autoscaler_ignored = true;
    out.karpenter = KarpenterConfig{};
    std::erase_if(out.node_pools,
                  [](const NodePool& p) { return p.labels.count("karpenter.sh/nodepool") > 0; });
  }
  return out;
}

Prepared prepare(const std::vector<Scenario>& given, const PlanOptions& options) {
  Prepared prep;
  bool karpenter_ignored = false;
  std::vector<Scenario> scenarios;
  std::vector<bool> from_dump;
  for (const Scenario& sc : given) {
    from_dump.push_back(sc.cluster_from_manifests);
    Scenario s = fixed_pools(sc, karpenter_ignored);
    for (size_t i = 1; i < s.node_pools.size(); ++i) {
      const NodePool& p = s.node_pools[i];
      std::vector<std::string> taints;
      for (const Taint& t : p.taints) {
        taints.push_back(fmt::format("{}={}:{}", t.key, t.value, t.effect));
      }
      prep.plan.pools_not_kept.push_back(
          fmt::format("{} ({}): {} x {}{}", p.name, sc.file, p.count,
                      p.shape.name.empty() ? "custom" : p.shape.name,
                      taints.empty() ? "" : fmt::format(", taints {}", fmt::join(taints, " "))));
    }
    if (s.node_pools.empty()) {
      // Karpenter alone: one node of the first candidate shape stands for "a pool" (the
      // references check and the steady start's warm-up grow it; the search replaces it).
      std::vector<NodePool> shapes = candidate_shapes(s, options);
      if (!shapes.empty()) {
        shapes.front().count = 1;
        s.node_pools = {shapes.front()};
      }
    }
    scenarios.push_back(std::move(s));
  }
  if (karpenter_ignored) prep.plan.autoscaler_ignored = true;
  Plan& plan = prep.plan;
  std::vector<LevelInput>& levels = prep.levels;
  if (scenarios.empty()) return prep;
  const Scenario& first = scenarios.front();
  plan.max_nodes = options.max_nodes.value_or(
      first.plan && first.plan->max_nodes ? *first.plan->max_nodes : kDefaultMaxNodes);
  plan.require = options.require;
  if (plan.require.empty() && first.plan) {
    for (const std::string& r : first.plan->require) plan.require.push_back(*parse_requirement(r));
  }
  if (plan.require.empty()) {
    plan.require = {Requirement::kSlo, Requirement::kRollout, Requirement::kNPlusOne};
  }
  // slo first: every other requirement's run includes it.
  std::stable_sort(plan.require.begin(), plan.require.end());
  plan.require.erase(std::unique(plan.require.begin(), plan.require.end()), plan.require.end());
  plan.start = std::string(to_string(first.start));
  plan.overrides = first.overrides;

  // Levels: each scenario's plan.levels (constant users), or the scenario itself.
  for (size_t si = 0; si < scenarios.size(); ++si) {
    const Scenario& sc = scenarios[si];
    plan.scenarios.push_back(sc.file);
    Manifests manifests = load_manifests(sc.manifests);
    if (from_dump[si]) {
      // A dump's Nodes are the cluster being replaced, and its bare pods' nodeName would pin
      // them to nodes the candidates do not have: the scheduler places them.
      manifests.nodes.clear();
      for (Pod& p : manifests.pods) p.spec.node_name.clear();
    }
    {
      // References are checked once, on pools large enough that the
      // count-dependent capacity check cannot fail: the plan replaces the pools.
      Scenario big = sc;
      for (NodePool& p : big.node_pools) p.count = 10'000;
      check_scenario_references(big, manifests);
    }
    std::vector<std::optional<double>> users;
    if (sc.plan && !sc.plan->levels.empty()) {
      for (double u : sc.plan->levels) users.emplace_back(u);
    } else {
      users.emplace_back(std::nullopt);
    }
    for (const std::optional<double>& u : users) {
      LevelInput l;
      l.source = &sc;
      l.scenario = sc;
      // The plan sizes fixed pools: a scenario's cluster autoscaler is off in
      // its runs (its node-group min/max follow from the levels' answers).
      if (sc.autoscaler.enabled) plan.autoscaler_ignored = true;
      l.scenario.autoscaler = ClusterAutoscalerConfig{};
      for (NodePool& p : l.scenario.node_pools) {
        p.min.reset();
        p.max.reset();
      }
      l.scenario.claims.reset();
      l.scenario.claims_level.reset();
      if (u) {
        l.scenario.load.users = UsersProfile{};
        l.scenario.load.users.shape = ProfileShape::kConstant;
        l.scenario.load.users.constant = *u;
        l.scenario.load.changes.clear();
        l.scenario.name = fmt::format("{}@{}", sc.name, users_text(*u));
      }
      l.manifests = manifests;
      l.users = peak_users_of(l.scenario);
      l.event_at = peak_time(l.scenario);
      l.label = level_label(l.users);
      if (l.scenario.start == StartMode::kSteady) {
        l.steady = steady_replicas(l.scenario, l.manifests);
      }
      levels.push_back(std::move(l));
    }
    if (sc.claims && plan.claims_source.empty()) {
      plan.claims_source = sc.claims->title.empty() ? sc.claims->file : sc.claims->title;
      if (sc.claims->recommended_cluster) {
        const auto& rc = *sc.claims->recommended_cluster;
        plan.claimed_cluster = ClusterSpec{rc.nodes, rc.cpu_milli_per_node, rc.memory_per_node};
      }
      plan.claimed_full_scale_out_nodes = sc.claims->full_scale_out_min_nodes;
    }
  }
  std::stable_sort(levels.begin(), levels.end(),
                   [](const LevelInput& a, const LevelInput& b) { return a.users < b.users; });
  plan.settle = first.fit.settle_for(first.duration);

  for (Requirement r : plan.require) {
    if (r != Requirement::kZone) continue;
    for (const LevelInput& l : levels) {
      for (const NodePool& p : candidate_shapes(*l.source, options)) {
        if (p.zones.size() < 2) {
          throw InputError(l.source->source, "--require zone needs node pools in two or more zones",
                           "give the scenario's first pool (or each plan shape) zones: [a, b, c]");
        }
      }
    }
  }

  for (size_t i = 0; i < levels.size(); ++i) {
    for (NodePool& p : candidate_shapes(*levels[i].source, options)) prep.tasks.push_back({i, p});
  }
  return prep;
}

// The searches of `which` (task numbers), on options.threads threads; the
// results in the order of `which`, never of completion.
std::vector<PlanCandidate> run_tasks(const Prepared& prep, const PlanOptions& options,
                                     const std::vector<size_t>& which) {
  const Plan& plan = prep.plan;
  std::vector<PlanCandidate> results(which.size());
  std::vector<std::exception_ptr> errors(which.size());
  std::atomic<size_t> next{0};
  std::mutex progress_mu;
  size_t searches_done = 0;
  auto worker = [&] {
    for (size_t w = next++; w < which.size(); w = next++) {
      const Task& task = prep.tasks[which[w]];
      try {
        CandidateSearch s(prep.levels[task.level], task.pool, plan.require, plan.max_nodes);
        // Full scale-out (every HPA at maxReplicas) is load-independent:
        // planned once per shape, at the lowest level, when the claims state it.
        const bool fso = plan.claimed_full_scale_out_nodes.has_value() && task.level == 0;
        results[w] = s.run(options.linear_baseline, fso);
      } catch (...) {
        errors[w] = std::current_exception();
      }
      if (options.progress) {
        std::lock_guard<std::mutex> lock(progress_mu);
        options.progress(++searches_done, which.size());
      }
    }
  };
  if (options.progress) options.progress(0, which.size());
  const int threads = std::clamp(options.threads, 1, 64);
  if (threads == 1 || which.size() <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) pool.emplace_back(worker);
    for (std::thread& t : pool) t.join();
  }
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return results;
}

// The plan from every task's result (by task number).
Plan finish(Prepared prep, std::vector<PlanCandidate> results) {
  Plan& plan = prep.plan;
  const std::vector<LevelInput>& levels = prep.levels;
  const std::vector<Task>& tasks = prep.tasks;
  if (levels.empty()) return plan;
  for (size_t i = 0; i < levels.size(); ++i) {
    PlanLevel pl;
    pl.scenario = levels[i].scenario.name;
    pl.users = levels[i].users;
    pl.label = levels[i].label;
    for (size_t t = 0; t < tasks.size(); ++t) {
      if (tasks[t].level != i) continue;
      plan.simulations += results[t].simulations;
      plan.linear_simulations += results[t].linear_simulations;
      pl.candidates.push_back(std::move(results[t]));
    }
    // Cheapest first; unpriced after priced; no fit last.
    std::stable_sort(pl.candidates.begin(), pl.candidates.end(),
                     [](const PlanCandidate& a, const PlanCandidate& b) {
                       auto key = [](const PlanCandidate& c) {
                         return std::make_tuple(c.nodes ? 0 : 1, c.monthly_cost ? 0 : 1,
                                                c.monthly_cost.value_or(0), c.nodes.value_or(0));
                       };
                       return key(a) < key(b);
                     });
    for (size_t c = 0; c < pl.candidates.size(); ++c) {
      if (pl.candidates[c].nodes) {
        pl.recommended = c;
        break;
      }
    }
    plan.levels.push_back(std::move(pl));
  }

  // Autoscaler settings: the highest level's recommended shape, its count at
  // the lowest and the highest level that have an answer for it.
  const PlanLevel* top = nullptr;
  for (auto it = plan.levels.rbegin(); it != plan.levels.rend(); ++it) {
    if (it->recommended) {
      top = &*it;
      break;
    }
  }
  // HPA settings: what the highest level's metrics asked for when held at
  // maxReplicas (any shape: the HPA's view does not depend on the machine),
  // and the replicas the recommended cluster of the highest level that fits held.
  const PlanLevel& highest = plan.levels.back();
  const LevelInput& highest_input = levels.back();
  for (const HorizontalPodAutoscaler& h : highest_input.manifests.horizontal_pod_autoscalers) {
    const auto& ns = highest_input.scenario.namespaces;
    if (!ns.empty() && std::find(ns.begin(), ns.end(), h.metadata.ns) == ns.end()) continue;
    HPASetting s;
    s.workload =
        fmt::format("{}/{}/{}", h.scale_target_ref.kind, h.metadata.ns, h.scale_target_ref.name);
    s.max_replicas = h.max_replicas;
    for (const PlanCandidate& c : highest.candidates) {
      auto wanted = c.hpa_wanted.find(s.workload);
      if (wanted != c.hpa_wanted.end()) s.wanted = std::max(s.wanted.value_or(0), wanted->second);
    }
    if (top != nullptr) {
      const PlanCandidate& rec = top->candidates[*top->recommended];
      auto pr = rec.peak_replicas.find(s.workload);
      if (pr != rec.peak_replicas.end()) s.peak_replicas = pr->second;
    }
    plan.hpas.push_back(std::move(s));
  }
  std::sort(plan.hpas.begin(), plan.hpas.end(),
            [](const HPASetting& a, const HPASetting& b) { return a.workload < b.workload; });
  if (top != nullptr) {
    plan.right_sizing_level = top->label;
    plan.right_sizing = top->candidates[*top->recommended].right_sizing;
    for (const RightSizing& rs : plan.right_sizing) {
      plan.right_sizing_cpu_saved_milli +=
          (rs.cpu_request_milli - rs.cpu_recommended_milli) * rs.replicas;
      plan.right_sizing_memory_saved += (rs.memory_request - rs.memory_recommended) * rs.replicas;
    }
  }
  if (top != nullptr) {
    const PlanCandidate& rec = top->candidates[*top->recommended];
    plan.autoscaler_shape = rec.shape;
    for (const PlanLevel& l : plan.levels) {
      for (const PlanCandidate& c : l.candidates) {
        if (c.shape != rec.shape || !c.nodes) continue;
        plan.autoscaler_min =
            plan.autoscaler_min ? std::min(*plan.autoscaler_min, *c.nodes) : *c.nodes;
        plan.autoscaler_max =
            plan.autoscaler_max ? std::max(*plan.autoscaler_max, *c.nodes) : *c.nodes;
      }
    }
  }
  return std::move(prep.plan);
}

}  // namespace

Plan make_plan(const std::vector<Scenario>& scenarios, const PlanOptions& options) {
  Prepared prep = prepare(scenarios, options);
  std::vector<size_t> all(prep.tasks.size());
  for (size_t t = 0; t < all.size(); ++t) all[t] = t;
  std::vector<PlanCandidate> results = run_tasks(prep, options, all);
  return finish(std::move(prep), std::move(results));
}

std::vector<size_t> plan_shard_tasks(size_t tasks, size_t shard, size_t shards) {
  std::vector<size_t> out;
  for (size_t t = shard; shards > 0 && t < tasks; t += shards) out.push_back(t);
  return out;
}

PlanPartial make_plan_partial(const std::vector<Scenario>& scenarios, const PlanOptions& options,
                              size_t shard, size_t shards) {
  if (shards == 0 || shard >= shards) {
    throw std::invalid_argument(fmt::format("shard {}/{} is out of range", shard, shards));
  }
  Prepared prep = prepare(scenarios, options);
  PlanPartial out;
  out.shard = shard;
  out.shards = shards;
  out.tasks = prep.tasks.size();
  const std::vector<size_t> which = plan_shard_tasks(out.tasks, shard, shards);
  std::vector<PlanCandidate> results = run_tasks(prep, options, which);
  for (size_t w = 0; w < which.size(); ++w)
    out.results.emplace_back(which[w], std::move(results[w]));
  return out;
}

Plan merge_plan(const std::vector<Scenario>& scenarios, const PlanOptions& options,
                std::vector<std::pair<size_t, PlanCandidate>> results) {
  Prepared prep = prepare(scenarios, options);
  std::vector<std::optional<PlanCandidate>> by_task(prep.tasks.size());
  for (auto& r : results) {
    if (r.first >= by_task.size()) {
      throw std::invalid_argument(
          fmt::format("task {} is not one of the plan's {} tasks", r.first, by_task.size()));
    }
    if (by_task[r.first]) throw std::invalid_argument(fmt::format("task {} given twice", r.first));
    // The pool is the task's (not carried by partials): the shape with the answer's count.
    PlanCandidate& c = r.second;
    c.shape = prep.tasks[r.first].pool.name;
    c.pool = prep.tasks[r.first].pool;
    c.pool.count = c.nodes.value_or(0);
    by_task[r.first] = std::move(c);
  }
  std::vector<PlanCandidate> all;
  for (size_t t = 0; t < by_task.size(); ++t) {
    if (!by_task[t]) throw std::invalid_argument(fmt::format("task {} is missing", t));
    all.push_back(std::move(*by_task[t]));
  }
  return finish(std::move(prep), std::move(all));
}

}  // namespace simcluster
