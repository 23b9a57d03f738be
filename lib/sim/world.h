// World: everything one simulation owns, shared by its controllers: the
// configuration, the clock, the one seeded Rng, the object store, the event
// queue, the controllers (each with its work queue) and the recorder.
//
// One step of the engine (World::step):
//   1. now = the time of the next event; fire every event queued for now, in
//      (time, sequence) order. An event either puts a key into a controller's
//      work queue (a timer: Requeue{after}) or does periodic work itself
//      (timeline action, metrics scrape; a report sample is taken once the
//      controllers have settled).
//   2. Drain the controllers in the fixed order of ControllerId, round after
//      round, until every work queue is empty. In a round each controller
//      processes the keys queued when its turn starts; keys it queues meanwhile
//      wait for the next round.
//   3. With SIMCLUSTER_CHECKS, check the invariants (checks.cpp).
//   4. Let the recorder integrate the values that hold until the next step.
//
// Controller order (ControllerId): NodeLifecycle, HPA, Deployment,
// ReplicaSet, StatefulSet, DaemonSet, CronJob, Job, Scheduler, Kubelet: the
// order in which a change flows (a node or HPA change -> workloads -> their
// pods -> placement -> the kubelet starting them).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/event_queue.h"
#include "sim/recorder.h"
#include "sim/store.h"
#include "sim/work_queue.h"
#include "simcluster/rng.h"
#include "simcluster/simulator.h"

namespace simcluster {

class World;
class ClusterAutoscaler;
class Karpenter;

enum class ControllerId : uint32_t {
  kNodeLifecycle,
  kHPA,
  kDeployment,
  kReplicaSet,
  kStatefulSet,
  kDaemonSet,
  kCronJob,
  kJob,
  kScheduler,
  kKubelet,
  kCount
};
inline constexpr size_t kNumControllers = static_cast<size_t>(ControllerId::kCount);

// A level-triggered control loop: reconcile(key) reads what it needs from the
// store and moves the object one step toward its desired state. It never
// depends on which change woke it.
class Controller : public StoreWatcher {
 public:
  explicit Controller(World& world) : w_(world) {}
  ~Controller() override = default;
  virtual std::string_view name() const = 0;
  virtual void reconcile(KeyId key) = 0;
  void on_change(Kind, KeyId) override {}

  virtual bool has_work() const { return !queue_.empty(); }
  virtual void add(KeyId key) { queue_.add(key); }
  // Processes the keys queued now (not those added meanwhile).
  virtual void process_round() {
    for (size_t n = queue_.size(); n > 0 && !queue_.empty(); --n) reconcile(queue_.pop());
  }

 protected:
  World& w_;
  WorkQueue queue_;
};

// Event payloads: small values (event_queue.h).
enum class EventKind : uint32_t {
  kRequeue,     // a = controller, b = key
  kTimeline,    // b = index into config.timeline
  kMetrics,     // metrics-server scrape
  kSample,      // report sample
  kAutoscaler,  // cluster autoscaler: a = 0 scan, 1 node provisioned, 2 provisioning failed (b =
                // id)
  kKarpenter,   // Karpenter: a = 0 disruption poll, 1 batch check, 2 node Ready (b = claim id)
};
struct SimEvent {
  EventKind kind = EventKind::kRequeue;
  uint32_t a = 0;
  uint64_t b = 0;
};

class World {
 public:
  explicit World(SimulationConfig config);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  SimulationConfig cfg;
  SimTime now;
  Rng rng;
  Store store;
  EventQueue<SimEvent> events;
  std::array<std::unique_ptr<Controller>, kNumControllers> controllers;
  Recorder recorder;
  // The cluster autoscaler (cluster_autoscaler.cpp); nullptr unless cfg.autoscaler.enabled.
  std::unique_ptr<ClusterAutoscaler> autoscaler;
  // The Karpenter provisioner (karpenter.cpp); nullptr unless cfg.karpenter.enabled.
  std::unique_ptr<Karpenter> karpenter;
  // cluster.fromManifests: where the dump's pods run, by workload ("Kind/ns/name"), in the
  // dump's order: the scheduler places that workload's first pods there (build.cpp,
  // scheduler_controller.cpp). `running`: the dump's pod was Running.
  struct DumpPlacement {
    std::string node;
    std::string pod;  // the dump's pod, for messages
    bool running = false;
  };
  std::map<std::string, std::vector<DumpPlacement>> dump_placement;
  // Placements of the dump the run could not honour (ClusterDumpPlacement warnings).
  std::vector<std::string> dump_warnings;
  uint64_t events_processed = 0;
  // Events processed by kind (requeues by controller, then timeline, metrics,
  // samples, cluster autoscaler, Karpenter) and reconciles by controller: where the engine's
  // time goes.
  std::array<uint64_t, kNumControllers + 5> event_counts{};
  std::array<uint64_t, kNumControllers> reconcile_counts{};

