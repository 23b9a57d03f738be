// The simulation's controllers (private to lib/sim). Each is a thin shell
// around the pure decision functions of workload.h, hpa.h and scheduler.h:
// it reads the store, builds their inputs, and applies their results.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/world.h"

namespace simcluster {

// Mirrors k8s pkg/controller/deployment (via workload.h sync_deployment).
class DeploymentController final : public Controller {
 public:
  explicit DeploymentController(World& w);
  std::string_view name() const override { return "deployment"; }
  void reconcile(KeyId key) override;
  void on_change(Kind kind, KeyId key) override;
  // A template change from the timeline: new revision, rollout tracking.
  void rollout(SimDeployment& d, std::shared_ptr<const TemplateInfo> tmpl);
};

// Mirrors k8s pkg/controller/replicaset/replica_set.go manageReplicas.
class ReplicaSetController final : public Controller {
 public:
  explicit ReplicaSetController(World& w);
  std::string_view name() const override { return "replicaset"; }
  void reconcile(KeyId key) override;
  void on_change(Kind kind, KeyId key) override;
};

// Mirrors k8s pkg/controller/statefulset (via workload.h sync_stateful_set).
class StatefulSetController final : public Controller {
 public:
  explicit StatefulSetController(World& w);
  std::string_view name() const override { return "statefulset"; }
  void reconcile(KeyId key) override;
  void on_change(Kind kind, KeyId key) override;
  void rollout(SimStatefulSet& s, std::shared_ptr<const TemplateInfo> tmpl);
};

// Mirrors k8s pkg/controller/daemon: one pod per eligible node, rolling update
// with maxUnavailable (maxSurge is not modelled).
class DaemonSetController final : public Controller {
 public:
  explicit DaemonSetController(World& w);
  std::string_view name() const override { return "daemonset"; }
  void reconcile(KeyId key) override;
  void on_change(Kind kind, KeyId key) override;
  void rollout(SimDaemonSet& ds, std::shared_ptr<const TemplateInfo> tmpl);
};

// Mirrors k8s pkg/controller/job (parallelism / completions; pods run for
// JobConfig::run_duration) and pkg/controller/cronjob (schedule, concurrency
// policy, history limits).
class JobController final : public Controller {
 public:
  explicit JobController(World& w);
  std::string_view name() const override { return "job"; }
  void reconcile(KeyId key) override;
  void on_change(Kind kind, KeyId key) override;
};
class CronJobController final : public Controller {
 public:
  explicit CronJobController(World& w);
  std::string_view name() const override { return "cronjob"; }
  void reconcile(KeyId key) override;
  void on_change(Kind kind, KeyId key) override;
};

// kube-scheduler: the scheduling queue (activeQ by priority then arrival,
// back-off 1 s doubling to 10 s, unschedulable pods moved back on cluster
// events or after 5 min) around scheduler.h schedule().
class SchedulerController final : public Controller {
 public:
  explicit SchedulerController(World& w);
  std::string_view name() const override { return "scheduler"; }
  void reconcile(KeyId key) override;
  void on_change(Kind kind, KeyId key) override;
  bool has_work() const override { return !active_.empty(); }
  void add(KeyId key) override;
  void process_round() override;
  // A cluster event that may make unschedulable pods fit.
  void move_all_to_active();

 private:
  // What of a node decides whether its update is a scheduling event
  // (eventhandlers.go nodeSchedulingPropertiesChange).
  struct NodeSig {
    bool unschedulable = false, ready = true;
    Resources allocatable;
    StringMap labels;
    std::vector<Taint> taints;
  };
  void on_node_change(KeyId key);
  // preCheckForNode: the pod fits the node's free resources, its node
  // selector and required affinity, and tolerates its NoSchedule taints.
  bool pre_check(const SimPod& p, const SimNode& n) const;
  // cluster.fromManifests: binds the pod where the dump's pod of its workload
  // runs (World::dump_placement); false when the dump has no place for it or
  // the place cannot hold it (a ClusterDumpPlacement warning).
  bool place_from_dump(SimPod& p);
  std::map<KeyId, NodeSig> node_sigs_;

