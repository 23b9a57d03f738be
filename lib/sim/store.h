// Store: the simulated API server's object store, private to lib/sim.
//
// Objects are the typed API objects of objects.h plus the status fields the
// controllers write, kept in ordered maps keyed "ns/name" (iteration order is
// part of the output). Every key is interned once as a KeyId (KeyTable), the
// small integer that work queues and timer events carry; pod names can be
// reused (StatefulSet ordinals), so pods also carry a uid.
//
// Watches: a controller registers for the kinds it watches; a mutation calls
// Store::changed(kind, key), which calls only those controllers' on_change,
// which map the change to keys in their own work queue (level-triggered: they
// never get told *what* changed).
//
// The kube-scheduler's cache (ClusterSnapshot) lives here too and is updated
// incrementally: bind -> add_pod, deletion -> mark_terminating, removal ->
// remove_pod, node changes -> update_node.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/selector_index.h"
#include "sim/work_queue.h"
#include "simcluster/hpa.h"
#include "simcluster/objects.h"
#include "simcluster/scheduler.h"
#include "simcluster/simulator.h"
#include "simcluster/workload.h"

namespace simcluster {

// ---------------------------------------------------------------- keys

class KeyTable {
 public:
  KeyId intern(const std::string& key) {
    auto [it, inserted] = ids_.try_emplace(key, static_cast<KeyId>(names_.size()));
    if (inserted) names_.push_back(key);
    return it->second;
  }
  std::optional<KeyId> find(const std::string& key) const {
    auto it = ids_.find(key);
    if (it == ids_.end()) return std::nullopt;
    return it->second;
  }
  const std::string& name(KeyId id) const { return names_[id]; }

 private:
  std::unordered_map<std::string, KeyId> ids_;
  std::vector<std::string> names_;
};

inline std::string object_key(const std::string& ns, const std::string& name) {
  return ns + "/" + name;
}

enum class Kind : uint8_t {
  kPod,
  kNode,
  kReplicaSet,
  kDeployment,
  kStatefulSet,
  kDaemonSet,
  kJob,
  kCronJob,
  kHPA,
  kPVC,
  kCount
};

// ---------------------------------------------------------------- templates

// A pod template revision, shared by every pod created from it.
struct TemplateInfo {
  PodTemplateSpec tmpl;  // labels include the revision label
  std::string hash;      // pod-template-hash / controller-revision-hash
  RolloutFault fault = RolloutFault::kNone;
  Resources requests;                            // pod_requests(spec)
  Resources limits;                              // pod_limits(spec)
  int64_t cpu_limit_milli = 0;                   // 0 = no limit (some container has none)
  int64_t memory_limit = 0;                      // 0 = no limit
  int64_t idle_cpu_milli = 0;                    // derived_baseline(spec) (load_model.h):
  int64_t idle_memory = 0;                       // idle usage when the scenario sets none
  std::vector<HPAContainerInfo> hpa_containers;  // regular containers + sidecars
  // Share of the pod's usage given to each container (hpa_containers order),
  // in parts per 1'000'000, by CPU and memory request (equal split without).
  std::vector<int64_t> cpu_share_ppm, memory_share_ppm;
  std::vector<std::string> images;
  int64_t grace_seconds = 30;
  SimDuration image_pull{0}, container_start{0};
  std::optional<SimDuration> shutdown;
  std::string workload;  // "Kind/ns/name"
  int32_t workload_index = -1;
  int64_t storage_per_pod = 0;
};

// ---------------------------------------------------------------- objects

enum class ContainerState : uint8_t {
  kWaiting,  // ContainerCreating: image pull / start
  kRunning,
  kBackOff,     // crashed, waiting for the restart back-off (CrashLoopBackOff)
  kTerminated,  // exited for good (Job completion) or killed on deletion
};

struct SimPod {
  // ---- hot: what a metrics scrape, an HPA sync and the recorder read of every pod,
  // packed into the first cache lines (the object is large and pods are many).
  uint64_t uid = 0;
  KeyId key = 0;
  int32_t workload_index = -1;
  std::shared_ptr<const TemplateInfo> tmpl;
  std::optional<NodeId> node;  // bound node (snapshot id)
  PodPhase phase = PodPhase::kPending;
  ContainerState container = ContainerState::kWaiting;
  bool ready = false;
  // The load index (LoadSource::services()) of the one modelled Service selecting the
  // pod; -1: none; -2: several (read `services`).
  int32_t load_service = -1;
  SimTime running_at;                  // containers (re)start at / started at
  std::optional<SimTime> start_time;   // status.startTime (kubelet accepted the pod)
  std::optional<SimTime> ready_since;  // Ready lastTransitionTime
  std::optional<SimTime> deletion_timestamp;
  std::optional<SimTime> gone_at;  // planned removal from the store
  // usage, from the latest metrics sample
  std::optional<SimTime> sample_time;
  int64_t cpu_usage = 0;
  int64_t cpu_demand = 0;
  int64_t memory_usage = 0;
  // What metrics-server serves for that sample (metrics_server_window): the
  // window of the pod's PodMetrics (nullopt = none, the HPA sees the pod as
  // missing), and the timestamp of the point it stored at the latest scrape
  // (its "last" point; nullopt = the container was not in that scrape).
  std::optional<SimDuration> metrics_window;
  std::optional<SimTime> metrics_point;

