// Loading real Kubernetes manifests into the typed object model (objects.h),
// and checking a loaded set the way `simcluster validate` reports it.
//
// Loading contract:
//  * Input is what `kubectl apply -f` accepts: files, directories (walked
//    recursively; only *.yaml, *.yml and *.json; sorted by path), and "-" for
//    stdin. Multi-document YAML and `kind: List` are flattened in order.
//  * Decoding is strict, as kubectl's server-side field validation is: an
//    unknown field in a modelled structure, a value of the wrong YAML type
//    (replicas: "three", a number where a label value must be a string) or a
//    malformed quantity is an InputError at its file:line:col.
//  * API defaulting is applied as the API server would (probe timings,
//    strategies, HPA metrics and behavior, Job parallelism, Service target
//    ports, requests defaulted from limits, ...); Deployment/StatefulSet
//    `replicas` stays absent when absent, since that matters with an HPA.
//    Then the admission plugins that change pods are applied to pod templates:
//    LimitRanger (Container defaults of the namespace's LimitRanges) and
//    Priority (priorityClassName -> spec.priority).
//  * Kinds that are not modelled (CRDs, RBAC, webhooks, Kustomization, ...)
//    are listed in Manifests::skipped, never an error.
//  * Bad input never crashes, hangs or grows memory without bound: files are
//    capped in size, YAML in nodes (aliases included) and in nesting depth,
//    and the pods the workloads ask for in kMaxPodsPerRun.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simcluster/api_validation.h"
#include "simcluster/error.h"
#include "simcluster/objects.h"
#include "simcluster/resources.h"

namespace simcluster {

// The most pods the manifests may ask for at once: every Deployment,
// StatefulSet and ReplicaSet at its spec.replicas or its HPA's maxReplicas,
// whichever is higher, plus every Job's and CronJob's parallelism.
// load_manifests() refuses more (and any one replicas, maxReplicas or
// parallelism above it), so neither `validate` nor `run` sizes anything by
// an impossible count. Mirrors Kubernetes' own limit for the largest clusters
// it supports (kubernetes.io/docs/setup/best-practices/cluster-large: "No more
// than 150,000 total pods"); a run of that many pods takes minutes.
inline constexpr int64_t kMaxPodsPerRun = 150'000;

struct LoadOptions {
  // kubectl -n: objects without a namespace are put there, and an object that
  // names another namespace is an error (as kubectl refuses it). Empty: objects
  // without a namespace go to "default".
  std::string namespace_override;
  // A file (or stdin) larger than this is refused.
  size_t max_file_bytes = size_t{64} << 20;
  // YAML nodes a file may hold (events of the parser, aliases counted once) and
  // nodes the decoder may visit in one file (aliases counted at every use):
  // the guard against alias bombs ("billion laughs"). The budget of a file is
  // this plus one node per byte of the file, so large files of real objects
  // (which hold fewer nodes than bytes) load, and a bomb costs work and
  // memory proportional to its size.
  size_t max_nodes_per_file = 2'000'000;
  // Nesting of mappings and sequences; Kubernetes objects need about 15.
  int max_depth = 128;
};

// The most pods a scalable workload (a Deployment, a StatefulSet, or a
// ReplicaSet no other object owns) asks for at once: its spec.replicas
// (default 1), or the maxReplicas of an HPA that scales it when that is higher.
struct ReplicaDemand {
  std::string kind, ns, name;
  int64_t replicas = 1;           // spec.replicas
  int64_t hpa_max_replicas = 0;   // the highest maxReplicas of the HPAs scaling it; 0: none
  int64_t hpa_min_replicas = 0;   // the highest minReplicas of the HPAs scaling it; 0: none
  SourceLocation source;          // the workload's document
  SourceLocation hpa_source;      // that HPA's document
  SourceLocation hpa_min_source;  // the document of the HPA with the highest minReplicas
  int64_t pods() const { return std::max(replicas, hpa_max_replicas); }
  // "Deployment shop/web"
  std::string display() const { return kind + " " + ns + "/" + name; }
};
// In the order of Manifests' lists: Deployments, StatefulSets, ReplicaSets.
std::vector<ReplicaDemand> replica_demands(const Manifests& manifests);

// Loads every path, in order. Throws InputError on bad input, and when the
// workloads ask for more than kMaxPodsPerRun pods at once.
Manifests load_manifests(const std::vector<std::string>& paths, const LoadOptions& options = {});

// Loads YAML text as if it were a file named `virtual_filename` (for tests and
// for callers that already hold the text).
Manifests load_manifests_from_string(std::string_view text, const std::string& virtual_filename,
                                     const LoadOptions& options = {});

// ---------------------------------------------------------------- validation

enum class Severity { kError, kWarning, kInfo };
std::string_view to_string(Severity s);

// One finding. `code` is a stable identifier ("hpa-target-missing").
struct Problem {
  Severity severity = Severity::kWarning;
  std::string code;
  std::string object;  // "HorizontalPodAutoscaler sock-shop/cart"
  std::string message;
  std::string hint;  // may be empty
  SourceLocation where;
};

// The HPA that scales a workload, as the report shows it.
struct ValidatedAutoscaler {
  std::string name;
  int32_t min_replicas = 1;
  int32_t max_replicas = 0;
  std::vector<std::string> targets;  // "cpu 70%", "memory 512Mi (avg)", "pods/rps 10 (avg)"
  bool disabled = false;             // replicas 0: Kubernetes turns the HPA off
};

// One workload (Deployment, StatefulSet, ReplicaSet, DaemonSet, Job, CronJob
// or bare Pod) with its per-pod resources.
struct ValidatedWorkload {
  std::string kind, ns, name;
  SourceLocation source;
  int32_t replicas = 0;  // as created: spec.replicas, or its default
  bool replicas_defaulted = false;
  std::optional<ValidatedAutoscaler> hpa;
  int32_t min_replicas = 0;     // HPA min, or replicas
  int32_t max_replicas = 0;     // HPA max, or replicas
  Resources requests;           // per pod (pod_requests)
  Resources limits;             // per pod (pod_limits)
  int64_t storage_per_pod = 0;  // bytes of volumeClaimTemplates
  // Deployments, StatefulSets, ReplicaSets and bare Pods run continuously and
  // are summed into the totals; DaemonSets (one pod per node) and Jobs and
  // CronJobs (run to completion) are listed but not summed.
  bool in_totals = true;
};

// Sums of replicas x per-pod amounts over the workloads with in_totals.
// Example: auth 2 x 250m + chat 3 x 300m + billing 2 x 250m + three
// single pods of 250m, 100m and 100m = 2350m CPU requested by 10 pods.
struct ValidationTotals {
  int64_t pods = 0;
  int64_t cpu_requests_milli = 0, cpu_limits_milli = 0;
  int64_t memory_requests = 0, memory_limits = 0;  // bytes
  int64_t storage = 0;  // bytes: claim templates x replicas + standalone PVCs
};

struct ValidationReport {
  std::vector<std::string> files;
  std::map<std::string, int> object_counts;  // kind -> count, modelled kinds
  std::vector<SkippedObject> skipped;
  std::vector<ValidatedWorkload> workloads;
  ValidationTotals initial;       // every workload at its created replica count
  ValidationTotals minimum;       // HPA-scaled workloads at minReplicas
  ValidationTotals maximum;       // HPA-scaled workloads at maxReplicas
  std::vector<Problem> problems;  // sorted by file, line, column

