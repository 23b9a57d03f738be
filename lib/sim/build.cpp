// Building a World from a SimulationConfig: nodes, workloads, Services, HPAs,
// PDBs and the first events. Everything starts at t = 0 as if `kubectl apply`
// had just been run on an empty cluster of Ready nodes.
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "sim/controllers.h"
#include "sim/world.h"
#include "simcluster/api_validation.h"
#include "simcluster/load_model.h"

namespace simcluster {

namespace {

int64_t storage_of(const StatefulSet& s) {
  int64_t total = 0;
  for (const auto& t : s.volume_claim_templates) {
    if (t.storage_request) total += t.storage_request->value();
  }
  return total;
}

// The controller ownerReference of an object (the one with controller: true,
// else the first), or nullptr.
const OwnerReference* controller_of(const ObjectMeta& m) {
  for (const OwnerReference& r : m.owner_references) {
    if (r.controller) return &r;
  }
  return m.owner_references.empty() ? nullptr : &m.owner_references.front();
}

template <typename T>
bool has_object(const std::vector<T>& objects, const std::string& ns, const std::string& name) {
  return std::any_of(objects.begin(), objects.end(),
                     [&](const T& x) { return x.metadata.ns == ns && x.metadata.name == name; });
}

void resolve_timeline(const World& w, SimTimelineEvent& e) {
  const Store& st = w.store;
  if (e.action == TimelineAction::kRollout || e.action == TimelineAction::kScale) {
    const bool scale = e.action == TimelineAction::kScale;
    if (scale && e.replicas < 0) {
      throw InputError(e.source, fmt::format("cannot scale to {} replicas", e.replicas));
    }
    std::vector<std::pair<std::string, std::string>> found;  // (kind, ns)
    auto consider = [&](const std::string& kind, const std::string& ns, const std::string& name) {
      if (name != e.name) return;
      if (!e.kind.empty() && e.kind != kind) return;
      if (!e.ns.empty() && e.ns != ns) return;
      found.emplace_back(kind, ns);
    };
    for (const auto& [k, d] : st.deployments)
      consider("Deployment", d.d.metadata.ns, d.d.metadata.name);
    for (const auto& [k, s] : st.stateful_sets)
      consider("StatefulSet", s.s.metadata.ns, s.s.metadata.name);
    if (!scale) {
      for (const auto& [k, d] : st.daemon_sets)
        consider("DaemonSet", d.ds.metadata.ns, d.ds.metadata.name);
    } else {
      for (const auto& [k, r] : st.replica_sets)
        consider("ReplicaSet", r.rs.metadata.ns, r.rs.metadata.name);
    }
    if (found.empty()) {
      std::vector<std::string> names;
      for (const auto& [k, d] : st.deployments) names.push_back(d.d.metadata.name);
      for (const auto& [k, s] : st.stateful_sets) names.push_back(s.s.metadata.name);
      for (const auto& [k, d] : st.daemon_sets) names.push_back(d.ds.metadata.name);
      std::string hint = closest_match(e.name, names);
      throw InputError(
          e.source,
          fmt::format("{} of unknown workload '{}{}{}'", to_string(e.action),
                      e.kind.empty() ? "" : e.kind + "/", e.ns.empty() ? "" : e.ns + "/", e.name),
          hint.empty() ? "" : fmt::format("did you mean '{}'?", hint));
    }
    if (found.size() > 1) {
      throw InputError(e.source, fmt::format("{} target '{}' is ambiguous ({} workloads "
                                             "have that name); write Kind/namespace/name",
                                             to_string(e.action), e.name, found.size()));
    }
    e.kind = found[0].first;
    e.ns = found[0].second;
    return;
  }
  if (!e.node.empty()) {
    if (!st.nodes.count(e.node)) {
      std::vector<std::string> names;
      for (const auto& [n, node] : st.nodes) names.push_back(n);
      std::string hint = closest_match(e.node, names);
      throw InputError(e.source, fmt::format("unknown node '{}'", e.node),
                       hint.empty() ? "" : fmt::format("did you mean '{}'?", hint));
    }
    return;
  }
  if (!e.zone.empty()) {
    std::vector<std::string> zones;
    for (const auto& [n, node] : st.nodes) {
      if (!node.zone.empty()) zones.push_back(node.zone);
    }
    if (std::find(zones.begin(), zones.end(), e.zone) == zones.end()) {
      std::string hint = closest_match(e.zone, zones);
      throw InputError(e.source, fmt::format("no node is in zone '{}'", e.zone),
                       hint.empty() ? "" : fmt::format("did you mean '{}'?", hint));
    }
    return;
  }
  throw InputError(e.source,
                   fmt::format("timeline action '{}' names no node or zone", to_string(e.action)));
}

}  // namespace

// A ReplicaSet a Deployment of the manifests owns: the Deployment's
// controller makes its own, so it is not simulated twice.
const OwnerReference* deployment_owner(const Manifests& m, const ReplicaSet& r) {
  const OwnerReference* o = controller_of(r.metadata);
  if (o == nullptr || o->kind != "Deployment") return nullptr;
  return has_object(m.deployments, r.metadata.ns, o->name) ? o : nullptr;
}

// The workload ("Kind/ns/name", as World::make_template names it) whose
// controller makes this pod of the manifests, or "" when none does: a bare
// pod, or one whose owner is not in the manifests. Pods of a live cluster's
// dump are owned by ReplicaSets (of Deployments), StatefulSets, DaemonSets
// and Jobs; mirror pods of static pods by their Node ("Node/" + node).
std::string pod_controller(const Manifests& m, const Pod& p) {
  const OwnerReference* o = controller_of(p.metadata);
  if (o == nullptr) return "";
  const std::string& ns = p.metadata.ns;
  const std::string key = object_key(ns, o->name);
  if (o->kind == "ReplicaSet") {
    for (const ReplicaSet& r : m.replica_sets) {
      if (r.metadata.ns != ns || r.metadata.name != o->name) continue;
      if (const OwnerReference* d = deployment_owner(m, r)) {
        return "Deployment/" + object_key(ns, d->name);
      }
      return "ReplicaSet/" + key;
    }
    return "";
  }
  if (o->kind == "StatefulSet" && has_object(m.stateful_sets, ns, o->name)) {
    return "StatefulSet/" + key;
  }
  if (o->kind == "DaemonSet" && has_object(m.daemon_sets, ns, o->name)) return "DaemonSet/" + key;
  if (o->kind == "Job" && has_object(m.jobs, ns, o->name)) return "Job/" + key;
  if (o->kind == "Node") return "Node/" + o->name;  // a mirror pod (kubelet static pod)
  return "";
}

bool World::in_scope(const std::string& ns) const {
  return cfg.namespaces.empty() ||
         std::find(cfg.namespaces.begin(), cfg.namespaces.end(), ns) != cfg.namespaces.end();
}

std::shared_ptr<TemplateInfo> World::make_template(const PodTemplateSpec& tmpl,
                                                   const std::string& workload,
                                                   int32_t workload_index, RolloutFault fault,
                                                   const std::string& revision_label,
                                                   const std::string& revision_prefix) const {
  auto t = std::make_shared<TemplateInfo>();
  t->tmpl = tmpl;
  t->fault = fault;
  t->hash = revision_prefix + template_hash(tmpl, fault);
  if (!revision_label.empty()) t->tmpl.metadata.labels[revision_label] = t->hash;
  const PodSpec& spec = t->tmpl.spec;
  t->requests = pod_requests(spec);
  t->limits = pod_limits(spec);
  // A pod has a CPU (memory) limit only when every container sets one.
  bool all_cpu = !spec.containers.empty(), all_mem = !spec.containers.empty();
  for (const Container& c : spec.containers) {
    all_cpu = all_cpu && c.resources.limits.count("cpu");
    all_mem = all_mem && c.resources.limits.count("memory");
  }
  t->cpu_limit_milli = all_cpu ? t->limits.cpu_milli : 0;
  t->memory_limit = all_mem ? t->limits.memory : 0;
  const Baseline idle = derived_baseline(spec);
  t->idle_cpu_milli = idle.cpu_milli;
  t->idle_memory = idle.memory;
  for (const Container& c : spec.init_containers) {
    if (c.restart_policy && *c.restart_policy == "Always") {
      t->hpa_containers.push_back({c.name, c.resources.requests, true});
    }
  }
  for (const Container& c : spec.containers) {
    t->hpa_containers.push_back({c.name, c.resources.requests, false});
  }
  auto shares = [&](const char* res) {
    std::vector<int64_t> req;
    int64_t total = 0;
    for (const auto& c : t->hpa_containers) {
      auto it = c.requests.find(res);
      int64_t v = it == c.requests.end() ? 0 : it->second.milli_value();
      req.push_back(v);
      total += v;
    }
    std::vector<int64_t> out(req.size(), 0);
    if (req.empty()) return out;
    if (total == 0) {
      for (auto& v : out) v = 1'000'000 / static_cast<int64_t>(req.size());
    } else {
      for (size_t i = 0; i < req.size(); ++i) {
        out[i] = static_cast<int64_t>(static_cast<Int128>(req[i]) * 1'000'000 / total);
      }
    }
    return out;
  };
  t->cpu_share_ppm = shares("cpu");
  t->memory_share_ppm = shares("memory");
  for (const Container& c : spec.init_containers) t->images.push_back(c.image);
  for (const Container& c : spec.containers) t->images.push_back(c.image);
  t->grace_seconds = spec.termination_grace_period_seconds.value_or(30);
  t->image_pull = cfg.kubelet.image_pull;
  t->container_start = cfg.kubelet.container_start;
  t->shutdown = cfg.kubelet.shutdown;
  auto o = cfg.kubelet.workloads.find(workload);
  if (o != cfg.kubelet.workloads.end()) {
    if (o->second.image_pull) t->image_pull = *o->second.image_pull;
    if (o->second.container_start) t->container_start = *o->second.container_start;
    if (o->second.shutdown) t->shutdown = *o->second.shutdown;
  }
  t->workload = workload;
  t->workload_index = workload_index;
  return t;
}

SimNode& World::add_node(Node node, int64_t price) {
  const std::string name = node.metadata.name;
  if (store.nodes.count(name)) {
    throw InputError(node.metadata.source, fmt::format("duplicate node '{}'", name));
  }
  SimNode& n = store.nodes[name];
  n.key = store.keys.intern(name);
  n.snap = store.snapshot.add_node(node);
  if (store.node_by_snap.size() <= n.snap) store.node_by_snap.resize(n.snap + 1);
  store.node_by_snap[n.snap] = n.key;
  auto label = [&](std::string_view k) {
    auto it = node.metadata.labels.find(std::string(k));
    return it == node.metadata.labels.end() ? std::string() : it->second;
  };
  n.pool = label(kLabelNodePool);
  n.zone = label(kLabelZone);
  n.allocatable = store.snapshot.node(n.snap).allocatable;
  n.unschedulable = node.unschedulable;
  n.price_micro_usd_per_hour = price;
  n.node = std::move(node);
  return n;
}

World::World(SimulationConfig config) : cfg(std::move(config)), rng(cfg.seed) {
  if (cfg.sample_interval <= SimDuration{0}) {
    throw InputError({cfg.file}, "sample interval must be positive");
  }
  if (cfg.metrics_resolution <= SimDuration{0} || cfg.hpa.sync_period <= SimDuration{0}) {
    throw InputError({cfg.file}, "metrics resolution and HPA sync period must be positive");
  }
  if (cfg.duration < SimDuration{0}) throw InputError({cfg.file}, "duration must not be negative");
  // Before anything is allocated: a scenario's own values were checked with
  // their location when it was parsed, but `run --duration` overrides them.
  std::string hint;
  if (std::string why = too_many_samples(cfg.duration, cfg.sample_interval, &hint); !why.empty()) {
    throw InputError({cfg.file}, why, hint);
  }
  validate_scheduler_config(cfg.scheduler);

  controllers[static_cast<size_t>(ControllerId::kNodeLifecycle)] =
      std::make_unique<NodeLifecycleController>(*this);
  controllers[static_cast<size_t>(ControllerId::kHPA)] = std::make_unique<HPAController>(*this);
  controllers[static_cast<size_t>(ControllerId::kDeployment)] =
      std::make_unique<DeploymentController>(*this);
  controllers[static_cast<size_t>(ControllerId::kReplicaSet)] =
      std::make_unique<ReplicaSetController>(*this);
  controllers[static_cast<size_t>(ControllerId::kStatefulSet)] =
      std::make_unique<StatefulSetController>(*this);
  controllers[static_cast<size_t>(ControllerId::kDaemonSet)] =
      std::make_unique<DaemonSetController>(*this);
  controllers[static_cast<size_t>(ControllerId::kCronJob)] =
      std::make_unique<CronJobController>(*this);
  controllers[static_cast<size_t>(ControllerId::kJob)] = std::make_unique<JobController>(*this);
  controllers[static_cast<size_t>(ControllerId::kScheduler)] =
      std::make_unique<SchedulerController>(*this);
  controllers[static_cast<size_t>(ControllerId::kKubelet)] =
      std::make_unique<KubeletController>(*this);

  if (cfg.cluster_from_manifests) {
    // A live HPA's last decision is the replicas its target runs at now.
    for (const HorizontalPodAutoscaler& h : cfg.manifests.horizontal_pod_autoscalers) {
      if (!h.desired_replicas) continue;
      const auto& ref = h.scale_target_ref;
      for (Deployment& d : cfg.manifests.deployments) {
        if (ref.kind == "Deployment" && d.metadata.ns == h.metadata.ns &&
            d.metadata.name == ref.name) {
          d.replicas = *h.desired_replicas;
        }
      }
      for (StatefulSet& x : cfg.manifests.stateful_sets) {
        if (ref.kind == "StatefulSet" && x.metadata.ns == h.metadata.ns &&
            x.metadata.name == ref.name) {
          x.replicas = *h.desired_replicas;
        }
      }
    }
  }
  const Manifests& m = cfg.manifests;
  // What the API server would refuse, in the simulated namespaces: the first
  // violation by file:line:col, as `simcluster validate` lists it.
  for (const ApiViolation& v :
       api_violations(m, FeatureGates{.hpa_scale_to_zero = cfg.hpa.scale_to_zero})) {
    if (v.ns.empty() || in_scope(v.ns)) throw v.error();
  }

  // ---- nodes: the pools, then nodes listed in the manifests
  std::vector<std::pair<Node, int64_t>> nodes;  // node, price
  for (const NodePool& pool : cfg.node_pools) {
    validate_node_pool(pool);
    if (cfg.cluster_from_manifests) continue;  // its nodes are the manifests' Nodes
    for (int32_t i = 0; i < pool.count; ++i) {
      nodes.emplace_back(make_pool_node(pool, i), pool.shape.price_micro_usd_per_hour.value_or(0));
    }
  }
  for (const Node& n : m.nodes) {
    int64_t price = 0;
    if (cfg.cluster_from_manifests) {
      auto label = n.metadata.labels.find(std::string(kLabelNodePool));
      for (const NodePool& pool : cfg.node_pools) {
        if (label != n.metadata.labels.end() && label->second == pool.name) {
          price = pool.shape.price_micro_usd_per_hour.value_or(0);
        }
      }
    }
    nodes.emplace_back(n, price);
  }
  for (auto& node_and_price : nodes)
    add_node(std::move(node_and_price.first), node_and_price.second);

  for (const PriorityClass& pc : m.priority_classes) store.priority_classes[pc.metadata.name] = pc;

  // ---- Services (sorted by ns/name), mapped to the LoadSource's list
  std::vector<std::pair<std::string, std::string>> modelled;
  if (cfg.load) modelled = cfg.load->services();
  for (const Service& s : m.services) {
    if (!in_scope(s.metadata.ns)) continue;
    SimService svc{s, -1};
    for (size_t i = 0; i < modelled.size(); ++i) {
      if (modelled[i].first == s.metadata.ns && modelled[i].second == s.metadata.name) {
        svc.load_index = static_cast<int32_t>(i);
      }
    }
    store.services.push_back(std::move(svc));
  }
  std::sort(store.services.begin(), store.services.end(), [](const auto& a, const auto& b) {
    return std::tie(a.svc.metadata.ns, a.svc.metadata.name) <
           std::tie(b.svc.metadata.ns, b.svc.metadata.name);
  });
  for (size_t i = 0; i < store.services.size(); ++i) {
    const Service& s = store.services[i].svc;
    if (!s.selector.empty()) {
      store.service_index.add(static_cast<uint32_t>(i), s.metadata.ns, s.selector);
    }
  }
  for (const PodDisruptionBudget& pdb : m.pod_disruption_budgets) {
    if (in_scope(pdb.metadata.ns)) store.pdbs.push_back(pdb);
  }

  recorder.init(*this);
  auto index_of = [&](const std::string& key) { return recorder.workload_index(key); };

  // ---- workloads
  for (const Deployment& d : m.deployments) {
    if (!in_scope(d.metadata.ns)) continue;
    const std::string key = object_key(d.metadata.ns, d.metadata.name);
    SimDeployment& sd = store.deployments[key];
    sd.key = store.keys.intern(key);
    sd.d = d;
    sd.replicas = d.replicas.value_or(1);
    sd.d.replicas = sd.replicas;
    const std::string wl = "Deployment/" + key;
    sd.workload_index = index_of(wl);
    sd.tmpl =
        make_template(d.template_, wl, sd.workload_index, RolloutFault::kNone, "pod-template-hash");
    enqueue(ControllerId::kDeployment, sd.key);
  }
  for (const ReplicaSet& r : m.replica_sets) {
    if (!in_scope(r.metadata.ns) || deployment_owner(m, r) != nullptr) continue;
    const std::string key = object_key(r.metadata.ns, r.metadata.name);
    SimReplicaSet& rs = store.replica_sets[key];
    rs.key = store.keys.intern(key);
    rs.rs = r;
    rs.replicas = r.replicas.value_or(1);
    const std::string wl = "ReplicaSet/" + key;
    rs.tmpl = make_template(r.template_, wl, index_of(wl), RolloutFault::kNone, "");
    rs.created = now;
    enqueue(ControllerId::kReplicaSet, rs.key);
  }
  for (const StatefulSet& s : m.stateful_sets) {
    if (!in_scope(s.metadata.ns)) continue;
    const std::string key = object_key(s.metadata.ns, s.metadata.name);
    SimStatefulSet& ss = store.stateful_sets[key];
    ss.key = store.keys.intern(key);
    ss.s = s;
    ss.replicas = s.replicas.value_or(1);
    ss.s.replicas = ss.replicas;
    const std::string wl = "StatefulSet/" + key;
    ss.workload_index = index_of(wl);
    auto t = make_template(s.template_, wl, ss.workload_index, RolloutFault::kNone,
                           "controller-revision-hash", s.metadata.name + "-");
    t->storage_per_pod = storage_of(s);
    ss.update_revision = t->hash;
    ss.status.current_revision = t->hash;
    ss.status.update_revision = t->hash;
    ss.revisions[t->hash] = t;
    enqueue(ControllerId::kStatefulSet, ss.key);
  }
  for (const DaemonSet& d : m.daemon_sets) {
    if (!in_scope(d.metadata.ns)) continue;
    const std::string key = object_key(d.metadata.ns, d.metadata.name);
    SimDaemonSet& ds = store.daemon_sets[key];
    ds.key = store.keys.intern(key);
    ds.ds = d;
    const std::string wl = "DaemonSet/" + key;
    ds.workload_index = index_of(wl);
    ds.tmpl = make_template(d.template_, wl, ds.workload_index, RolloutFault::kNone,
                            "controller-revision-hash", d.metadata.name + "-");
    ds.revisions[ds.tmpl->hash] = ds.tmpl;
    enqueue(ControllerId::kDaemonSet, ds.key);
  }
  if (cfg.jobs.run_duration) {
    for (const Job& j : m.jobs) {
      if (!in_scope(j.metadata.ns)) continue;
      const std::string key = object_key(j.metadata.ns, j.metadata.name);
      SimJob& sj = store.jobs[key];
      sj.key = store.keys.intern(key);
      sj.job = j;
      const std::string wl = "Job/" + key;
      sj.workload_index = index_of(wl);
      sj.tmpl = make_template(j.spec.template_, wl, sj.workload_index, RolloutFault::kNone, "");
      sj.created = now;
      enqueue(ControllerId::kJob, sj.key);
    }
    for (const CronJob& c : m.cron_jobs) {
      if (!in_scope(c.metadata.ns)) continue;
      const std::string key = object_key(c.metadata.ns, c.metadata.name);
      SimCronJob& sc = store.cron_jobs[key];
      sc.key = store.keys.intern(key);
      sc.cj = c;
      sc.workload_index = index_of("CronJob/" + key);
      enqueue(ControllerId::kCronJob, sc.key);
    }
  }
  for (const PersistentVolumeClaim& c : m.persistent_volume_claims) {
    if (!in_scope(c.metadata.ns)) continue;
    const std::string key = object_key(c.metadata.ns, c.metadata.name);
    SimPVC& p = store.pvcs[key];
    p.key = store.keys.intern(key);
    p.pvc = c;
    p.storage = c.storage_request ? c.storage_request->value() : 0;
  }
  for (const Pod& p : m.pods) {
    if (!in_scope(p.metadata.ns)) continue;
    // A finished pod (a completed Job's) holds nothing on its node.
    if (p.phase == "Succeeded" || p.phase == "Failed") continue;
    // A pod a controller of the manifests makes is that controller's: not
    // created twice. A live cluster's dump says where it runs.
    if (const std::string owner = pod_controller(m, p); !owner.empty()) {
      if (cfg.cluster_from_manifests && !p.spec.node_name.empty() && !owner.starts_with("Node/")) {
        dump_placement[owner].push_back(
            {p.spec.node_name, object_key(p.metadata.ns, p.metadata.name), p.phase == "Running"});
      }
      continue;
    }
    if (cfg.cluster_from_manifests && !p.spec.node_name.empty()) {
      dump_placement["Pod/" + object_key(p.metadata.ns, p.metadata.name)].push_back(
          {p.spec.node_name, object_key(p.metadata.ns, p.metadata.name), p.phase == "Running"});
    }
    const std::string wl = "Pod/" + object_key(p.metadata.ns, p.metadata.name);
    PodTemplateSpec tmpl{p.metadata, p.spec};
    auto t = make_template(tmpl, wl, index_of(wl), RolloutFault::kNone, "");
    SimPod& sp = create_pod(p.metadata.ns, p.metadata.name, t, "", "", std::nullopt);
    for (const Volume& v : p.spec.volumes) {
      if (!v.persistent_volume_claim.empty()) {
        sp.claims.push_back(object_key(p.metadata.ns, v.persistent_volume_claim));
      }
    }
    enqueue(ControllerId::kScheduler, sp.key);
  }

  // ---- HPAs
  for (const HorizontalPodAutoscaler& h : m.horizontal_pod_autoscalers) {
    if (!in_scope(h.metadata.ns)) continue;
    const std::string key = object_key(h.metadata.ns, h.metadata.name);
    SimHPA& sh = store.hpas[key];
    sh.key = store.keys.intern(key);
    sh.hpa = h;
    for (const MetricSpec& metric : h.metrics) {
      sh.container_metrics = sh.container_metrics || metric.type == "ContainerResource";
    }
    const auto& ref = h.scale_target_ref;
    const std::string tkey = object_key(h.metadata.ns, ref.name);
    sh.target = ref.kind + "/" + tkey;
    if (ref.kind == "Deployment" && store.deployments.count(tkey)) {
      sh.target_kind = Kind::kDeployment;
      sh.target_key = store.deployments[tkey].key;
    } else if (ref.kind == "StatefulSet" && store.stateful_sets.count(tkey)) {
      sh.target_kind = Kind::kStatefulSet;
      sh.target_key = store.stateful_sets[tkey].key;
    } else if (ref.kind == "ReplicaSet" && store.replica_sets.count(tkey)) {
      sh.target_kind = Kind::kReplicaSet;
      sh.target_key = store.replica_sets[tkey].key;
    }
    enqueue(ControllerId::kHPA, sh.key);
  }
  for (const auto& [name, values] : cfg.hpa_metrics) {
    if (store.hpas.count(name)) continue;
    std::vector<std::string> names;
    for (const auto& [k, h] : store.hpas) names.push_back(k);
    std::string hint = closest_match(name, names);
    throw InputError({cfg.file}, fmt::format("metric values given for unknown HPA '{}'", name),
                     hint.empty() ? "" : fmt::format("did you mean '{}'?", hint));
  }

  // ---- timeline and periodic events
  for (size_t i = 0; i < cfg.timeline.size(); ++i) {
    resolve_timeline(*this, cfg.timeline[i]);
  }
  std::vector<size_t> order(cfg.timeline.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return cfg.timeline[a].at < cfg.timeline[b].at; });
  for (size_t i : order) {
    const SimDuration at = std::max(cfg.timeline[i].at, SimDuration{0});
    events.push(at.count(), SimEvent{EventKind::kTimeline, 0, i});
  }
  if (cfg.autoscaler.enabled) {
    autoscaler = std::make_unique<ClusterAutoscaler>(*this);
    events.push(cfg.autoscaler.scan_interval.count(), SimEvent{EventKind::kAutoscaler, 0, 0});
  }
  if (cfg.karpenter.enabled) {
    karpenter = std::make_unique<Karpenter>(*this);
    events.push(cfg.karpenter.disruption_poll.count(), SimEvent{EventKind::kKarpenter, 0, 0});
  }
  // A dump's pods are Ready once the controllers have run at t = 0: the first
  // scrape and report sample come just after (as with a steady start), so
  // they see the running cluster, not an empty one.
  if (cfg.cluster_from_manifests) {
    // The controllers' first round at t = 0 (a requeue of no object).
    events.push(0, SimEvent{EventKind::kRequeue, static_cast<uint32_t>(ControllerId::kScheduler),
                            std::numeric_limits<KeyId>::max()});
  }
  events.push(cfg.cluster_from_manifests ? kSteadyStartAt.count() : 0,
              SimEvent{EventKind::kMetrics, 0, 0});
  for (const auto& [workload, places] : dump_placement) {
    for (const DumpPlacement& d : places) {
      if (store.nodes.count(d.node)) continue;
      dump_warnings.push_back(
          fmt::format("{}: the dump places pod {} on node {}, which is not in "
                      "the dump's Nodes; the scheduler places it instead",
                      workload, d.pod, d.node));
    }
  }
  events.push(cfg.start == "steady" || cfg.cluster_from_manifests ? kSteadyStartAt.count() : 0,
              SimEvent{EventKind::kSample, 0, 0});
}

}  // namespace simcluster
