// A Karpenter-style node provisioner (cluster.autoscaler: {kind: karpenter}). A model of
// kubernetes-sigs/karpenter, not its code; where it differs is listed below and in
// scenarios/README.md ("Karpenter").
//
// Provisioning (pkg/controllers/provisioning):
//  * batcher.go: a pod that fails scheduling opens a batch, or extends the open one; the batch
//    closes once no pod has failed for batchIdleDuration, or batchMaxDuration after it opened.
//  * scheduling/scheduler.go Solve: the pending pods, largest first (CPU, then memory:
//    byCPUAndMemoryDescending), are placed on existing and in-flight nodes first (the
//    scheduler's Filters), then added to a new NodeClaim of this batch whose remaining
//    instance types can still hold all its pods, then a new NodeClaim is opened on the NodePool
//    of highest weight whose offerings fit the pod (requirements: nodeSelector, affinity and
//    taints checked by the Filters on a template node of each offering with its DaemonSet
//    pods) within the NodePool's limits.
//  * Each NodeClaim launches the cheapest of its remaining offerings (the cloud provider's
//    lowest-price / price-capacity-optimized choice, with a fixed price per offering). The node
//    is Ready after the offering's nodeProvisioning delay.
// Disruption (pkg/controllers/disruption, polled every 10 s):
//  * A node is a candidate once its pods have not changed for consolidateAfter
//    (the Consolidatable condition, from lastPodEventTime).
//  * emptiness.go: candidates without reschedulable pods (DaemonSet pods aside) are deleted,
//    within the NodePool's disruption budget (nodes: 10% by default, rounded up, minus the
//    nodes already being disrupted).
//  * WhenEmptyOrUnderutilized only, singlenodeconsolidation.go: candidates in order of
//    disruption cost (fewest pods first, then the most expensive), the first whose pods can
//    all be evicted (PodDisruptionBudgets, karpenter.sh/do-not-disrupt, the drain rules) and
//    either fit the other nodes (delete) or fit one new node of a cheaper offering (replace:
//    the replacement is launched first, the node drained once it is Ready). Spot nodes are
//    only deleted, never replaced (SpotToSpotConsolidation is off by default).
//  * Disrupted nodes are tainted karpenter.sh/disrupted:NoSchedule, their pods evicted and
//    the node removed once they are gone (DaemonSet pods go with it).
// Offerings are per instance type, capacity type and zone: a NodeClaim launches in a zone its
// pods allow; among equally cheap zones, the one with the fewest of the NodePool's nodes.
// Not modelled: multi-node consolidation, the 15 s validation wait before a command runs,
// drift and expiration, spot interruptions and insufficient-capacity errors, topology and
// inter-pod (anti-)affinity between the pods of one new NodeClaim (they are checked against
// existing pods only), budget schedules and reasons, minValues, the 60-type truncation.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <tuple>

#include "sim/controllers.h"