  struct Entry {
    int32_t neg_priority;
    int64_t since;
    uint64_t seq;
    KeyId key;
    auto operator<=>(const Entry&) const = default;
  };
  std::set<Entry> active_;
  std::map<KeyId, Entry> in_active_;
  uint64_t seq_ = 0;
};

// kube-controller-manager's node lifecycle + taint eviction, kubectl drain and
// pod garbage collection of removed nodes.
class NodeLifecycleController final : public Controller {
 public:
  explicit NodeLifecycleController(World& w);
  std::string_view name() const override { return "node-lifecycle"; }
  void reconcile(KeyId key) override;
  void apply(const SimTimelineEvent& e, SimNode& node);
};

// The kubelets: pod start (image pull, container start), probes, restarts
// with back-off, OOM kills, graceful termination. Reconciles one pod: applies
// every transition whose planned time has come, then queues itself for the
// next one.
class KubeletController final : public Controller {
 public:
  explicit KubeletController(World& w);
  std::string_view name() const override { return "kubelet"; }
  void reconcile(KeyId key) override;
  // Plans the timeline of a (re)started container set at `running`.
  void plan_start(SimPod& pod, SimTime running);
  // Next planned transition of the pod, if any.
  std::optional<SimTime> next_transition(const SimPod& pod) const;
};

// The HPA controller: each HPA synced every hpa.sync_period via hpa.h.
class HPAController final : public Controller {
 public:
  explicit HPAController(World& w);
  std::string_view name() const override { return "horizontal-pod-autoscaler"; }
  void reconcile(KeyId key) override;
  void on_change(Kind kind, KeyId key) override;

 private:
  // Which pods each HPA's target selects, kept incrementally (pods are added when
  // created and dropped when removed; labels never change): a sync does not match its
  // selector against every pod. Built from the store at the first sync, and again if a
  // target's selector is not the one the index was built with.
  void refresh_pods(SimHPA& h);
  void build_index();
  void index_pod(const SimPod& p);
  void unindex_pod(uint64_t uid);
  struct Selected {
    std::set<uint64_t> uids;                  // selected pod uids
    uint64_t version = 0;                     // changes whenever uids does (never reused)
    const LabelSelector* selector = nullptr;  // the target's selector when indexed
    int32_t shared = 0;                       // of them, pods another HPA selects too
  };
  std::map<KeyId, Selected> pods_;                             // HPA -> its pods
  std::vector<KeyId> hpa_ids_;                                 // SelectorIndex id -> HPA
  SelectorIndex index_;                                        // the targets' selectors
  std::unordered_map<uint64_t, std::vector<KeyId>> pod_hpas_;  // pod uid -> HPAs selecting it
  std::unordered_map<KeyId, uint64_t> indexed_;                // pod key -> uid indexed
  bool built_ = false;
  uint64_t next_version_ = 1;
};

// The cluster autoscaler (kubernetes/autoscaler cluster-autoscaler core/static_autoscaler.go
// RunOnce, level-triggered: every scan it reads the store afresh), around the pure decision
// functions of autoscaler.h. See cluster_autoscaler.cpp for the loop and what it leaves out.
// Shared by the node autoscalers (cluster_autoscaler.cpp).
// The pods a new node starts with: one per DaemonSet that would run there (the DaemonSet
// controller's NodeShouldRunDaemonPod on the template node).
std::vector<PodInfo> daemon_pods_for(const World& w, const Node& node);
// Taints the node (NoSchedule), marks it unschedulable and evicts `pods` (events "Evicted"
// with the reason and message); the node goes once remove_drained_nodes_of finds it empty.
void start_node_removal(World& w, SimNode& n, const Taint& taint, const std::vector<KeyId>& pods,
                        const std::string& reason, const std::string& message);
// The pod as it would be recreated elsewhere: not bound, not nominated.
PodInfo unbound(const PodInfo& info);
// Places `pod` on the first node of the scheduler's walk order (other than `skip`) where every
// Filter passes: the autoscalers' "does it fit anywhere" check, no scoring. The node and the
// pod's id in `sim`, or nullopt when no node takes it.
struct FirstFit {
  NodeId node;
  PodId pod;
};
std::optional<FirstFit> place_first_fit(const PodInfo& pod, ClusterSnapshot& sim,
                                        const SchedulerConfig& config,
                                        std::optional<NodeId> skip = std::nullopt);
// Removes each node of `deleting` whose pods (DaemonSet pods aside) are gone, and forgets it.
void remove_drained_nodes_of(World& w, std::set<std::string>& deleting);

class ClusterAutoscaler final : public StoreWatcher {
 public:
  explicit ClusterAutoscaler(World& w);
  void on_change(Kind, KeyId) override { dirty_ = true; }
  // An EventKind::kAutoscaler event: a = 0 scan, 1 node provisioned, 2 provisioning failed.
  void fire(uint32_t a, uint64_t b);
  // Nodes of the pool requested and not yet Ready.
  int32_t upcoming(const std::string& pool) const;