  // ---- the rest
  std::string owner_kind;  // controller ownerReference kind ("" = none)
  std::string owner_name;
  std::optional<KeyId> owner;  // key of the owner object
  std::string workload;        // "Kind/ns/name"
  std::string revision;
  int32_t ordinal = -1;             // StatefulSet pods
  std::string daemon_node;          // DaemonSet pods: the node they are for
  std::vector<std::string> claims;  // PVC keys ("ns/name")
  std::vector<size_t> services;     // indices into Store::services selecting the pod
  SimTime created;

  // scheduling
  std::string node_name;
  std::optional<PodId> snap;  // id in the snapshot while bound
  SimTime scheduled_at;
  int32_t schedule_attempts = 0;
  SimTime backoff_until;
  bool unschedulable = false;    // last attempt failed
  bool retry_requested = false;  // a cluster event moved it back to the active queue
  SimTime last_attempt;
  std::string unschedulable_message;
  SimTime pending_since;

  // kubelet
  std::optional<SimTime> started_at;   // startup probe passed (or running without one)
  std::optional<SimTime> ready_at;     // planned Ready transition
  std::optional<SimTime> kill_at;      // planned liveness/startup kill (hang fault)
  SimDuration kill_grace{0};           // that kill's grace period
  std::optional<SimTime> restart_at;   // planned restart after a crash
  std::optional<SimTime> complete_at;  // Job pods: planned success
  int32_t restarts = 0;
  SimDuration backoff{0};                // current crash-loop back-off (0 = none yet)
  SimTime backoff_updated;               // the entry's lastUpdate (when Next was called)
  std::optional<SimTime> last_exit;      // FinishedAt of the container's latest exit
  bool backoff_next_at_restart = false;  // a delayed restart calls Next when it starts
  std::string last_termination;          // "OOMKilled", "Error", "" ...
  bool node_lost = false;                // the node stopped reporting; status unknown
  // cluster.fromManifests: the dump showed this pod Running on its node; the kubelet
  // starts it at once (no image pull, container start or probe delay): it was running.
  bool running_in_dump = false;
  bool dump_deferred = false;  // waited once for the dump's pods to be placed

  // deletion
  std::string deletion_reason;  // "ScaleDown", "Evicted", "Preempted", ...

  Pod pod;       // metadata + spec (defaulted tolerations added)
  PodInfo info;  // what the scheduler reads