  int count(Severity s) const;
  bool has_errors() const { return count(Severity::kError) > 0; }
};

// Checks a loaded set: inventory, per-workload resources, totals, and
// problems. Errors (what Kubernetes would refuse, or what cannot work): HPA
// scale targets that do not exist, Utilization metrics on a resource some
// container does not request, several HPAs on one workload, Ingress backends
// naming missing Services or ports, API validation failures (no containers,
// no image, selector missing or not matching the template labels, Job
// restartPolicy), unknown PriorityClasses. Warnings: Services selecting no
// pods, containers without requests or limits, missing ConfigMaps, Secrets
// and PVCs, environment values naming Services that do not exist, duplicate
// objects (the loader keeps the last, as kubectl apply does), removed API
// versions. The API validation errors are api_violations(manifests, gates),
// the very checks `simcluster run` refuses a scenario with. Pure: never
// throws on content.
ValidationReport validate(const Manifests& manifests, const FeatureGates& gates = {});

// The report as `simcluster validate` prints it: kubectl-like tables, or JSON.
std::string format_validation_text(const ValidationReport& report);
std::string format_validation_json(const ValidationReport& report);

// The heuristic validate uses for environment values, exposed for tests.
// Returns the Service a value refers to, or nullopt when it does not look like
// a reference to an in-cluster Service. `key` is the variable name (may be
// empty). See validate.cpp for the rules.
struct ServiceReference {
  std::string name;
  std::string ns;  // empty: the namespace of the pod using the value
};
std::optional<ServiceReference> find_service_reference(std::string_view key,
                                                       std::string_view value);

}  // namespace simcluster