 private:
  struct Upcoming {
    size_t pool = 0;  // index into cfg.node_pools
    int32_t index = 0;
    SimTime requested;
    SimTime oldest_pending;  // the oldest pod the scale-up was for turned Pending then
  };
  void scan();
  bool scale_up();
  void scale_down(bool scaled_up);
  // Fills unneeded_ / unneeded_now_why_ from the store.
  void find_unneeded();
  void remove_drained_nodes();
  void node_provisioned(uint64_t id, bool failed);
  // Existing nodes of the pool (deleting ones included) plus upcoming ones.
  int32_t pool_size(size_t pool, bool count_deleting) const;
  int32_t total_nodes() const;
  // The pods a new node of the pool starts with: one per DaemonSet that would run there.
  std::vector<PodInfo> daemon_pods(const Node& node) const;

  World& w_;
  Rng rng_;  // the random expander's draws (its own stream: other draws do not move)
  std::map<uint64_t, Upcoming> upcoming_;
  uint64_t next_upcoming_ = 0;
  std::vector<int32_t> next_index_;                   // per pool: the next node index to use
  std::vector<SimTime> backoff_until_;                // per pool: failed scale-up back-off
  std::optional<SimTime> last_scale_up_;              // lastScaleUpTime
  std::map<std::string, SimTime> unneeded_since_;     // node name -> first seen unneeded
  std::map<std::string, std::string> unneeded_why_;   // node name -> utilization text
  std::set<std::string> deleting_;                    // drained for removal
  std::map<std::string, std::string> not_triggered_;  // pod group -> last NotTriggerScaleUp
  // The unneeded nodes as of the last find_unneeded(): node -> pods to move, and why.
  std::map<std::string, std::vector<KeyId>> unneeded_;
  std::map<std::string, std::string> unneeded_now_why_;
  bool dirty_ = true;  // the store changed since find_unneeded()
};

// The Karpenter-style provisioner (karpenter.cpp): batches of unschedulable pods launch the
// cheapest offerings that hold them; consolidation deletes empty nodes and removes or replaces
// underutilized ones.
class Karpenter final : public StoreWatcher {
 public:
  explicit Karpenter(World& w);
  void on_change(Kind, KeyId) override { dirty_ = true; }
  // The scheduler found a pod unschedulable: open or extend the batch.
  void pod_unschedulable();
  // An EventKind::kKarpenter event: a = 0 disruption poll, 1 batch check, 2 node Ready (b =
  // claim id).
  void fire(uint32_t a, uint64_t b);

 private:
  struct Offering {
    size_t np = 0;    // into cfg.karpenter.node_pools
    size_t pool = 0;  // into cfg.node_pools
    NodeId node = 0;  // template node in scratch_
    Resources allocatable;
    Resources overhead;  // DaemonSet pods' requests on the template (pods counted)
    int64_t price = 0;   // micro-USD per hour
    std::string label;   // "m5.large on-demand", "m5.large spot us-east-1a"
    std::string zone;    // "" when the NodePool names no zone
    size_t zone_index = 0;
  };
  struct Claim {
    size_t offering = 0;
    int32_t index = 0;
    SimTime launched;
    std::optional<std::string> replaces;  // node to drain once this one is Ready
    SimTime oldest_pending;               // the oldest pod it was launched for turned Pending
  };
  // The node an offering launches as its index-th node: the pool's node, in the offering's zone.
  Node node_of(const Offering& o, int32_t index) const;
  int32_t nodes_in_zone(size_t np, const std::string& zone) const;  // existing + in flight
  bool cheaper(size_t a, size_t b) const;                           // launch preference
  void queue_batch_check();
  void provision();
  void launch(size_t offering, const std::string& why, std::optional<std::string> replaces,
              SimTime oldest_pending);
  void node_ready(uint64_t id);
  void disrupt();
  bool consolidate_one(const std::vector<SimNode*>& order);
  // reason: Empty or Underutilized; decision: Delete or Replace.
  void disrupt_node(SimNode& n, const std::string& reason, const std::string& decision,
                    const std::string& detail);
  std::vector<KeyId> reschedulable(const SimNode& n) const;
  int32_t nodepool_of(const std::string& pool) const;  // -1: not a Karpenter node
  // Nodes and in-flight claims: their capacity summed, and their number in *nodes.
  Resources nodepool_capacity(size_t np, int64_t* nodes = nullptr) const;
  // One more node of `offering` stays within the NodePool's limits and under
  // kMaxNodesPerPool nodes (the cap of a NodePool without limits).
  bool within_limits(size_t np, const Resources& used, int64_t nodes, size_t offering) const;

