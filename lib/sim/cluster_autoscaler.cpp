// The cluster autoscaler loop: every --scan-interval, scale-up for unschedulable pods, then
// scale-down of unneeded nodes. Level-triggered: each scan reads the store afresh; the only
// state kept between scans is what upstream keeps (upcoming nodes, lastScaleUpTime, the
// time each node was first seen unneeded, nodes being deleted, per-group back-off).
//
// Mirrors kubernetes/autoscaler cluster-autoscaler (see /work/shared/spec/scheduler.md,
// "Cluster autoscaler"):
//  * core/static_autoscaler.go RunOnce: upcoming nodes join the simulation as template nodes;
//    unschedulable pods that fit an existing or upcoming node are dropped
//    (FilterOutSchedulable); pods younger than --new-pod-scale-up-delay are ignored; one
//    scale-up per loop; scale-down is skipped in the loop of a scale-up and until
//    --scale-down-delay-after-add has passed (the unneeded bookkeeping goes on meanwhile).
//  * core/scaleup/orchestrator/orchestrator.go ScaleUp: equivalence groups (same controller
//    and template), per node group: skipped when at max ("max node group size reached") or
//    in back-off, groups whose exemplar fails the Filters on the template node are rejected
//    with the Filter reasons, the others go to the binpacking estimator limited by the group
//    max and --max-nodes-total; the expander picks one option. Pods no option helps get
//    NotTriggerScaleUp "pod didn't trigger scale-up: <count> <reason>, ..." (reasons counted
//    over node groups, sorted: processors/status/eventing_scale_up_processor.go).
//  * clusterstate/clusterstate.go: a requested node is "upcoming" until it is Ready after the
//    pool's nodeProvisioning delay; when that is longer than --max-node-provision-time the
//    scale-up fails and the group backs off 5 minutes (initial-node-group-backoff-duration).
//  * core/scaledown: a node of an autoscaled pool is unneeded when its utilization
//    (simulator/utilization) is <= the threshold, no pod blocks its drain (drainability
//    rules) and every pod to move passes the Filters on another node (the pods of nodes found
//    unneeded earlier in the same loop stay placed: the simulation is cumulative). Removable
//    once unneeded for longer than --scale-down-unneeded-time (strictly) while the group stays
//    above min. Empty nodes are deleted together; at most one non-empty node is drained at a
//    time (--max-drain-parallelism 1): tainted ToBeDeletedByClusterAutoscaler (NoSchedule),
//    its pods evicted (their controllers recreate them elsewhere), the Node deleted once they
//    are gone (DaemonSet pods go with the node).
//  * --balance-similar-node-groups: the chosen option's nodes are spread over similar groups
//    (processors/nodegroupset, lib/autoscale/balance.cpp).
// Not modelled: cores/memory totals, scale-down-delay-after-
// delete/failure, unready-node scale-down, the 2 s unschedulable-pod time buffer, GPU nodes,
// the cluster health gate, enforce-node-group-min-size.
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "sim/checks.h"
#include "sim/controllers.h"

