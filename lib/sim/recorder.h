// Recorder: watches a World run and builds its Report (report.h).
//
// * Events are appended as they happen (time, then the order they happened).
// * After every engine step, observe() integrates the values that held since
//   the previous step (pending pods, nodes per pool, each workload's desired
//   replicas, CPU requested) over that interval, so summaries are exact in
//   time, not sampled.
// * sample() takes a Sample (every sample_interval) and metrics() receives
//   each metrics scrape's Service loads (latency, SLO seconds).
// * build() finalises the summaries and warnings as of `now`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "simcluster/load_source.h"
#include "simcluster/report.h"
#include "simcluster/simulator.h"
#include "simcluster/time.h"

namespace simcluster {

class World;
struct SimPod;
struct TemplateInfo;

// The scenario's idle usage (serviceDefaults.idleCpu, kubelet.idleMemory) is above the
// template's request or limit: what Recorder::idle_usage_set warns about.
bool idle_usage_exceeds(const TemplateInfo& t, std::optional<int64_t> cpu_milli,
                        std::optional<int64_t> memory);

class Recorder {
 public:
  // One workload of the report (Report::workloads, same order).
  struct WorkloadTrack {
    std::string kind, ns, name;
    std::string key;  // "Kind/ns/name"
    // Deployments, StatefulSets, ReplicaSets and DaemonSets are never erased
    // from the store: their replica count is read through this pointer.
    const int32_t* desired_ptr = nullptr;
    int32_t hpa_max = 0;
    bool has_hpa = false;
    int32_t start = -1, min = 0, max = 0, end = 0;
    int32_t last_desired = -1;
    std::map<int32_t, int64_t> ms_at;  // desired replicas -> ms spent there
    std::vector<int64_t> rollout_seconds;
    // HPA. A scale-up burst starts at the load change (the first metrics
    // scrape of the current rise in users, >1% per scrape) and ends when as
    // many pods are Ready as the burst's highest scale-up asked for; further
    // scale-ups for the same rise extend it; a scale-down abandons it.
    int32_t scale_ups = 0, scale_downs = 0;
    std::vector<int64_t> reaction_seconds;
    std::optional<SimTime> burst_start;  // load change that opened the scale-up burst
    int32_t burst_target = 0;
    std::optional<SimTime> last_burst_start;  // of the burst recorded last
    bool last_burst_recorded = false;
    // CPU throttling (see WorkloadSummary).
    int64_t throttled_ms = 0;
    double peak_demand_of_limit = 0;
    // After the settle window: pod-time sampled and pod-time throttled.
    int64_t settled_pod_ms = 0, settled_throttled_ms = 0;
    std::optional<SimTime> settled_first_throttled;
  };

  // Sets up the workload/service/pool lists. Call once the world is built.
  void init(World& w);

  // A node added by a node autoscaler became Ready; `wait` is the time since the oldest pod
  // it was added for turned Pending (NodeSummary::pending_to_ready_seconds).
  void autoscaled_node_ready(const std::string& pool, SimDuration wait);
  // The scheduler bound `pod` ("ns/name") of `workload` ("Kind/ns/name", "" for a bare
  // pod) to `node`: a Scheduled event. The pods of one workload bound at the same instant
  // share one event (object: the workload; "Successfully assigned N pods of W to M nodes";
  // details pods, nodes), at the place of the first one's: a 150,000-pod start is
  // thousands of lines, not 150,000. A pod bound alone keeps kube-scheduler's message.
  void scheduled(SimTime t, const std::string& workload, const std::string& pod,
                 const std::string& node);
  void event(SimTime t, std::string kind, std::string object, std::string message,
             std::map<std::string, std::string> details = {});

  // Called after each step at w.now.
  void observe(World& w);
  void sample(World& w);
  // What one scrape saw of a workload's pods (indexed by workload index): pods sampled,
  // of them running at their CPU limit (demand above it), and the highest demand in % of
  // the limit among those.
  struct WorkloadSampling {
    int64_t sampled = 0, throttled = 0;
    double peak_demand_of_limit = 0;
  };
  // One metrics scrape: users, the LoadSource's answer per Service and the pods sampled.
  void metrics(World& w, double users, const std::vector<ServiceLoad>& loads,
               const std::vector<WorkloadSampling>& sampled);

  // A StatefulSet pod evicted from an unreachable node that stays Terminating
  // (its controller will not replace it until the node's kubelet confirms).
  void stuck_terminating(std::string pod, std::string node, SimTime since);