  bool terminating() const { return deletion_timestamp.has_value(); }
  bool bound() const { return node.has_value(); }
  bool terminal() const { return phase == PodPhase::kSucceeded || phase == PodPhase::kFailed; }
  // Counted by ReplicaSets (controller.IsPodActive).
  bool active() const { return !terminating() && !terminal(); }
  bool running_and_ready() const { return phase == PodPhase::kRunning && ready; }
};

struct SimNode {
  KeyId key = 0;
  Node node;
  NodeId snap = 0;
  std::string pool;  // "" for manifest nodes
  std::string zone;
  Resources allocatable;
  int64_t price_micro_usd_per_hour = 0;
  bool heartbeating = true;  // kubelet reports
  bool ready = true;         // Ready condition True
  bool unschedulable = false;
  bool draining = false;
  SimTime heartbeat_lost_at;
  SimTime not_ready_since;
  std::map<std::string, SimTime> images;  // image -> on the node from
  std::set<KeyId> pods;                   // bound pods
};

struct SimReplicaSet {
  KeyId key = 0;
  ReplicaSet rs;
  std::shared_ptr<const TemplateInfo> tmpl;
  std::optional<KeyId> deployment;
  int32_t replicas = 0;  // spec.replicas
  int64_t generation = 1, observed_generation = 0;
  int64_t revision = 0;
  std::optional<int32_t> desired_annotation, max_annotation;
  SimTime created;
  // status
  int32_t status_replicas = 0, ready_replicas = 0, available_replicas = 0;
  std::set<KeyId> pods;  // owned pods in the store (terminating included)
};

struct RolloutTracker {
  bool active = false;
  SimTime started;
  int32_t start_available = 0;
  bool disrupted = false;  // a pod failed, was evicted, or the replicas changed meanwhile
  int32_t steps = 0;
  bool failed_reported = false;
};

struct SimDeployment {
  KeyId key = 0;
  Deployment d;
  std::shared_ptr<const TemplateInfo> tmpl;  // the current template
  int32_t replicas = 1;
  int64_t generation = 1;
  DeploymentStatusView status;
  std::set<KeyId> replica_sets;
  int32_t workload_index = -1;
  RolloutTracker rollout;
  std::optional<SimTime> deadline_timer;  // the progress-deadline re-sync armed
};

struct SimStatefulSet {
  KeyId key = 0;
  StatefulSet s;
  int32_t replicas = 1;
  std::string update_revision;
  std::map<std::string, std::shared_ptr<const TemplateInfo>> revisions;
  StatefulSetStatusView status;
  std::map<int32_t, KeyId> pods;  // ordinal -> pod key (terminating included)
  std::set<KeyId> other_pods;     // pods whose name has no ordinal (never created by us)
  int32_t workload_index = -1;
  RolloutTracker rollout;
};

struct SimDaemonSet {
  KeyId key = 0;
  DaemonSet ds;
  std::shared_ptr<const TemplateInfo> tmpl;
  std::map<std::string, std::shared_ptr<const TemplateInfo>> revisions;
  std::set<KeyId> pods;
  int32_t desired = 0, ready = 0, available = 0, updated = 0;
  int32_t workload_index = -1;
  RolloutTracker rollout;
};

struct SimJob {
  KeyId key = 0;
  Job job;
  std::shared_ptr<const TemplateInfo> tmpl;
  std::optional<KeyId> cron_job;
  std::set<KeyId> pods;
  int32_t succeeded = 0, failed = 0;
  SimTime created;
  std::optional<SimTime> completed;
  int32_t workload_index = -1;
  int32_t next_pod = 0;
};

struct SimCronJob {
  KeyId key = 0;
  CronJob cj;
  std::set<KeyId> jobs;
  std::optional<SimTime> last_schedule;
  int32_t workload_index = -1;
  bool schedule_ok = false;
};

struct SimHPA {
  KeyId key = 0;
  HorizontalPodAutoscaler hpa;
  HPAState state;
  std::string target;  // "Kind/ns/name"
  std::optional<KeyId> target_key;
  Kind target_kind = Kind::kDeployment;
  // Persistent inputs, updated in place each sync (the pods' entries are
  // rebuilt only when the set of pods changes).
  HPAInputs inputs;
  std::vector<const SimPod*> input_pods;  // the pods of inputs.pods, in that order
  uint64_t input_version = 0;             // HPAController's version of that pod set
  // The usage (cpu, memory) split into inputs.pods[i]'s containers at the last sync.
  std::vector<std::pair<int64_t, int64_t>> input_usage;
  // Where inputs.pods[i]'s containers' cpu and memory samples live (2 per container, from
  // input_quantity_offset[i]), set when its sample's containers are built.
  std::vector<size_t> input_quantity_offset;
  std::vector<Quantity*> input_quantities;
  // The HPA has a ContainerResource metric: its pods' samples need per-container usage.
  bool container_metrics = false;
  std::string last_held_reason;
};

struct SimService {
  Service svc;
  int32_t load_index = -1;  // index in LoadSource::services(), -1 = not modelled
};

struct SimPVC {
  KeyId key = 0;
  PersistentVolumeClaim pvc;
  std::string zone;  // pinned once bound (WaitForFirstConsumer: the first node's zone)
  int64_t storage = 0;
  std::string owner_set;  // StatefulSet name ("" = standalone)
  int32_t ordinal = -1;
  bool delete_with_pod = false;  // whenScaled: Delete for a condemned ordinal
};

// ---------------------------------------------------------------- watchers

class StoreWatcher {
 public:
  virtual ~StoreWatcher() = default;
  // `key` is the changed object's key; the object may be gone (deleted).
  virtual void on_change(Kind kind, KeyId key) = 0;
};

// ---------------------------------------------------------------- object maps

// One kind's objects: an ordered map keyed "ns/name" (iteration in name order is part of
// the output), plus two indexes kept in step with it on every insert and erase:
//  * by interned key (KeyId): O(1) lookups for work-queue keys and timer events, instead
//    of a tree search with string compares;
//  * a dense vector of the objects, for the hot paths that visit every object and do not
//    depend on the order (metrics scrapes, totals): contiguous, no tree walk. Its order is
//    insertion order with swap-removal: deterministic, but not name order.
// Map nodes never move, so the pointers stay valid until the object is erased.
template <typename T>
class ObjectMap {
 public:
  using Map = std::map<std::string, T>;
  using iterator = typename Map::iterator;
  using const_iterator = typename Map::const_iterator;