namespace simcluster {

namespace {

const Taint kDisrupted{"karpenter.sh/disrupted", "", "NoSchedule"};

bool fits_within(const Resources& used, const Resources& alloc) {
  return used.cpu_milli <= alloc.cpu_milli && used.memory <= alloc.memory &&
         used.pods <= alloc.pods && used.ephemeral_storage <= alloc.ephemeral_storage;
}

std::string usd(int64_t micro) {
  return fmt::format("${:.4f}/h", static_cast<double>(micro) / 1e6);
}

}  // namespace

Karpenter::Karpenter(World& w) : w_(w), next_index_(w.cfg.node_pools.size(), 0) {
  for (Kind k :
       {Kind::kPod, Kind::kNode, Kind::kDeployment, Kind::kStatefulSet, Kind::kReplicaSet}) {
    w.store.watch(k, this);
  }
  // Templates of every offering on an empty scratch snapshot, with their DaemonSet pods.
  for (size_t i = 0; i < w.cfg.node_pools.size(); ++i) {
    next_index_[i] = w.cfg.node_pools[i].count;
  }
  for (size_t np = 0; np < w.cfg.karpenter.node_pools.size(); ++np) {
    for (const KarpenterOffering& o : w.cfg.karpenter.node_pools[np].offerings) {
      // The offerings index SimulationConfig::node_pools: a caller that replaced the pools
      // must drop the Karpenter config with them (the planner and the steady warm-up do).
      if (o.pool >= w.cfg.node_pools.size()) {
        throw std::logic_error(fmt::format(
            "Karpenter NodePool {} refers to node pool #{} of {}: the pools were replaced",
            w.cfg.karpenter.node_pools[np].name, o.pool, w.cfg.node_pools.size()));
      }
      const NodePool& pool = w.cfg.node_pools[o.pool];
      // One offering per zone the NodePool allows (Karpenter's offerings are per instance
      // type, capacity type and zone); "" when it names no zone.
      std::vector<std::string> zones = pool.zones;
      if (zones.empty()) zones.emplace_back();
      for (size_t z = 0; z < zones.size(); ++z) {
        Offering off;
        off.np = np;
        off.pool = o.pool;
        off.zone = zones[z];
        off.zone_index = z;
        Node node = node_of(off, 0);
        node.metadata.name = fmt::format("{}-template-{}", pool.name, z);
        off.node = scratch_.add_node(node);
        off.allocatable = allocatable(pool.shape);
        for (const PodInfo& ds : daemon_pods_for(w, node)) {
          scratch_.add_pod(ds, off.node);
          off.overhead += ds.requests;
          off.overhead.pods += 1;
        }
        off.price = pool.shape.price_micro_usd_per_hour.value_or(0);
        off.label = o.instance_type + (o.spot ? " spot" : " on-demand") +
                    (off.zone.empty() ? "" : " " + off.zone);
        offerings_.push_back(std::move(off));
      }
    }
  }
}

Node Karpenter::node_of(const Offering& o, int32_t index) const {
  Node n = make_pool_node(w_.cfg.node_pools[o.pool], index);
  if (!o.zone.empty()) n.metadata.labels[std::string(kLabelZone)] = o.zone;
  return n;
}

int32_t Karpenter::nodes_in_zone(size_t np, const std::string& zone) const {
  int32_t n = 0;
  for (const auto& [name, node] : w_.store.nodes) {
    if (nodepool_of(node.pool) == static_cast<int32_t>(np) && node.zone == zone) ++n;
  }
  for (const auto& [id, c] : inflight_) {
    if (offerings_[c.offering].np == np && offerings_[c.offering].zone == zone) ++n;
  }
  return n;
}

// Cheapest first; among equal prices the zone with the fewest of the NodePool's nodes, then
// the zones' order, then the pool's name.
bool Karpenter::cheaper(size_t a, size_t b) const {
  const Offering& x = offerings_[a];
  const Offering& y = offerings_[b];
  if (x.price != y.price) return x.price < y.price;
  const std::string& xn = w_.cfg.node_pools[x.pool].name;
  const std::string& yn = w_.cfg.node_pools[y.pool].name;
  if (xn != yn) return xn < yn;
  const int32_t xz = nodes_in_zone(x.np, x.zone), yz = nodes_in_zone(y.np, y.zone);
  if (xz != yz) return xz < yz;
  return x.zone_index < y.zone_index;
}

void Karpenter::fire(uint32_t a, uint64_t b) {
  switch (a) {
    case 0:
      disrupt();
      w_.events.push((w_.now + w_.cfg.karpenter.disruption_poll).ms(),
                     SimEvent{EventKind::kKarpenter, 0, 0});
      break;
    case 1:
      batch_queued_ = false;
      if (!batch_open_) break;
      if (w_.now >= last_trigger_ + w_.cfg.karpenter.batch_idle_duration ||
          w_.now >= batch_opened_ + w_.cfg.karpenter.batch_max_duration) {
        batch_open_ = false;
        provision();
      } else {
        queue_batch_check();
      }
      break;
    default:
      node_ready(b);
      break;
  }
}

void Karpenter::pod_unschedulable() {
  if (!batch_open_) {
    batch_open_ = true;
    batch_opened_ = w_.now;
  }
  last_trigger_ = w_.now;
  if (!batch_queued_) queue_batch_check();
}

void Karpenter::queue_batch_check() {
  const KarpenterConfig& c = w_.cfg.karpenter;
  const SimTime at =
      std::min(last_trigger_ + c.batch_idle_duration, batch_opened_ + c.batch_max_duration);
  w_.events.push(std::max(at, w_.now).ms(), SimEvent{EventKind::kKarpenter, 1, 0});
  batch_queued_ = true;
}

int32_t Karpenter::nodepool_of(const std::string& pool) const {
  for (const Offering& o : offerings_) {
    if (w_.cfg.node_pools[o.pool].name == pool) return static_cast<int32_t>(o.np);
  }
  return -1;
}

Resources Karpenter::nodepool_capacity(size_t np, int64_t* nodes) const {
  Resources used;
  int64_t count = 0;
  for (const auto& [name, n] : w_.store.nodes) {
    if (nodepool_of(n.pool) != static_cast<int32_t>(np)) continue;
    for (const Offering& o : offerings_) {
      if (w_.cfg.node_pools[o.pool].name == n.pool) {
        used += w_.cfg.node_pools[o.pool].shape.capacity;
        ++count;
        break;
      }
    }
  }
  for (const auto& [id, c] : inflight_) {
    if (offerings_[c.offering].np == np) {
      used += w_.cfg.node_pools[offerings_[c.offering].pool].shape.capacity;
      ++count;
    }
  }
  if (nodes != nullptr) *nodes = count;
  return used;
}

bool Karpenter::within_limits(size_t np, const Resources& used, int64_t nodes,
                              size_t offering) const {
  if (nodes + 1 > kMaxNodesPerPool) return false;
  const KarpenterNodePool& p = w_.cfg.karpenter.node_pools[np];
  const Resources& cap = w_.cfg.node_pools[offerings_[offering].pool].shape.capacity;
  if (p.limit_cpu_milli && used.cpu_milli + cap.cpu_milli > *p.limit_cpu_milli) return false;
  if (p.limit_memory && used.memory + cap.memory > *p.limit_memory) return false;
  return true;
}

// ---------------------------------------------------------------- provisioning

void Karpenter::provision() {
  std::vector<SimPod*> pending;
  for (auto& [name, p] : w_.store.pods) {
    if (p.bound() || p.terminating() || !p.unschedulable || p.owner_kind == "DaemonSet") continue;
    pending.push_back(&p);
  }
  if (pending.empty()) return;
  std::stable_sort(pending.begin(), pending.end(), [](const SimPod* a, const SimPod* b) {
    return std::tie(b->info.requests.cpu_milli, b->info.requests.memory) <
           std::tie(a->info.requests.cpu_milli, a->info.requests.memory);
  });

  // Existing nodes and the in-flight ones (as templates with their DaemonSet pods).
  ClusterSnapshot sim = w_.store.snapshot;
  for (const auto& [id, c] : inflight_) {
    const Node node = node_of(offerings_[c.offering], c.index);
    const NodeId nid = sim.add_node(node);
    for (const PodInfo& ds : daemon_pods_for(w_, node)) sim.add_pod(ds, nid);
  }
  struct NewClaim {
    size_t np = 0;
    std::vector<size_t> options;  // into offerings_, still able to hold every pod
    Resources used;               // the pods' requests (pods counted)
    int32_t pods = 0;
    SimTime oldest_pending;  // the oldest of its pods turned Pending then
  };
  std::vector<NewClaim> claims;
  std::vector<Resources> np_used(w_.cfg.karpenter.node_pools.size());
  std::vector<int64_t> np_nodes(np_used.size(), 0);
  for (size_t np = 0; np < np_used.size(); ++np) np_used[np] = nodepool_capacity(np, &np_nodes[np]);
  std::vector<size_t> np_order(np_used.size());
  for (size_t i = 0; i < np_order.size(); ++i) np_order[i] = i;
  std::stable_sort(np_order.begin(), np_order.end(), [&](size_t a, size_t b) {
    return w_.cfg.karpenter.node_pools[a].weight > w_.cfg.karpenter.node_pools[b].weight;
  });
  auto compatible = [&](const SimPod& p, size_t o) {
    return run_filters(p.info, scratch_, offerings_[o].node, w_.cfg.scheduler).ok();
  };
  auto holds = [&](size_t o, const Resources& used) {
    Resources total = used;
    total += offerings_[o].overhead;
    total.pods = used.pods + offerings_[o].overhead.pods;
    return fits_within(total, offerings_[o].allocatable);
  };
  std::map<std::string, std::string> failed;  // owner -> message (this batch)
  for (SimPod* p : pending) {
    if (place_first_fit(p->info, sim, w_.cfg.scheduler)) continue;
    bool placed = false;
    Resources req = p->info.requests;
    req.pods = 1;
    for (NewClaim& c : claims) {
      Resources used = c.used;
      used += req;
      used.pods = c.used.pods + 1;
      std::vector<size_t> left;
      for (size_t o : c.options) {
        if (holds(o, used) && compatible(*p, o)) left.push_back(o);
      }
      if (left.empty()) continue;
      c.options = std::move(left);
      c.used = used;
      ++c.pods;
      c.oldest_pending = std::min(c.oldest_pending, p->pending_since);
      placed = true;
      break;
    }
    if (placed) continue;
    std::vector<std::string> why;
    for (size_t np : np_order) {
      NewClaim c;
      c.np = np;
      c.used = req;
      c.pods = 1;
      c.oldest_pending = p->pending_since;
      bool limited = false;
      for (size_t o = 0; o < offerings_.size(); ++o) {
        if (offerings_[o].np != np || !holds(o, req) || !compatible(*p, o)) continue;
        if (!within_limits(np, np_used[np], np_nodes[np], o)) {
          limited = true;
          continue;
        }
        c.options.push_back(o);
      }
      if (!c.options.empty()) {
        claims.push_back(std::move(c));
        placed = true;
        break;
      }
      why.push_back(
          fmt::format("incompatible with nodepool \"{}\"{}", w_.cfg.karpenter.node_pools[np].name,
                      limited ? ", all available instance types exceed limits for nodepool"
                              : ", no instance type satisfied resources and requirements"));
    }
    if (!placed) {
      failed.try_emplace(p->owner_kind + "/" + p->owner_name + "/" + p->tmpl->hash,
                         fmt::format("Failed to schedule pod, {}", fmt::join(why, "; ")));
      if (!failed_example_.count(p->owner_kind + "/" + p->owner_name + "/" + p->tmpl->hash)) {
        failed_example_[p->owner_kind + "/" + p->owner_name + "/" + p->tmpl->hash] =
            w_.store.keys.name(p->key);
      }
    }
  }
  for (const auto& [group, message] : failed) {
    auto [it, inserted] = not_provisioned_.try_emplace(group, message);
    if (!inserted && it->second == message) continue;
    it->second = message;
    w_.recorder.event(w_.now, "FailedProvisioning", "Pod/" + failed_example_[group], message);
  }

  // Launch: each claim takes its cheapest remaining offering within the limits.
  for (const NewClaim& c : claims) {
    std::vector<size_t> options = c.options;
    std::stable_sort(options.begin(), options.end(),
                     [&](size_t a, size_t b) { return cheaper(a, b); });
    std::optional<size_t> pick;
    for (size_t o : options) {
      if (within_limits(c.np, np_used[c.np], np_nodes[c.np], o)) {
        pick = o;
        break;
      }
    }
    if (!pick) continue;  // the limits were used up by earlier claims of this batch
    np_used[c.np] += w_.cfg.node_pools[offerings_[*pick].pool].shape.capacity;
    ++np_nodes[c.np];
    std::vector<std::string> shown;
    for (size_t i = 0; i < options.size() && i < 4; ++i) {
      shown.push_back(
          fmt::format("{} {}", offerings_[options[i]].label, usd(offerings_[options[i]].price)));
    }
    if (options.size() > 4) shown.push_back(fmt::format("and {} more", options.size() - 4));
    launch(*pick,
           fmt::format("for {} pending pods ({}m cpu, {}Mi memory requested); cheapest of "
                       "{} compatible offerings: {}",
                       c.pods, c.used.cpu_milli, c.used.memory / (1024 * 1024), options.size(),
                       fmt::join(shown, ", ")),
           std::nullopt, c.oldest_pending);
  }
}

void Karpenter::launch(size_t offering, const std::string& why, std::optional<std::string> replaces,
                       SimTime oldest_pending) {
  const Offering& o = offerings_[offering];
  const NodePool& pool = w_.cfg.node_pools[o.pool];
  const uint64_t id = next_claim_++;
  Claim c{offering, next_index_[o.pool]++, w_.now, std::move(replaces), oldest_pending};
  const std::string node_name = fmt::format("{}-{}", pool.name, c.index);
  w_.recorder.event(w_.now, "NodeClaimLaunched",
                    "NodePool/" + w_.cfg.karpenter.node_pools[o.np].name,
                    fmt::format("launched {} ({}) {}", node_name, usd(o.price), why),
                    {{"pool", pool.name}, {"node", node_name}});
  inflight_.emplace(id, std::move(c));
  w_.events.push((w_.now + pool.provisioning).ms(), SimEvent{EventKind::kKarpenter, 2, id});
}

void Karpenter::node_ready(uint64_t id) {
  auto it = inflight_.find(id);
  if (it == inflight_.end()) return;
  const Claim c = it->second;
  inflight_.erase(it);
  const NodePool& pool = w_.cfg.node_pools[offerings_[c.offering].pool];
  SimNode& n = w_.add_node(node_of(offerings_[c.offering], c.index), offerings_[c.offering].price);
  // A replacement was launched for no Pending pod: no wait to report.
  if (!c.replaces) w_.recorder.autoscaled_node_ready(pool.name, w_.now - c.oldest_pending);
  w_.recorder.event(w_.now, "NodeAdded", "Node/" + n.node.metadata.name,
                    fmt::format("added to pool {} by Karpenter; Ready {} after the launch",
                                pool.name, format_duration(w_.now - c.launched)),
                    {{"pool", pool.name}});
  w_.store.changed(Kind::kNode, n.key);
  if (c.replaces) {
    auto victim = w_.store.nodes.find(*c.replaces);
    if (victim != w_.store.nodes.end() && !deleting_.count(*c.replaces)) {
      disrupt_node(victim->second, "Underutilized", "Replace",
                   fmt::format("replaced by {}", n.node.metadata.name));
    }
    replacing_.erase(*c.replaces);
  }
}

// ---------------------------------------------------------------- disruption

std::vector<KeyId> Karpenter::reschedulable(const SimNode& n) const {
  std::vector<KeyId> out;
  for (KeyId pk : n.pods) {
    const SimPod* p = w_.store.pod(pk);
    if (p == nullptr || p->owner_kind == "DaemonSet" || p->terminal() || p->terminating()) {
      continue;
    }
    out.push_back(pk);
  }
  return out;
}

void Karpenter::disrupt_node(SimNode& n, const std::string& reason, const std::string& decision,
                             const std::string& detail) {
  const std::string name = n.node.metadata.name;
  const std::vector<KeyId> pods = reschedulable(n);
  const int32_t np = nodepool_of(n.pool);
  w_.recorder.event(
      w_.now, "DisruptionTerminating", "Node/" + name,
      fmt::format("Disrupting Node: {}/{} ({}); {} pods to move; last pod event at {}", reason,
                  decision, detail, pods.size(),
                  format_duration(last_pod_event_[name] - SimTime{})),
      {{"pool", n.pool},
       {"reason", reason},
       {"nodepool", np >= 0 ? w_.cfg.karpenter.node_pools[np].name : ""}});
  deleting_.insert(name);
  start_node_removal(w_, n, kDisrupted, pods, reason,
                     fmt::format("evicting pod for Karpenter disruption of {} ({})", name, reason));
}

void Karpenter::disrupt() {
  remove_drained_nodes_of(w_, deleting_);
  const SimTime now = w_.now;
  // lastPodEventTime, at the polling resolution: a node whose running pods changed since the
  // last poll (a pod bound, deleted or finished) had a pod event now.
  for (auto& [name, n] : w_.store.nodes) {
    std::set<KeyId> running;
    for (KeyId pk : n.pods) {
      const SimPod* p = w_.store.pod(pk);
      if (p != nullptr && !p->terminal() && !p->terminating()) running.insert(pk);
    }
    auto [it, inserted] = pods_seen_.try_emplace(name, running);
    if (inserted) {
      last_pod_event_[name] = now;
    } else if (it->second != running) {
      it->second = std::move(running);
      last_pod_event_[name] = now;
    }
  }
  for (auto it = pods_seen_.begin(); it != pods_seen_.end();) {
    if (w_.store.nodes.count(it->first)) {
      ++it;
    } else {
      last_pod_event_.erase(it->first);
      it = pods_seen_.erase(it);
    }
  }
  if (!replacing_.empty()) return;  // a replacement is on its way

  const KarpenterConfig& cfg = w_.cfg.karpenter;
  std::vector<std::string> all_candidates;
  std::vector<std::vector<SimNode*>> consolidation(cfg.node_pools.size());
  for (size_t np = 0; np < cfg.node_pools.size(); ++np) {
    const KarpenterNodePool& p = cfg.node_pools[np];
    int32_t total = 0, disrupting = 0;
    std::vector<SimNode*> candidates;
    for (auto& [name, n] : w_.store.nodes) {
      if (nodepool_of(n.pool) != static_cast<int32_t>(np)) continue;
      ++total;
      if (deleting_.count(name)) {
        ++disrupting;
        continue;
      }
      if (!n.ready || n.unschedulable) continue;
      if (now - last_pod_event_[name] < p.consolidate_after) continue;
      candidates.push_back(&n);
    }
    // Budgets: nodes "N%" of the NodePool's nodes, rounded up (intstr scaled value).
    int32_t allowed =
        static_cast<int32_t>((int64_t{total} * p.budget_nodes_percent + 99) / 100) - disrupting;
    // Emptiness.
    for (SimNode* n : candidates) {
      if (allowed <= 0) break;
      if (!reschedulable(*n).empty()) continue;
      disrupt_node(*n, "Empty", "Delete", "no pods to move");
      --allowed;
    }
    if (!p.consolidate_underutilized || allowed <= 0) continue;
    // Single-node consolidation, cheapest disruption first.
    std::vector<SimNode*> order;
    for (SimNode* n : candidates) {
      if (!deleting_.count(n->node.metadata.name)) order.push_back(n);
    }
    std::stable_sort(order.begin(), order.end(), [&](const SimNode* a, const SimNode* b) {
      return std::make_tuple(reschedulable(*a).size(), -a->price_micro_usd_per_hour,
                             a->node.metadata.name) < std::make_tuple(reschedulable(*b).size(),
                                                                      -b->price_micro_usd_per_hour,
                                                                      b->node.metadata.name);
    });
    for (const SimNode* n : order) all_candidates.push_back(n->node.metadata.name);
    consolidation[np] = std::move(order);
  }
  if (!dirty_ && all_candidates == last_candidates_) return;
  for (const std::vector<SimNode*>& order : consolidation) {
    if (consolidate_one(order)) return;  // one command per poll
  }
  dirty_ = false;
  last_candidates_ = std::move(all_candidates);
}

bool Karpenter::consolidate_one(const std::vector<SimNode*>& order) {
  std::vector<RemainingPdb> pdbs;
  for (const PodDisruptionBudget& pdb : w_.store.pdbs) {
    pdbs.push_back(RemainingPdb{pdb.metadata.name, pdb.metadata.ns, pdb.selector,
                                disruptions_allowed(w_, pdb)});
  }
  DrainOptions drain;
  drain.skip_nodes_with_local_storage = false;  // Karpenter drains local storage
  drain.skip_nodes_with_system_pods = false;
  for (SimNode* n : order) {
    std::vector<AutoscalerPod> pods;
    std::vector<KeyId> keys;
    bool do_not_disrupt = false;
    for (KeyId pk : n->pods) {
      const SimPod* p = w_.store.pod(pk);
      if (p == nullptr) continue;
      auto ann = p->pod.metadata.annotations.find("karpenter.sh/do-not-disrupt");
      if (ann != p->pod.metadata.annotations.end() && ann->second == "true" && !p->terminal()) {
        do_not_disrupt = true;
      }
      AutoscalerPod a = make_autoscaler_pod(p->pod);
      a.phase = p->phase == PodPhase::kPending     ? "Pending"
                : p->phase == PodPhase::kSucceeded ? "Succeeded"
                : p->phase == PodPhase::kFailed    ? "Failed"
                                                   : "Running";
      a.deletion_time = p->deletion_timestamp;
      pods.push_back(std::move(a));
      keys.push_back(pk);
    }
    if (do_not_disrupt) continue;
    const PodsToMove move = pods_to_move(pods, pdbs, drain, w_.now);
    if (move.blocking_pod) continue;
    // Delete: every pod to move fits the other schedulable nodes.
    ClusterSnapshot sim = w_.store.snapshot;
    sim.set_unschedulable(n->snap, true);
    bool all = true;
    Resources need;
    need.pods = 0;
    std::vector<const SimPod*> moving;
    for (size_t i : move.pods) {
      const SimPod* p = w_.store.pod(keys[i]);
      if (p == nullptr || p->terminating()) continue;
      moving.push_back(p);
      need += p->info.requests;
      ++need.pods;
      if (!place_first_fit(unbound(p->info), sim, w_.cfg.scheduler, n->snap)) all = false;
    }
    if (moving.empty()) continue;  // empty nodes are emptiness' business
    if (all) {
      disrupt_node(*n, "Underutilized", "Delete",
                   fmt::format("its {} pods fit on the other nodes", moving.size()));
      return true;
    }
    // Replace: one new node of a cheaper offering holds every pod.
    const bool spot = n->node.metadata.labels.count("karpenter.sh/capacity-type") &&
                      n->node.metadata.labels.at("karpenter.sh/capacity-type") == "spot";
    if (spot) continue;
    const int32_t np = nodepool_of(n->pool);
    std::optional<size_t> best;
    for (size_t o = 0; o < offerings_.size(); ++o) {
      if (static_cast<int32_t>(offerings_[o].np) != np) continue;
      if (offerings_[o].price >= n->price_micro_usd_per_hour) continue;
      Resources total = need;
      total += offerings_[o].overhead;
      total.pods = need.pods + offerings_[o].overhead.pods;
      if (!fits_within(total, offerings_[o].allocatable)) continue;
      bool ok = true;
      for (const SimPod* p : moving) {
        // As a new pod: not bound to the node it leaves.
        if (!run_filters(unbound(p->info), scratch_, offerings_[o].node, w_.cfg.scheduler).ok()) {
          ok = false;
        }
      }
      if (!ok) continue;
      if (!best || cheaper(o, *best)) best = o;
    }
    if (!best) continue;
    // Limits: the replacement is counted while the node still exists.
    int64_t nodes = 0;
    const Resources used = nodepool_capacity(static_cast<size_t>(np), &nodes);
    if (!within_limits(static_cast<size_t>(np), used, nodes, *best)) {
      continue;
    }
    const std::string name = n->node.metadata.name;
    // Candidates are tainted before the replacement launches (no new pods land there).
    n->node.taints.push_back(kDisrupted);
    n->unschedulable = true;
    w_.store.snapshot.update_node(n->snap, n->node);
    w_.store.snapshot.set_unschedulable(n->snap, true);
    w_.store.changed(Kind::kNode, n->key);
    replacing_.insert(name);
    launch(*best,
           fmt::format("to replace {} ({}): its {} pods fit one cheaper node", name,
                       usd(n->price_micro_usd_per_hour), moving.size()),
           name, w_.now);
    return true;
  }
  return false;
}

}  // namespace simcluster