  World& w_;
  ClusterSnapshot scratch_;  // one template node per offering, with its DaemonSet pods
  std::vector<Offering> offerings_;
  std::vector<int32_t> next_index_;  // per cfg.node_pools entry
  bool batch_open_ = false, batch_queued_ = false;
  SimTime batch_opened_, last_trigger_;
  std::map<uint64_t, Claim> inflight_;
  uint64_t next_claim_ = 0;
  std::set<std::string> deleting_;                    // being drained for removal
  std::set<std::string> replacing_;                   // tainted, waiting for their replacement
  std::map<std::string, std::set<KeyId>> pods_seen_;  // node -> pods at the last poll
  std::map<std::string, SimTime> last_pod_event_;
  std::map<std::string, std::string> not_provisioned_;  // pod group -> last message
  std::map<std::string, std::string> failed_example_;   // pod group -> a pod's name
  // Consolidation is a function of the store and of which nodes are candidates: a poll that
  // found nothing is not repeated until one of them changes.
  bool dirty_ = true;
  std::vector<std::string> last_candidates_;
};

// ---------------------------------------------------------------- periodic work

// A timeline action at its time (timeline.cpp).
void apply_timeline(World& w, const SimTimelineEvent& e);
// One metrics-server scrape: per-pod usage from the LoadSource, OOM kills
// (metrics.cpp).
void scrape_metrics(World& w);

// metrics-server's freshContainerMinMetricsResolution (pkg/storage/pod.go):
// a container's first point alone gives a sample only once it has run this long.
inline constexpr SimDuration kFreshContainerMinMetricsResolution{10'000};

// The window of the PodMetrics sample metrics-server serves after a scrape at
// `timestamp` of a container started at `container_start` (its current
// instance), given the timestamp of the point it stored for that container at
// the previous scrape (`last_point`, nullopt when the container was not in that
// scrape). nullopt: no sample (metrics.k8s.io has no PodMetrics for the pod).
// Mirrors kubernetes-sigs/metrics-server pkg/storage/pod.go podStorage.Store
// (which point becomes "prev") and types.go resourceUsage (window = last.Timestamp
// - prev.Timestamp, CPU = the cumulative-usage difference over it):
//  * fresh container, start < timestamp, 10 s <= age < resolution: a synthetic
//    prev point at the start time with zero CPU -> window = timestamp - start;
//  * else the previous scrape's point of the same container instance
//    (start < last_point < timestamp) -> window = timestamp - last_point;
//  * else none: a container younger than 10 s, or one seen for the first time
//    (just restarted, node scrape failed before) has no sample until the next scrape.
// Example (resolution 15 s, scrapes at 0, 15, 30 s): started at 2 s -> 15 s:
// window 13 s; started at 7 s -> 15 s: none (8 s old), 30 s: window 15 s.
std::optional<SimDuration> metrics_server_window(SimTime container_start, SimTime timestamp,
                                                 std::optional<SimTime> last_point,
                                                 SimDuration resolution);

// ---------------------------------------------------------------- helpers

// Probe arithmetic of the kubelet's prober workers (pkg/kubelet/prober/worker.go).
// A worker starts with the pod (`origin`) and probes at origin + k x period
// (k >= 0); a probe is skipped while the container has run for fewer than
// initialDelaySeconds whole seconds.
// Example: origin 0, period 10 s, container running at 7 s, delay 5 s:
// ticks 0, 10, 20 s; 10 s is 3 s after start (< 5) -> skipped; 20 s passes.
SimTime first_tick_at_or_after(SimTime origin, SimDuration period, SimTime t);

struct ProbeTimeline {
  std::optional<SimTime> started;    // startup probe passed (= running without one)
  std::optional<SimTime> ready;      // readiness passed successThreshold times
  std::optional<SimTime> killed;     // liveness/startup failed failureThreshold times (hang)
  const Probe* killed_by = nullptr;  // the probe that failed, when killed
};
ProbeTimeline probe_timeline(const Container& c, SimTime origin, SimTime running,
                             RolloutFault fault);

// PodDisruptionBudget status (pkg/controller/disruption): how many of the
// budget's pods may be evicted now. Example: minAvailable 2, 3 healthy -> 1.
int32_t disruptions_allowed(World& w, const PodDisruptionBudget& pdb);

// Parsed cron schedule (5 fields, or @hourly/@daily/...). Simulated time 0
// is Monday 2024-01-01 00:00 UTC.
struct CronSchedule {
  std::set<int> minutes, hours, days_of_month, months, days_of_week;
  bool dom_star = true, dow_star = true;
};
std::optional<CronSchedule> parse_cron(std::string_view text);
// The first scheduled time strictly after t (minute resolution), within a year.
std::optional<SimTime> next_cron_time(const CronSchedule& s, SimTime t);

}  // namespace simcluster