  Controller& controller(ControllerId id) { return *controllers[static_cast<size_t>(id)]; }
  // Queues `key` for controller `c` now.
  void enqueue(ControllerId c, KeyId key) { controller(c).add(key); }
  // Queues `key` for controller `c` at `t` (now when t <= now).
  void requeue_at(ControllerId c, KeyId key, SimTime t);

  // Runs one step (see above). REQUIRES: !events.empty().
  void step();
  // Steps while the next event is at or before t; then now = max(now, t).
  void run_until(SimTime t);

  // ---- shared pod operations (world.cpp)

  // Creates a pod from `tmpl` owned by (owner_kind, owner_name, owner_key).
  SimPod& create_pod(const std::string& ns, const std::string& name,
                     std::shared_ptr<const TemplateInfo> tmpl, const std::string& owner_kind,
                     const std::string& owner_name, std::optional<KeyId> owner_key,
                     const StringMap& extra_labels = {});
  // Graceful deletion (deletionTimestamp): the pod stops counting as active
  // at once and leaves the store when its containers are gone.
  void delete_pod(SimPod& pod, const std::string& reason);
  // Removes the pod object (containers gone / garbage collected).
  void remove_pod(SimPod& pod);
  // Binds a pending pod to a node (the scheduler's Bind).
  void bind_pod(SimPod& pod, NodeId node);
  // The pod's containers crashed (OOMKilled / Error / liveness): restart per
  // the kubelet's back-off.
  void crash_pod(SimPod& pod, const std::string& reason);

  // Adds a Node to the store and the snapshot (no watcher is notified). Throws InputError
  // for a duplicate name.
  SimNode& add_node(Node node, int64_t price_micro_usd_per_hour);

  // Mutations that notify watchers.
  void touch_pod(const SimPod& pod) { store.changed(Kind::kPod, pod.key); }

  // ---- helpers
  bool in_scope(const std::string& ns) const;
  std::string workload_of_pod_owner(const std::string& ns, const std::string& owner_kind,
                                    const std::string& owner_name) const;
  const PriorityClass* priority_class(const std::string& name) const;
  // A TemplateInfo for a pod template of `workload` ("Kind/ns/name").
  // The revision label (`revision_label`) is set to revision_prefix + hash.
  std::shared_ptr<TemplateInfo> make_template(const PodTemplateSpec& tmpl,
                                              const std::string& workload, int32_t workload_index,
                                              RolloutFault fault, const std::string& revision_label,
                                              const std::string& revision_prefix = {}) const;
  std::string random_suffix();  // 5 characters of k8s' rand.String alphabet

 private:
  bool sample_due_ = false;
  void fire(const SimEvent& e);
  void drain_controllers();
};

// A ReplicaSet a Deployment of the manifests owns (its ownerReference), or
// nullptr: the Deployment's controller makes its own, so it is not simulated twice.
const OwnerReference* deployment_owner(const Manifests& m, const ReplicaSet& r);
// The workload ("Kind/ns/name") whose controller makes this pod of the
// manifests (a live cluster's dump), or "" when none does (a bare pod, or one
// whose owner is not in the manifests); "Node/<node>" for a mirror pod.
// Such pods, and finished ones (Succeeded, Failed), are not simulated as pods.
std::string pod_controller(const Manifests& m, const Pod& p);

// Stable short hash of a template's content, rendered like kube's
// pod-template-hash (FNV-1a 32-bit, SafeEncodeString alphabet).
std::string template_hash(const PodTemplateSpec& tmpl, RolloutFault fault);

// The label sets are equal to what a Service's map selector matches.
bool service_selects(const Service& svc, const StringMap& labels);

}  // namespace simcluster
