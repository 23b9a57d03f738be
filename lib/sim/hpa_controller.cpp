// The HPA controller: every HPA is synced when created and then every
// hpa.sync_period (15 s), as kube-controller-manager's work queue re-adds it
// (pkg/controller/podautoscaler/horizontal.go). A sync reads the scale of the
// target (spec.replicas, status.replicas, selector), the pods the selector
// matches and their latest metrics-server samples, and calls hpa_reconcile
// (hpa.h) with the HPA's in-memory HPAState; a rescale sets the target's
// spec.replicas, which wakes its controller.
//
// The pods' HPAPodInfo entries are kept between syncs and updated in place
// (rebuilt only when the set of selected pods changes).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iterator>
#include <limits>
#include <string>
#include <string_view>

#include "sim/controllers.h"

namespace simcluster {

HPAController::HPAController(World& w) : Controller(w) { w.store.watch(Kind::kPod, this); }

void HPAController::on_change(Kind, KeyId key) {
  if (!built_) return;  // the first sync indexes every pod there is
  const SimPod* p = w_.store.pod(key);
  // Only creations and removals change which pods a selector matches. A removed pod is
  // seen one last time (gone_at = now) before it leaves the store; a name can be reused
  // by a new pod (another uid) at the same instant.
  const bool present = p != nullptr && !(p->gone_at && *p->gone_at == w_.now);
  auto it = indexed_.find(key);
  if (it != indexed_.end() && (!present || p->uid != it->second)) {
    unindex_pod(it->second);
    indexed_.erase(it);
    it = indexed_.end();
  }
  if (present && it == indexed_.end()) index_pod(*p);
}

namespace {

struct ScaleView {
  bool found = false;
  int32_t spec_replicas = 0;
  int32_t status_replicas = 0;
  const LabelSelector* selector = nullptr;
};

ScaleView scale_of(World& w, const SimHPA& h) {
  ScaleView v;
  if (!h.target_key) return v;
  switch (h.target_kind) {
    case Kind::kDeployment:
      if (const SimDeployment* d = w.store.deployment(*h.target_key)) {
        v = {true, d->replicas, d->status.replicas, &d->d.selector};
      }
      break;
    case Kind::kStatefulSet:
      if (const SimStatefulSet* s = w.store.stateful_set(*h.target_key)) {
        v = {true, s->replicas, s->status.replicas, &s->s.selector};
      }
      break;
    case Kind::kReplicaSet:
      if (const SimReplicaSet* r = w.store.replica_set(*h.target_key)) {
        v = {true, r->replicas, r->status_replicas, &r->rs.selector};
      }
      break;
    default:
      break;
  }
  return v;
}

// map[name] for the one or two entries of a sample's maps: found by a
// linear scan (same entry as the tree search), inserted when absent.
template <typename Map>
typename Map::mapped_type& entry(Map& m, std::string_view name) {
  if (m.size() <= 4) {
    for (auto& [k, v] : m)
      if (k == name) return v;
  }
  return m[std::string(name)];
}

// SimulationConfig::hpa_metrics: what the custom and external metrics APIs
// return at `now` for the HPA's Pods, Object and External metrics. Only
// Running pods report Pods metrics (nothing scrapes a pod before it starts).
void supply_metric_values(const HPAMetricValues& v, HPAInputs& in, SimTime now) {
  in.object_metrics.clear();
  for (const auto& [key, series] : v.object) {
    if (std::optional<Quantity> q = metric_value_at(series, now)) in.object_metrics[key] = *q;
  }
  in.external_metrics.clear();
  for (const auto& [name, series] : v.external) {
    // Before the first step: supplied, but no series yet ("no metrics returned").
    std::vector<Quantity>& values = in.external_metrics[name];
    if (std::optional<Quantity> q = metric_value_at(series, now)) values.push_back(*q);
  }
  if (v.pods.empty()) return;
  for (HPAPodInfo& p : in.pods) {
    p.custom_metrics.clear();
    if (p.phase != PodPhase::kRunning) continue;
    for (const auto& [name, series] : v.pods) {
      if (std::optional<Quantity> q = metric_value_at(series, now)) p.custom_metrics[name] = *q;
    }
  }
}

bool is_failure(HPAOutcome o) {
  return o == HPAOutcome::kFailedGetScale || o == HPAOutcome::kInvalidSelector ||
         o == HPAOutcome::kMetricsFailed;
}

std::string condition_reason(const HPADecision& d, const char* type) {
  const HPACondition* c = d.condition(type);
  return c == nullptr ? "" : c->status + "/" + c->reason;
}

}  // namespace

void HPAController::index_pod(const SimPod& p) {
  indexed_[p.key] = p.uid;
  std::vector<KeyId> hpas;
  for (uint32_t id : index_.candidates(p.pod.metadata.ns, p.pod.metadata.labels)) {
    const KeyId hk = hpa_ids_[id];
    const SimHPA* h = w_.store.hpa(hk);
    const LabelSelector* sel = pods_[hk].selector;
    if (h != nullptr && sel != nullptr && p.pod.metadata.ns == h->hpa.metadata.ns &&
        selector_matches(*sel, p.pod.metadata.labels)) {
      hpas.push_back(hk);
    }
  }
  if (hpas.empty()) return;
  for (KeyId hk : hpas) {
    Selected& s = pods_[hk];
    s.uids.insert(p.uid);
    s.version = next_version_++;
    if (hpas.size() > 1) ++s.shared;
  }
  pod_hpas_[p.uid] = std::move(hpas);
}

void HPAController::unindex_pod(uint64_t uid) {
  auto it = pod_hpas_.find(uid);
  if (it == pod_hpas_.end()) return;
  for (KeyId hk : it->second) {
    Selected& s = pods_[hk];
    s.uids.erase(uid);
    s.version = next_version_++;
    if (it->second.size() > 1) --s.shared;
  }
  pod_hpas_.erase(it);
}

void HPAController::build_index() {
  pods_.clear();
  hpa_ids_.clear();
  index_.clear();
  pod_hpas_.clear();
  indexed_.clear();
  for (auto& [key, h] : w_.store.hpas) {
    Selected& s = pods_[h.key];
    s.version = next_version_++;
    ScaleView v = scale_of(w_, h);
    if (!v.found || v.selector == nullptr || v.selector->is_empty()) continue;
    s.selector = v.selector;
    index_.add(static_cast<uint32_t>(hpa_ids_.size()), h.hpa.metadata.ns, v.selector->match_labels);
    hpa_ids_.push_back(h.key);
  }
  for (const SimPod* p : w_.store.pods.dense()) {
    if (!(p->gone_at && *p->gone_at == w_.now)) index_pod(*p);
  }
  built_ = true;
}

void HPAController::refresh_pods(SimHPA& h) {
  // The target's selector is the one indexed (Deployments' and StatefulSets' selectors
  // are immutable, so this rebuilds only if a target appeared or went away).
  ScaleView v = scale_of(w_, h);
  const LabelSelector* sel =
      v.found && v.selector != nullptr && !v.selector->is_empty() ? v.selector : nullptr;
  if (!built_ || pods_[h.key].selector != sel) build_index();
  h.inputs.selector_is_ambiguous = pods_[h.key].shared > 0;
}

void HPAController::reconcile(KeyId key) {
  SimHPA* h = w_.store.hpa(key);
  if (h == nullptr) return;
  const SimTime now = w_.now;
  refresh_pods(*h);
  ScaleView v = scale_of(w_, *h);
  HPAInputs& in = h->inputs;
  if (!v.found) {
    in.spec_replicas.reset();
  } else {
    in.spec_replicas = v.spec_replicas;
    in.status_replicas = v.status_replicas;
    in.has_selector = v.selector != nullptr && !v.selector->is_empty();
  }
  // The pods' entries: rebuilt when the set changed, refreshed in place.
  const Selected& sel = pods_[h->key];
  if (sel.version != h->input_version) {
    h->input_version = sel.version;
    h->input_pods.clear();
    in.pods.clear();
    h->input_usage.clear();
    for (uint64_t uid : sel.uids) {
      const SimPod* p = w_.store.pod_by_id(uid);
      if (p == nullptr) continue;
      h->input_pods.push_back(p);
      HPAPodInfo info;
      info.name = p->pod.metadata.name;
      info.containers = p->tmpl->hpa_containers;
      in.pods.push_back(std::move(info));
    }
  }
  if (h->input_usage.size() != in.pods.size()) {
    h->input_usage.assign(in.pods.size(), {-1, -1});
    h->input_quantity_offset.clear();
    size_t n = 0;
    for (const SimPod* p : h->input_pods) {
      h->input_quantity_offset.push_back(n);
      n += 2 * p->tmpl->hpa_containers.size();
    }
    h->input_quantities.assign(n, nullptr);
  }
  // The list, names and requests stay as built until the version changes.
  in.pods_version = h->input_version;
  for (size_t i = 0; i < in.pods.size(); ++i) {
    if (i + 8 < in.pods.size()) __builtin_prefetch(h->input_pods[i + 8]);
    const SimPod* p = h->input_pods[i];
    HPAPodInfo& info = in.pods[i];
    info.phase = p->phase;
    info.is_deleting = p->terminating();
    info.start_time = p->start_time;
    if (p->start_time) {
      info.ready = p->ready;
      info.ready_transition = p->ready_since.value_or(*p->start_time);
    } else {
      info.ready.reset();
    }
    // metrics.k8s.io PodMetrics: none for a container younger than 10 s or
    // seen at one scrape only; else the window metrics-server computed
    // (metrics_server_window), which groupPods compares with the Ready
    // transition (replica_calculator.go: unready while timestamp <
    // readyTransition + window in the CPU initialization period).
    if (!p->sample_time || !p->metrics_window) {
      info.usage.reset();
      continue;
    }
    const bool fresh = !info.usage;
    if (fresh) info.usage.emplace();
    HPAPodMetricsSample& s = *info.usage;
    s.timestamp = *p->sample_time;
    s.window = *p->metrics_window;
    // The containers' shares only change with the pod's usage. The first time, the
    // containers' ResourceLists are built and their quantities remembered (map nodes do
    // not move), so later syncs overwrite them in place.
    std::pair<int64_t, int64_t>& prev = h->input_usage[i];
    if (!fresh && prev.first == p->cpu_usage && prev.second == p->memory_usage) continue;
    prev = {p->cpu_usage, p->memory_usage};
    const TemplateInfo& t = *p->tmpl;
    // The pod's totals (what the containers' samples below sum to): all a Resource metric
    // reads. The per-container samples are written only for ContainerResource metrics.
    if (!t.hpa_containers.empty()) {
      s.cpu_total_milli = p->cpu_usage;
      constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
      s.memory_total_milli = p->memory_usage > kMax / 1000 ? kMax : p->memory_usage * 1000;
    }
    if (!h->container_metrics) continue;
    Quantity** slot = &h->input_quantities[h->input_quantity_offset[i]];
    int64_t cpu_left = p->cpu_usage, mem_left = p->memory_usage;
    for (size_t c = 0; c < t.hpa_containers.size(); ++c) {
      // Split the pod's usage over its containers by their requests; the
      // rounding remainder goes to the last one.
      const bool last = c + 1 == t.hpa_containers.size();
      const int64_t cpu = last ? cpu_left
                               : static_cast<int64_t>(static_cast<Int128>(p->cpu_usage) *
                                                      t.cpu_share_ppm[c] / 1'000'000);
      const int64_t mem = last ? mem_left
                               : static_cast<int64_t>(static_cast<Int128>(p->memory_usage) *
                                                      t.memory_share_ppm[c] / 1'000'000);
      cpu_left -= cpu;
      mem_left -= mem;
      if (fresh) {
        ResourceList& list = entry(s.containers, t.hpa_containers[c].name);
        slot[2 * c] = &entry(list, "cpu");
        slot[2 * c + 1] = &entry(list, "memory");
      }
      *slot[2 * c] = Quantity::from_milli(cpu);
      *slot[2 * c + 1] = Quantity::from_value(mem, QuantityFormat::kBinarySI);
    }
  }

  if (!w_.cfg.hpa_metrics.empty()) {
    auto supplied = w_.cfg.hpa_metrics.find(w_.store.keys.name(key));
    if (supplied != w_.cfg.hpa_metrics.end()) supply_metric_values(supplied->second, in, now);
  }

  HPADecision d = hpa_reconcile(h->hpa, h->state, in, now, w_.cfg.hpa);
  {
    // Held at maxReplicas with the metrics asking for more: upstream sets
    // ScalingLimited=True, reason TooManyReplicas (horizontal.go normalizeDesiredReplicas).
    const HPACondition* limited = d.condition("ScalingLimited");
    const bool at_max = limited != nullptr && limited->status == "True" &&
                        limited->reason == "TooManyReplicas" &&
                        d.metric_replicas > h->hpa.max_replicas;
    if (at_max) {
      std::vector<std::string> metrics;
      for (const HPAMetricProposal& p : d.proposals) {
        if (p.is_valid && p.current.average_utilization) {
          metrics.push_back(fmt::format("{} {}% of request, target {}", p.current.name,
                                        *p.current.average_utilization, p.target));
        }
      }
      w_.recorder.hpa_synced(w_, w_.store.keys.name(key), h->target, h->hpa.max_replicas,
                             d.metric_replicas, true, fmt::format("{}", fmt::join(metrics, "; ")));
    }
  }
  // What the report shows of a decision (built only when an event is recorded).
  auto object = [&] { return fmt::format("HorizontalPodAutoscaler/{}", w_.store.keys.name(key)); };
  auto details = [&] {
    std::map<std::string, std::string> out;
    if (d.winning_metric) out["metric"] = d.proposals[*d.winning_metric].metric;
    for (const HPAMetricProposal& p : d.proposals) {
      if (p.is_valid && p.current.average_utilization) {
        out["utilization." + p.current.name] = std::to_string(*p.current.average_utilization);
      }
    }
    out["raw"] = std::to_string(d.metric_replicas);
    out["stabilized"] = std::to_string(d.normalization.stabilized);
    out["limitedBy"] = d.normalization.limit_reason;
    out["outcome"] = to_string(d.outcome);
    out["AbleToScale"] = condition_reason(d, "AbleToScale");
    out["ScalingActive"] = condition_reason(d, "ScalingActive");
    out["ScalingLimited"] = condition_reason(d, "ScalingLimited");
    return out;
  };
  if (d.rescale) {
    h->last_held_reason.clear();
    const int32_t from = d.current_replicas, to = d.desired_replicas;
    int32_t workload_index = -1;
    switch (h->target_kind) {
      case Kind::kDeployment:
        if (SimDeployment* t = w_.store.deployment(*h->target_key)) {
          t->replicas = to;
          t->d.replicas = to;
          t->generation += 1;
          if (t->rollout.active) t->rollout.disrupted = true;
          workload_index = t->workload_index;
          w_.enqueue(ControllerId::kDeployment, t->key);
        }
        break;
      case Kind::kStatefulSet:
        if (SimStatefulSet* t = w_.store.stateful_set(*h->target_key)) {
          t->replicas = to;
          t->s.replicas = to;
          workload_index = t->workload_index;
          w_.enqueue(ControllerId::kStatefulSet, t->key);
        }
        break;
      case Kind::kReplicaSet:
        if (SimReplicaSet* t = w_.store.replica_set(*h->target_key)) {
          t->replicas = to;
          t->rs.replicas = to;
          t->generation += 1;
          workload_index = t->tmpl->workload_index;
          w_.enqueue(ControllerId::kReplicaSet, t->key);
        }
        break;
      default:
        break;
    }
    auto det = details();
    det["from"] = std::to_string(from);
    det["to"] = std::to_string(to);
    det["explain"] = explain_decision(d);
    w_.recorder.event(now, "HPAScaled", object(),
                      fmt::format("New size: {}; reason: {}", to, d.rescale_reason),
                      std::move(det));
    w_.recorder.hpa_scaled(w_, workload_index, from, to);
  } else if (d.outcome == HPAOutcome::kNormalized && d.metric_replicas != d.current_replicas) {
    // Held: the metrics asked for a change that stabilization or a limit refused.
    // (Built in a stack buffer: a hold repeats at every sync until it changes.)
    fmt::memory_buffer why;
    fmt::format_to(std::back_inserter(why), "{}/{}/{}", d.normalization.stabilization_reason,
                   d.normalization.limit_reason, d.metric_replicas);
    if (std::string_view(why.data(), why.size()) != h->last_held_reason) {
      h->last_held_reason.assign(why.data(), why.size());
      w_.recorder.event(now, "HPAHeld", object(), explain_decision(d), details());
    }
  } else if (is_failure(d.outcome)) {
    // The sync failed (no scale, a bad selector, or the metrics could not give
    // a replica count): upstream records its Warning events (FailedGetScale,
    // FailedGet*Metric, FailedComputeMetricsReplicas, ...) at every sync; the
    // report keeps them, as HPAFailed, when they differ from the last ones
    // recorded (last_held_reason serves both: a held and a failed sync never
    // give the same text).
    std::string why = "failed";
    for (const HPAEvent& e : d.events) {
      if (e.type == "Warning") why += fmt::format("\n{}: {}", e.reason, e.message);
    }
    if (why != h->last_held_reason) {
      h->last_held_reason = std::move(why);
      for (const HPAEvent& e : d.events) {
        if (e.type != "Warning") continue;
        std::map<std::string, std::string> det = {
            {"reason", e.reason},
            {"outcome", to_string(d.outcome)},
            {"AbleToScale", condition_reason(d, "AbleToScale")},
            {"ScalingActive", condition_reason(d, "ScalingActive")}};
        w_.recorder.event(now, "HPAFailed", object(), fmt::format("{}: {}", e.reason, e.message),
                          std::move(det));
      }
    }
  } else {
    h->last_held_reason.clear();
  }
  w_.requeue_at(ControllerId::kHPA, key, now + w_.cfg.hpa.sync_period);
}

}  // namespace simcluster