  explicit ObjectMap(KeyTable& keys) : keys_(keys) {}
  ObjectMap(const ObjectMap&) = delete;
  ObjectMap& operator=(const ObjectMap&) = delete;

  iterator begin() { return map_.begin(); }
  iterator end() { return map_.end(); }
  const_iterator begin() const { return map_.begin(); }
  const_iterator end() const { return map_.end(); }
  size_t size() const { return map_.size(); }
  bool empty() const { return map_.empty(); }
  iterator find(const std::string& k) { return map_.find(k); }
  const_iterator find(const std::string& k) const { return map_.find(k); }
  size_t count(const std::string& k) const { return map_.count(k); }
  T& at(const std::string& k) { return map_.at(k); }
  const T& at(const std::string& k) const { return map_.at(k); }

  T& operator[](const std::string& k) { return try_emplace(k).first->second; }
  std::pair<iterator, bool> try_emplace(const std::string& k) {
    auto r = map_.try_emplace(k);
    if (r.second) index(r.first);
    return r;
  }
  size_t erase(const std::string& k) {
    auto it = map_.find(k);
    if (it == map_.end()) return 0;
    erase(it);
    return 1;
  }
  iterator erase(iterator it) {
    unindex(it->first);
    return map_.erase(it);
  }

  // The object with this interned key, or nullptr.
  T* get(KeyId id) const { return id < by_id_.size() ? by_id_[id] : nullptr; }
  // Every object, in no particular (but deterministic) order.
  const std::vector<T*>& dense() const { return dense_; }