namespace simcluster {

namespace {

constexpr SimDuration kInitialNodeGroupBackoff{300'000};  // --initial-node-group-backoff-duration
const Taint kToBeDeleted{"ToBeDeletedByClusterAutoscaler", "", "NoSchedule"};

std::string expander_name(const ExpanderConfig& e) {
  std::vector<std::string> names;
  for (ExpanderKind k : e.chain) {
    switch (k) {
      case ExpanderKind::kRandom:
        names.emplace_back("random");
        break;
      case ExpanderKind::kMostPods:
        names.emplace_back("most-pods");
        break;
      case ExpanderKind::kLeastNodes:
        names.emplace_back("least-nodes");
        break;
      case ExpanderKind::kLeastWaste:
        names.emplace_back("least-waste");
        break;
      case ExpanderKind::kPrice:
        names.emplace_back("price");
        break;
      case ExpanderKind::kPriority:
        names.emplace_back("priority");
        break;
    }
  }
  return fmt::format("{}", fmt::join(names, ","));
}

AutoscalerPod autoscaler_pod(const SimPod& p) {
  AutoscalerPod a = make_autoscaler_pod(p.pod);
  switch (p.phase) {
    case PodPhase::kPending:
      a.phase = "Pending";
      break;
    case PodPhase::kSucceeded:
      a.phase = "Succeeded";
      break;
    case PodPhase::kFailed:
      a.phase = "Failed";
      break;
    default:
      a.phase = "Running";
      break;
  }
  a.deletion_time = p.deletion_timestamp;
  return a;
}

}  // namespace

std::vector<PodInfo> daemon_pods_for(const World& w, const Node& node) {
  // The DaemonSet controller's NodeShouldRunDaemonPod on the template node.
  std::vector<PodInfo> out;
  for (const auto& [key, ds] : w.store.daemon_sets) {
    Pod pod;
    pod.metadata = ds.tmpl->tmpl.metadata;
    pod.metadata.name = ds.ds.metadata.name + "-template";
    pod.spec = ds.tmpl->tmpl.spec;
    PodInfo info = make_pod_info(pod);
    if (!matches_node_selector_and_affinity(info, node.metadata.labels, node.metadata.name)) {
      continue;
    }
    bool ok = true;
    for (const Taint& t : node.taints) {
      if ((t.effect == "NoSchedule" || t.effect == "NoExecute") &&
          !tolerates_taint(info.tolerations, t)) {
        ok = false;
      }
    }
    if (ok) out.push_back(std::move(info));
  }
  return out;
}

void start_node_removal(World& w, SimNode& n, const Taint& taint, const std::vector<KeyId>& pods,
                        const std::string& reason, const std::string& message) {
#ifdef SIMCLUSTER_CHECKS
  {
    const std::string stuck = unmovable_pod(w, n, pods);
    SIMCLUSTER_CHECK(stuck.empty(), "node {} is removed ({}) while its pod {} fits no other node",
                     n.node.metadata.name, reason, stuck);
  }
#endif
  const bool tainted = std::any_of(n.node.taints.begin(), n.node.taints.end(), [&](const Taint& t) {
    return t.key == taint.key && t.effect == taint.effect;
  });
  if (!tainted) n.node.taints.push_back(taint);
  n.unschedulable = true;
  w.store.snapshot.update_node(n.snap, n.node);
  w.store.snapshot.set_unschedulable(n.snap, true);
  const std::string node_name = n.node.metadata.name;
  for (KeyId pk : pods) {
    SimPod* p = w.store.pod(pk);
    if (p == nullptr || p->terminating()) continue;
    w.recorder.event(w.now, "Evicted", "Pod/" + w.store.keys.name(pk), message,
                     {{"reason", reason}, {"node", node_name}});
    if (p->workload.rfind("Deployment/", 0) == 0) {
      auto d = w.store.deployments.find(p->workload.substr(11));
      if (d != w.store.deployments.end()) d->second.rollout.disrupted = true;
    }
    w.delete_pod(*p, "Evicted");
  }
  w.store.changed(Kind::kNode, n.key);
}

PodInfo unbound(const PodInfo& info) {
  PodInfo out = info;
  out.node_name.clear();
  out.nominated_node_name.clear();
  return out;
}

std::optional<FirstFit> place_first_fit(const PodInfo& pod, ClusterSnapshot& sim,
                                        const SchedulerConfig& config, std::optional<NodeId> skip) {
  for (NodeId id : sim.node_order()) {
    if (id == skip || !run_filters(pod, sim, id, config).ok()) continue;
    return FirstFit{id, sim.add_pod(pod, id)};
  }
  return std::nullopt;
}

void remove_drained_nodes_of(World& w, std::set<std::string>& deleting) {
  auto& lifecycle =
      static_cast<NodeLifecycleController&>(w.controller(ControllerId::kNodeLifecycle));
  for (auto it = deleting.begin(); it != deleting.end();) {
    auto node = w.store.nodes.find(*it);
    if (node == w.store.nodes.end()) {
      it = deleting.erase(it);
      continue;
    }
    bool remaining = false;
    for (KeyId pk : node->second.pods) {
      const SimPod* p = w.store.pod(pk);
      if (p != nullptr && p->owner_kind != "DaemonSet" && !p->terminal()) remaining = true;
    }
    if (remaining) {
      ++it;
      continue;
    }
    SimTimelineEvent remove;
    remove.action = TimelineAction::kRemoveNode;
    remove.node = *it;
    lifecycle.apply(remove, node->second);
    it = deleting.erase(it);
  }
}

ClusterAutoscaler::ClusterAutoscaler(World& w)
    : w_(w),
      rng_(w.cfg.seed ^ 0x636c75737465722dULL),
      next_index_(w.cfg.node_pools.size()),
      backoff_until_(w.cfg.node_pools.size()) {
  for (size_t i = 0; i < w.cfg.node_pools.size(); ++i) next_index_[i] = w.cfg.node_pools[i].count;
  for (Kind k :
       {Kind::kPod, Kind::kNode, Kind::kDeployment, Kind::kStatefulSet, Kind::kReplicaSet}) {
    w.store.watch(k, this);
  }
}

void ClusterAutoscaler::fire(uint32_t a, uint64_t b) {
  if (a == 0) {
    scan();
    w_.events.push((w_.now + w_.cfg.autoscaler.scan_interval).ms(),
                   SimEvent{EventKind::kAutoscaler, 0, 0});
  } else {
    node_provisioned(b, a == 2);
  }
}

int32_t ClusterAutoscaler::upcoming(const std::string& pool) const {
  int32_t n = 0;
  for (const auto& entry : upcoming_) {
    if (w_.cfg.node_pools[entry.second.pool].name == pool) ++n;
  }
  return n;
}

int32_t ClusterAutoscaler::pool_size(size_t pool, bool count_deleting) const {
  const std::string& name = w_.cfg.node_pools[pool].name;
  int32_t n = 0;
  for (const auto& [node_name, node] : w_.store.nodes) {
    if (node.pool == name && (count_deleting || !deleting_.count(node_name))) ++n;
  }
  return n + upcoming(name);
}

int32_t ClusterAutoscaler::total_nodes() const {
  return static_cast<int32_t>(w_.store.nodes.size() + upcoming_.size());
}

std::vector<PodInfo> ClusterAutoscaler::daemon_pods(const Node& node) const {
  return daemon_pods_for(w_, node);
}

void ClusterAutoscaler::scan() {
  remove_drained_nodes();
  const bool scaled_up = scale_up();
  if (w_.cfg.autoscaler.scale_down_enabled) scale_down(scaled_up);
}

// ---------------------------------------------------------------- scale-up

bool ClusterAutoscaler::scale_up() {
  const ClusterAutoscalerConfig& cfg = w_.cfg.autoscaler;
  const SimTime now = w_.now;
  std::vector<SimPod*> pending;
  for (auto& [name, p] : w_.store.pods) {
    if (p.bound() || p.terminating() || !p.unschedulable || p.owner_kind == "DaemonSet") continue;
    if (now - p.created < cfg.new_pod_scale_up_delay) continue;
    pending.push_back(&p);
  }
  if (pending.empty()) {
    not_triggered_.clear();
    return false;
  }

  // The snapshot with the upcoming nodes, then FilterOutSchedulable.
  ClusterSnapshot sim = w_.store.snapshot;
  for (const auto& entry : upcoming_) {
    const Node node = make_pool_node(w_.cfg.node_pools[entry.second.pool], entry.second.index);
    const NodeId id = sim.add_node(node);
    for (const PodInfo& ds : daemon_pods(node)) sim.add_pod(ds, id);
  }
  std::vector<SimPod*> left;
  for (SimPod* p : pending) {
    if (!place_first_fit(p->info, sim, w_.cfg.scheduler)) left.push_back(p);
  }
  if (left.empty()) return false;

  // Equivalence groups: same controller and pod template (core/scaleup/equivalence/groups.go).
  std::vector<PodEquivalenceGroup> groups;
  std::vector<std::vector<SimPod*>> group_pods;
  std::map<std::tuple<const TemplateInfo*, std::string, std::string>, size_t> index;
  for (SimPod* p : left) {
    auto key = std::make_tuple(p->tmpl.get(), p->owner_kind, p->owner_name);
    auto [it, inserted] = index.try_emplace(key, groups.size());
    if (inserted) {
      groups.emplace_back();
      group_pods.emplace_back();
    }
    groups[it->second].pods.push_back(p->info);
    group_pods[it->second].push_back(p);
  }

  struct Candidate {
    size_t pool;
    Estimate estimate;
    std::vector<size_t> groups;  // into `groups`, the ones given to the estimator
  };
  std::vector<Candidate> candidates;
  std::vector<ExpansionOption> options;
  // Per pod group: reason -> number of node groups giving it.
  std::vector<std::map<std::string, int32_t>> reasons(groups.size());
  const int32_t total = total_nodes();
  for (size_t pi = 0; pi < w_.cfg.node_pools.size(); ++pi) {
    const NodePool& pool = w_.cfg.node_pools[pi];
    if (!pool.max) continue;
    auto skip = [&](const std::string& why) {
      for (auto& r : reasons) r[why] += 1;
    };
    if (now < backoff_until_[pi]) {
      skip("in backoff after failed scale-up");
      continue;
    }
    const int32_t target = pool_size(pi, true);
    if (target >= *pool.max) {
      skip("max node group size reached");
      continue;
    }
    EstimationLimits limits;
    limits.group_max_size = *pool.max;
    limits.group_target_size = target;
    limits.max_nodes_total = cfg.max_nodes_total;
    limits.current_node_count = total;
    const int32_t limit = estimation_node_limit(limits);
    if (limit < 0) {
      skip("max node total count already reached");
      continue;
    }
    NodeTemplate tmpl;
    tmpl.node = make_pool_node(pool, next_index_[pi]);
    tmpl.pods = daemon_pods(tmpl.node);
    // Rejected groups: the exemplar fails the Filters on a fresh template node.
    const NodeId tid = sim.add_node(tmpl.node);
    std::vector<PodId> ds_ids;
    for (const PodInfo& ds : tmpl.pods) ds_ids.push_back(sim.add_pod(ds, tid));
    std::vector<PodEquivalenceGroup> fitting;
    Candidate c{pi, {}, {}};
    for (size_t g = 0; g < groups.size(); ++g) {
      FilterStatus st = run_filters(groups[g].pods[0], sim, tid, w_.cfg.scheduler);
      if (st.ok()) {
        fitting.push_back(groups[g]);
        c.groups.push_back(g);
      } else {
        for (const std::string& r : st.reasons) reasons[g][r] += 1;
      }
    }
    for (PodId id : ds_ids) sim.remove_pod(id);
    sim.remove_node(tid);
    if (fitting.empty()) continue;
    c.estimate = estimate_binpacking(fitting, tmpl, sim, limit, w_.cfg.scheduler);
    if (c.estimate.node_count <= 0) continue;
    ExpansionOption o;
    o.node_group = pool.name;
    o.node_count = c.estimate.node_count;
    for (const EstimatedPod& e : c.estimate.scheduled) {
      o.pods.push_back(fitting[e.group].pods[e.pod].requests);
    }
    o.node_capacity = pool.shape.capacity;
    if (pool.shape.price_micro_usd_per_hour) {
      o.node_price_per_hour = static_cast<double>(*pool.shape.price_micro_usd_per_hour) / 1e6;
    }
    options.push_back(std::move(o));
    candidates.push_back(std::move(c));
  }

  // Pod groups no option helps.
  std::vector<bool> helped(groups.size(), false);
  for (const Candidate& c : candidates) {
    for (const EstimatedPod& e : c.estimate.scheduled) helped[c.groups[e.group]] = true;
  }
  for (size_t g = 0; g < groups.size(); ++g) {
    if (helped[g]) continue;
    std::vector<std::string> parts;
    for (const auto& [why, count] : reasons[g]) parts.push_back(fmt::format("{} {}", count, why));
    std::sort(parts.begin(), parts.end());
    const std::string message =
        fmt::format("pod didn't trigger scale-up: {}", fmt::join(parts, ", "));
    const SimPod& ex = *group_pods[g][0];
    const std::string group_key = ex.owner_kind + "/" + ex.owner_name + "/" + ex.tmpl->hash;
    auto [it, inserted] = not_triggered_.try_emplace(group_key, message);
    if (!inserted && it->second == message) continue;
    it->second = message;
    w_.recorder.event(now, "NotTriggerScaleUp", "Pod/" + w_.store.keys.name(ex.key), message,
                      {{"pods", std::to_string(group_pods[g].size())}});
  }
  if (options.empty()) return false;

  ExpanderConfig expander = cfg.expander;
  expander.cluster_node_count = total;
  const std::optional<size_t> best = best_expansion_option(options, expander, rng_);
  if (!best) return false;
  const Candidate& chosen = candidates[*best];
  const int32_t count = chosen.estimate.node_count;
  SimTime oldest = now;
  for (size_t g : chosen.groups) {
    for (const SimPod* p : group_pods[g]) oldest = std::min(oldest, p->pending_since);
  }
  // --balance-similar-node-groups (orchestrator.go ComputeSimilarNodeGroups, then
  // BalanceScaleUpBetweenGroups): the chosen option's nodes are spread over the groups whose
  // template is similar and that can take every pod group the chosen one takes.
  std::vector<GroupScaleUp> plan;
  std::vector<size_t> plan_pools;
  {
    GroupScaleUp self{w_.cfg.node_pools[chosen.pool].name, pool_size(chosen.pool, true),
                      *w_.cfg.node_pools[chosen.pool].max, 0};
    std::vector<GroupScaleUp> set = {self};
    std::vector<size_t> set_pools = {chosen.pool};
    if (cfg.balance_similar_node_groups) {
      auto requested = [&](const Node& node) {
        Resources r;
        for (const PodInfo& ds : daemon_pods(node)) {
          r += ds.requests;
          r.pods += 1;
        }
        return r;
      };
      const Node best_node = make_pool_node(w_.cfg.node_pools[chosen.pool], 0);
      const Resources best_req = requested(best_node);
      for (const Candidate& c : candidates) {
        if (c.pool == chosen.pool) continue;
        const bool covers = std::all_of(chosen.groups.begin(), chosen.groups.end(), [&](size_t g) {
          return std::find(c.groups.begin(), c.groups.end(), g) != c.groups.end();
        });
        const Node other = make_pool_node(w_.cfg.node_pools[c.pool], 0);
        if (!covers || !similar_node_groups(best_node, best_req, other, requested(other))) continue;
        set.push_back(GroupScaleUp{w_.cfg.node_pools[c.pool].name, pool_size(c.pool, true),
                                   *w_.cfg.node_pools[c.pool].max, 0});
        set_pools.push_back(c.pool);
      }
    }
    for (const GroupScaleUp& g : balance_scale_up(set, count)) {
      plan.push_back(g);
      for (size_t i = 0; i < set.size(); ++i) {
        if (set[i].group == g.group) plan_pools.push_back(set_pools[i]);
      }
    }
  }
  std::vector<std::string> considered;
  for (const ExpansionOption& o : options) {
    considered.push_back(fmt::format("{}: {} nodes", o.node_group, o.node_count));
  }
  std::vector<std::string> balanced;
  for (const GroupScaleUp& g : plan) balanced.push_back(g.group);
  for (size_t k = 0; k < plan.size(); ++k) {
    const size_t pi = plan_pools[k];
    const NodePool& pool = w_.cfg.node_pools[pi];
    const int32_t from = plan[k].current;
    const int32_t added = plan[k].new_size - plan[k].current;
    for (int32_t i = 0; i < added; ++i) {
      const uint64_t id = next_upcoming_++;
      upcoming_[id] = Upcoming{pi, next_index_[pi]++, now, oldest};
      const bool fails = pool.provisioning > cfg.max_node_provision_time;
      const SimTime at = now + (fails ? cfg.max_node_provision_time : pool.provisioning);
      w_.events.push(at.ms(), SimEvent{EventKind::kAutoscaler, fails ? 2u : 1u, id});
    }
    w_.recorder.event(
        now, "ScaledUpGroup", "NodePool/" + pool.name,
        fmt::format("Scale-up: setting group {} size to {} instead of {} (max: {}); expander {} "
                    "chose it from [{}]: {} new nodes for {} pending pods{}",
                    pool.name, from + added, from, *pool.max, expander_name(cfg.expander),
                    fmt::join(considered, ", "), added, chosen.estimate.scheduled.size(),
                    plan.size() > 1 ? fmt::format("; {} nodes balanced over similar groups [{}]",
                                                  count, fmt::join(balanced, ", "))
                                    : std::string()),
        {{"group", pool.name},
         {"from", std::to_string(from)},
         {"to", std::to_string(from + added)},
         {"max", std::to_string(*pool.max)},
         {"pods", std::to_string(chosen.estimate.scheduled.size())}});
  }
  std::vector<std::string> increases;
  for (const GroupScaleUp& g : plan) {
    increases.push_back(
        fmt::format("{{{} {}->{} (max: {})}}", g.group, g.current, g.new_size, g.max));
  }
  for (size_t g : chosen.groups) {
    const SimPod& ex = *group_pods[g][0];
    w_.recorder.event(now, "TriggeredScaleUp", "Pod/" + w_.store.keys.name(ex.key),
                      fmt::format("pod triggered scale-up: [{}]", fmt::join(increases, " ")));
    not_triggered_.erase(ex.owner_kind + "/" + ex.owner_name + "/" + ex.tmpl->hash);
  }
  last_scale_up_ = now;
  return true;
}

void ClusterAutoscaler::node_provisioned(uint64_t id, bool failed) {
  auto it = upcoming_.find(id);
  if (it == upcoming_.end()) return;
  const Upcoming u = it->second;
  upcoming_.erase(it);
  const NodePool& pool = w_.cfg.node_pools[u.pool];
  if (failed) {
    backoff_until_[u.pool] = w_.now + kInitialNodeGroupBackoff;
    w_.recorder.event(
        w_.now, "FailedToScaleUpGroup", "NodePool/" + pool.name,
        fmt::format("node {}-{} did not register within max-node-provision-time {} "
                    "(nodeProvisioning {}); group backs off for {}",
                    pool.name, u.index, format_duration(w_.cfg.autoscaler.max_node_provision_time),
                    format_duration(pool.provisioning), format_duration(kInitialNodeGroupBackoff)));
    return;
  }
  SimNode& n =
      w_.add_node(make_pool_node(pool, u.index), pool.shape.price_micro_usd_per_hour.value_or(0));
  w_.recorder.autoscaled_node_ready(pool.name, w_.now - u.oldest_pending);
  w_.recorder.event(w_.now, "NodeAdded", "Node/" + n.node.metadata.name,
                    fmt::format("added to pool {} by the cluster autoscaler; Ready {} after the "
                                "scale-up",
                                pool.name, format_duration(w_.now - u.requested)),
                    {{"pool", pool.name}});
  w_.store.changed(Kind::kNode, n.key);
}

// ---------------------------------------------------------------- scale-down

void ClusterAutoscaler::remove_drained_nodes() { remove_drained_nodes_of(w_, deleting_); }

void ClusterAutoscaler::find_unneeded() {
  const ClusterAutoscalerConfig& cfg = w_.cfg.autoscaler;
  const SimTime now = w_.now;
  unneeded_.clear();
  unneeded_now_why_.clear();
  std::vector<RemainingPdb> pdbs;
  for (const PodDisruptionBudget& pdb : w_.store.pdbs) {
    pdbs.push_back(RemainingPdb{pdb.metadata.name, pdb.metadata.ns, pdb.selector,
                                disruptions_allowed(w_, pdb)});
  }
  DrainOptions drain;
  drain.skip_nodes_with_local_storage = cfg.skip_nodes_with_local_storage;
  drain.skip_nodes_with_system_pods = cfg.skip_nodes_with_system_pods;

  // Which nodes are unneeded now, with the pods each would move.
  std::optional<ClusterSnapshot> sim;
  // Nodes that received pods moved off an earlier unneeded node in this simulation: they are
  // needed for those pods (upstream: the moved pods count on them, which keeps them above
  // the threshold or makes their own drain fail).
  std::set<NodeId> destinations;
  for (auto& [name, n] : w_.store.nodes) {
    if (deleting_.count(name) || n.unschedulable || !n.ready || destinations.count(n.snap)) {
      continue;
    }
    // Not a structured binding in the lambda: clang before 16 cannot capture one.
    const std::string& node_pool = n.pool;
    auto pool_it = std::find_if(w_.cfg.node_pools.begin(), w_.cfg.node_pools.end(),
                                [&](const NodePool& p) { return p.name == node_pool; });
    if (pool_it == w_.cfg.node_pools.end() || !pool_it->max) continue;
    std::vector<AutoscalerPod> pods;
    std::vector<KeyId> keys;
    for (KeyId pk : n.pods) {
      if (const SimPod* p = w_.store.pod(pk)) {
        pods.push_back(autoscaler_pod(*p));
        keys.push_back(pk);
      }
    }
    const std::optional<UtilizationInfo> util =
        node_utilization(n.allocatable, pods, UtilizationOptions{}, now);
    if (!util || util->utilization > cfg.scale_down_utilization_threshold) continue;
    const PodsToMove move = pods_to_move(pods, pdbs, drain, now);
    if (move.blocking_pod) continue;
    // Every pod to move must fit another node (cumulatively with earlier unneeded nodes).
    if (!sim) sim.emplace(w_.store.snapshot);
    sim->set_unschedulable(n.snap, true);
    std::vector<PodId> added;
    std::vector<NodeId> moved_to;
    bool all = true;
    for (size_t i : move.pods) {
      const SimPod* p = w_.store.pod(keys[i]);
      if (p->terminating()) continue;
      const PodInfo info = unbound(p->info);
      const std::optional<FirstFit> to = place_first_fit(info, *sim, w_.cfg.scheduler, n.snap);
      if (!to) {
        all = false;
        break;
      }
      added.push_back(to->pod);
      moved_to.push_back(to->node);
    }
    if (!all) {
      for (PodId id : added) sim->remove_pod(id);
      sim->set_unschedulable(n.snap, false);
      continue;
    }
    destinations.insert(moved_to.begin(), moved_to.end());
    std::vector<KeyId> to_move;
    for (size_t i : move.pods) to_move.push_back(keys[i]);
    unneeded_[name] = std::move(to_move);
    unneeded_now_why_[name] =
        fmt::format("{} utilization {:.3f}", util->resource_name, util->utilization);
  }
}

void ClusterAutoscaler::scale_down(bool scaled_up) {
  const ClusterAutoscalerConfig& cfg = w_.cfg.autoscaler;
  const SimTime now = w_.now;
  // The unneeded nodes are a function of the store: recomputed only when a pod, node or
  // workload changed since the last scan.
  if (dirty_) {
    find_unneeded();
    dirty_ = false;
  }
  const std::map<std::string, std::vector<KeyId>>& unneeded = unneeded_;
  const std::map<std::string, std::string>& why = unneeded_now_why_;
  for (auto it = unneeded_since_.begin(); it != unneeded_since_.end();) {
    it = unneeded.count(it->first) ? std::next(it) : unneeded_since_.erase(it);
  }
  for (const auto& [name, pods] : unneeded) {
    unneeded_since_.try_emplace(name, now);
    unneeded_why_[name] = why.at(name);
  }

  if (scaled_up) return;
  if (last_scale_up_ && now < *last_scale_up_ + cfg.scale_down_delay_after_add) return;
  bool drain_in_progress = false;
  for (const std::string& name : deleting_) {
    const SimNode& n = w_.store.nodes.at(name);
    for (KeyId pk : n.pods) {
      const SimPod* p = w_.store.pod(pk);
      if (p != nullptr && p->owner_kind != "DaemonSet" && !p->terminal()) drain_in_progress = true;
    }
  }
  for (const auto& [name, pods] : unneeded) {
    const SimTime since = unneeded_since_.at(name);
    if (!(since + cfg.scale_down_unneeded_time < now)) continue;
    SimNode& n = w_.store.nodes.at(name);
    size_t pi = 0;
    while (w_.cfg.node_pools[pi].name != n.pool) ++pi;
    const NodePool& pool = w_.cfg.node_pools[pi];
    if (pool_size(pi, false) <= pool.min.value_or(0)) continue;
    const bool empty = pods.empty();
    if (!empty && drain_in_progress) continue;
    if (!empty) drain_in_progress = true;
    deleting_.insert(name);
    unneeded_since_.erase(name);
    w_.recorder.event(
        now, "ScaleDown", "Node/" + name,
        fmt::format("node removal by the cluster autoscaler: unneeded since {} ({} "
                    "<= {}); {} pods to move; group {} size {} -> {} (min: {})",
                    format_duration(since - SimTime{}), unneeded_why_[name],
                    cfg.scale_down_utilization_threshold, pods.size(), pool.name,
                    pool_size(pi, false) + 1, pool_size(pi, false), pool.min.value_or(0)),
        {{"pool", pool.name}, {"pods", std::to_string(pods.size())}});
    // Taint, then evict (actuation/actuator.go, drain.go).
    start_node_removal(w_, n, kToBeDeleted, pods, "ScaleDown",
                       fmt::format("deleting pod for node scale down of {}", name));
  }
}

}  // namespace simcluster