  // A container of `pod` was killed (reason "OOMKilled", "Error", "Unhealthy").
  void container_crashed(World& w, const std::string& workload, const std::string& pod,
                         const std::string& reason, int32_t restarts);
  // Every HPA sync: an HPA held at maxReplicas while its metrics ask for more
  // (ScalingLimited=True/TooManyReplicas) is a verdict issue.
  void hpa_synced(World& w, const std::string& hpa, const std::string& target, int32_t max_replicas,
                  int32_t metric_replicas, bool limited_at_max, const std::string& metrics);
  // A running pod no modelled Service covers used the scenario's idle usage
  // (serviceDefaults.idleCpu, kubelet.idleMemory; nullopt = derived): warns
  // once per workload and resource when it exceeds the pod's request or limit.
  void idle_usage_set(const SimPod& p, std::optional<int64_t> cpu_milli,
                      std::optional<int64_t> memory);

  // HPA bookkeeping for the workload summary.
  void hpa_scaled(World& w, int32_t workload_index, int32_t from, int32_t to);
  void rollout_finished(int32_t workload_index, SimDuration took);

  // The Report as of w.now.
  const Report& build(World& w);

  std::vector<WorkloadTrack>& workloads() { return workloads_; }
  int32_t workload_index(const std::string& key) const;

 private:
  void integrate(World& w, SimTime to);
  void update_bursts(World& w);
  std::vector<Warning> warnings(World& w) const;
  Verdict verdict() const;
  // Counts an occurrence of a verdict check for `object` at `t`: in the whole
  // run (for warnings) and, when t is at or after the settle window, for the verdict.
  void issue(SimTime t, const char* check, const std::string& object, std::string message,
             int64_t count = 1, int64_t value = 0);

  struct IssueTrack {
    int64_t count = 0, settled_count = 0;
    SimTime first, settled_first;
    std::string message, settled_message;  // as of the first occurrence
    int64_t settled_value = 0;             // the highest value after settle
  };
  std::map<std::pair<std::string, std::string>, IssueTrack> issues_;  // (check, object)
  SimTime settle_;
  FitCriteria fit_;
  SimDuration node_wait_{0};  // Verdict::node_wait

  Report report_;
  std::vector<ReportEvent> events_;
  // Scheduled events of the current instant by workload: where its event is, how many
  // pods it stands for, on which nodes (see scheduled()).
  struct ScheduledBurst {
    size_t index = 0;
    int64_t pods = 0;
    std::set<std::string> nodes;
  };
  SimTime scheduled_at_;
  std::map<std::string, ScheduledBurst> scheduled_open_;
  std::vector<Sample> samples_;
  std::vector<WorkloadTrack> workloads_;
  std::map<std::string, int32_t> workload_by_key_;

  SimTime last_;  // values below hold since last_
  bool observed_ = false;
  int32_t pending_ = 0;
  int32_t max_pending_ = 0;
  int64_t pending_pod_ms_ = 0;
  std::map<std::string, int32_t> pending_reasons_;

  struct PoolTrack {
    std::string name;
    int32_t ready = 0, existing = 0;
    int32_t min_ready = -1, max_ready = 0;
    int64_t node_ms = 0;
    int64_t price_micro = 0;
    Resources allocatable_per_node;
    std::vector<int64_t> pending_to_ready_ms;
  };
  std::vector<PoolTrack> pools_;

  // Services (LoadSource order)
  struct ServiceTrack {
    std::string ns, name;
    double peak_rps = 0, max_latency = 0, latency = 0;
    double rps = 0;  // arrivals at the last scrape
    double latency_sum = 0;
    int64_t latency_n = 0;
    int64_t ms_over_slo = 0;
    int64_t saturated_ms = 0;
    bool over = false;
    bool saturated = false;
  };
  std::vector<ServiceTrack> services_;
  std::optional<SimTime> last_metrics_;
  double users_ = 0;
  double recorded_users_ = 0;   // users at the last LoadChanged event
  double peak_users_seen_ = 0;  // the most users at any sample so far
  bool have_users_ = false;
  bool rising_ = false;
  std::optional<SimTime> last_load_increase_;

  // Totals and utilization
  ResourceTotals totals_start_, totals_peak_;
  bool have_start_ = false;
  int64_t cpu_requested_ = 0, cpu_allocatable_ = 0;
  size_t pods_seen_ = 0;
  std::map<std::string, std::string> idle_exceeds_;  // "workload cpu|memory" -> warning
  std::vector<std::string> stuck_;  // warnings from stuck_terminating()  // w.store.pods.size()
                                    // when the totals were last summed
  double util_integral_ = 0;        // percent x ms
  int64_t util_ms_ = 0;
  double util_peak_ = 0;
  // Deployments that could not surge at the peak (names), recorded at the peak.
  std::vector<std::string> cannot_surge_at_peak_;
};

}  // namespace simcluster