 private:
  struct Slot {
    T* obj = nullptr;
    uint32_t pos = 0;  // index in dense_
  };
  void index(iterator it) {
    const KeyId id = keys_.intern(it->first);
    if (id >= by_id_.size()) {
      by_id_.resize(id + 1, nullptr);
      pos_.resize(id + 1, 0);
    }
    by_id_[id] = &it->second;
    pos_[id] = static_cast<uint32_t>(dense_.size());
    dense_.push_back(&it->second);
    dense_ids_.push_back(id);
  }
  void unindex(const std::string& k) {
    const std::optional<KeyId> id = keys_.find(k);
    if (!id || *id >= by_id_.size() || by_id_[*id] == nullptr) return;
    const uint32_t pos = pos_[*id];
    const KeyId last = dense_ids_.back();
    dense_[pos] = dense_.back();
    dense_ids_[pos] = last;
    pos_[last] = pos;
    dense_.pop_back();
    dense_ids_.pop_back();
    by_id_[*id] = nullptr;
  }

  KeyTable& keys_;
  Map map_;
  std::vector<T*> by_id_;
  std::vector<uint32_t> pos_;
  std::vector<T*> dense_;
  std::vector<KeyId> dense_ids_;
};

// ---------------------------------------------------------------- the store

class Store {
 public:
  KeyTable keys;
  ClusterSnapshot snapshot;

  ObjectMap<SimPod> pods{keys};
  ObjectMap<SimNode> nodes{keys};
  ObjectMap<SimReplicaSet> replica_sets{keys};
  ObjectMap<SimDeployment> deployments{keys};
  ObjectMap<SimStatefulSet> stateful_sets{keys};
  ObjectMap<SimDaemonSet> daemon_sets{keys};
  ObjectMap<SimJob> jobs{keys};
  ObjectMap<SimCronJob> cron_jobs{keys};
  ObjectMap<SimHPA> hpas{keys};
  ObjectMap<SimPVC> pvcs{keys};
  std::vector<SimService> services;  // sorted by ns/name
  SelectorIndex service_index;       // services' selectors (ids: indices into `services`)
  std::vector<PodDisruptionBudget> pdbs;
  std::map<std::string, PriorityClass> priority_classes;

  std::unordered_map<uint64_t, SimPod*> pod_by_uid;  // pointers into `pods` (stable)
  std::vector<KeyId> node_by_snap;                   // NodeId -> node key
  int32_t pending_pods = 0;                          // unbound, not terminating
  uint64_t next_uid = 1;

  void watch(Kind kind, StoreWatcher* w) { watchers_[static_cast<size_t>(kind)].push_back(w); }
  void changed(Kind kind, KeyId key) {
    for (StoreWatcher* w : watchers_[static_cast<size_t>(kind)]) w->on_change(kind, key);
  }

  // Lookups by interned key (nullptr when absent).
  SimPod* pod(KeyId k) { return find(pods, k); }
  SimNode* node(KeyId k) { return find(nodes, k); }
  SimReplicaSet* replica_set(KeyId k) { return find(replica_sets, k); }
  SimDeployment* deployment(KeyId k) { return find(deployments, k); }
  SimStatefulSet* stateful_set(KeyId k) { return find(stateful_sets, k); }
  SimDaemonSet* daemon_set(KeyId k) { return find(daemon_sets, k); }
  SimJob* job(KeyId k) { return find(jobs, k); }
  SimCronJob* cron_job(KeyId k) { return find(cron_jobs, k); }
  SimHPA* hpa(KeyId k) { return find(hpas, k); }
  SimPod* pod_by_id(uint64_t uid) {
    auto it = pod_by_uid.find(uid);
    return it == pod_by_uid.end() ? nullptr : it->second;
  }
  SimNode* node_of(const SimPod& p) { return p.node ? node(node_by_snap[*p.node]) : nullptr; }

 private:
  template <typename T>
  static T* find(const ObjectMap<T>& m, KeyId k) {
    return m.get(k);
  }
  std::array<std::vector<StoreWatcher*>, static_cast<size_t>(Kind::kCount)> watchers_;
};

}  // namespace simcluster
