// ClusterSnapshot::Impl: the scheduler cache's private layout.
//
// Everything a scheduling decision reads is kept up to date incrementally by
// add_pod / remove_pod / add_node / update_node:
//  * nodes[id]   - the public NodeInfo (aggregates, labels, taints);
//  * hot[id]     - a flat copy of the numbers the Filter/Score inner loops read
//                  (allocatable, requested, non-zero requested, pod count, flags),
//                  so the loop over hundreds of nodes touches one cache line per node;
//  * label classes - pods interned by (namespace, labels). Each class knows how many
//                  of its pods run on each node, so "pods matching selector S on node n"
//                  is a sum over the (few) classes S matches, never a scan of pods;
//  * selector queries - the classes each (namespaces, selector) seen so far matches,
//                  extended when a new class appears;
//  * term groups - existing pods' (anti-)affinity terms, interned, with per-node counts
//                  (the existingAntiAffinityCounts / scoring inputs of interpodaffinity);
//  * topology keys - per label key used by a constraint, the value id of every node.
// Caches that are filled lazily (queries, topology keys, scratch buffers) are
// `mutable`: filling them does not change what the snapshot represents.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "simcluster/scheduler.h"

namespace simcluster {

inline constexpr uint32_t kNoId = UINT32_MAX;

// The numbers the resource Filter and Score read for every examined node, in one
// 64-byte cache line (ephemeral storage and extended resources are read from NodeInfo).
struct alignas(64) NodeHot {
  int64_t alloc_cpu = 0, alloc_mem = 0;
  int64_t req_cpu = 0, req_mem = 0;
  int64_t nz_cpu = 0, nz_mem = 0;  // NonZeroRequested
  int32_t alloc_pods = 0, pod_count = 0;
  uint32_t flags = 0;
};
static_assert(sizeof(NodeHot) == 64);

// 1 / allocatable cpu and memory (0 when the allocatable is 0), so scoring can estimate a
// quotient with a multiplication and correct it to the exact integer / float64 result.
struct NodeRecip {
  double cpu = 0, mem = 0;
};
inline constexpr uint32_t kHotLive = 1;
inline constexpr uint32_t kHotUnschedulable = 2;
inline constexpr uint32_t kHotHardTaints = 4;  // has NoSchedule / NoExecute taints

struct NodeCount {
  int32_t all = 0;     // every pod of the class / group on the node
  int32_t active = 0;  // excluding terminating pods
};

struct LabelClass {
  std::string ns;
  StringMap labels;
  int64_t pods = 0;
  // Pods per node; kept only once some query needed it (class_counts_enabled).
  mutable std::unordered_map<NodeId, NodeCount> on_node;
  // Active (non-terminating) pods per value of a topology key, for the keys a spread
  // constraint asked about: (key index, count by value id). Kept incrementally.
  mutable std::vector<std::pair<int32_t, std::vector<int64_t>>> domain_active;
};

struct SelectorQuery {
  std::vector<std::string> namespaces;  // sorted
  LabelSelector selector;
  std::vector<uint32_t> classes;  // matching class ids
};

enum class TermKind : uint8_t {
  kRequiredAffinity,
  kRequiredAntiAffinity,
  kPreferredAffinity,
  kPreferredAntiAffinity
};

struct TermGroup {
  TermKind kind = TermKind::kRequiredAffinity;
  int32_t weight = 0;
  std::vector<std::string> namespaces;  // resolved (never empty)
  LabelSelector selector;
  std::string topology_key;
  int64_t pods = 0;
  std::unordered_map<NodeId, NodeCount> on_node;
};

struct TopologyKeyIndex {
  std::string key;
  std::vector<int32_t> value_of_node;    // per NodeId; -1 when the label is absent
  std::vector<std::string> values;       // value id -> value; id 0 is ""
  std::vector<int32_t> nodes_per_value;  // live nodes carrying each value
  int64_t nodes_with_key = 0;            // live nodes carrying the key
  std::unordered_map<std::string, int32_t> id_of;
  int32_t intern(const std::string& v);
  void assign(NodeId n, int32_t v);  // value_of_node[n] = v, keeping the counts
};

struct PodRecord {
  SnapshotPod pod;
  uint32_t label_class = kNoId;
  uint32_t index_in_node = 0;  // position in nodes[pod.node].pods
  std::vector<uint32_t> term_groups;
};

// Buffers reused by every scheduling cycle, so a decision allocates nothing per node.
struct SchedScratch {
  std::vector<int32_t> node_match;  // per NodeId, zero outside a computation
  std::vector<NodeId> touched;      // the entries of node_match that are set
  std::vector<uint8_t> node_ok;     // per NodeId: matches the pod's required node affinity
  std::vector<uint8_t> status;      // per NodeId: FilterCode of the last filter run
  std::vector<NodeId> feasible;
  std::vector<NodeId> walk;  // the PreFilter-restricted node list, when there is one
  std::vector<int64_t> totals;
  std::vector<int64_t> plugin;
  std::vector<double> plugin_f;
  std::vector<uint32_t> reasons;
  std::vector<int64_t> histogram;
};

// Resource Filter and Score results already computed for one pod shape, per node: an
// entry is version << 32 | fits << 31 | score, 0 when empty (versions are never 0). Both
// results are pure functions of the node's NodeHot and the shape, so an entry whose
// version is the node's current one is exact. (A stale hit would need 2^32 changes of
// one node between two uses of the shape.)
struct ScoreMemo {
  std::vector<uint64_t> by_node;
  uint64_t last_used = 0;
};
inline constexpr size_t kMaxScoreMemos = 64;

struct ClusterSnapshot::Impl {
  // nodes
  std::vector<NodeInfo> nodes;
  std::vector<NodeHot> hot;
  std::vector<NodeRecip> recip;
  std::vector<uint32_t> version;  // per node; changes whenever hot[id] changes; never 0
  std::unordered_map<std::string, NodeId> node_by_name;
  size_t live_nodes = 0;
  int64_t prefer_no_schedule_taints = 0;  // over all live nodes

  // node_tree.go: zone key -> nodes in insertion order; zones in first-appearance order.
  std::vector<std::pair<std::string, std::vector<NodeId>>> zones;
  std::vector<std::string> zone_key_of_node;
  mutable std::vector<NodeId> order;
  mutable bool order_dirty = false;
  mutable bool order_is_identity = true;  // order[i] == i for every i

  // pods
  std::vector<PodRecord> pods;
  std::vector<PodId> free_pod_ids;
  size_t live_pods = 0;
  uint64_t next_start_node_index = 0;

  // label classes and selector queries
  std::vector<LabelClass> classes;
  std::unordered_multimap<uint64_t, uint32_t> class_by_hash;
  // Per-node class counts are built on the first selector query (a cluster whose pods
  // never use spreading or affinity never pays for them), then kept incrementally.
  mutable bool class_counts_enabled = false;
  mutable std::vector<SelectorQuery> queries;
  mutable std::unordered_map<std::string, uint32_t> query_by_key;

  // existing pods' affinity terms
  std::vector<TermGroup> term_groups;
  std::unordered_map<std::string, uint32_t> term_group_by_key;
  int64_t pods_with_required_anti_affinity = 0;
  int64_t pods_with_affinity = 0;

  // topology keys used by constraints (lazily indexed)
  mutable std::vector<TopologyKeyIndex> topology_keys;
  mutable std::unordered_map<std::string, int32_t> topology_key_by_name;

  mutable SchedScratch scratch;

  // Memoised default resource scores, by pod shape (requests and weights); at most
  // kMaxScoreMemos shapes, the least recently used one is recycled.
  mutable std::vector<ScoreMemo> memos;
  mutable std::map<std::array<int64_t, 8>, uint32_t> memo_by_shape;
  mutable uint64_t memo_clock = 0;

  // ---- operations
  const std::vector<NodeId>& node_list() const;
  // The index of `key`, built over all nodes on first use.
  int32_t topology_key(const std::string& key) const;
  // Classes matched by the selector in any of `namespaces` (sorted), cached.
  const std::vector<uint32_t>& matching_classes(const std::vector<std::string>& namespaces,
                                                const LabelSelector& selector) const;

  void set_node_fields(NodeId id, const Node& node);
  void bump_version(NodeId id) {
    if (++version[id] == 0) version[id] = 1;
  }
  void attach_pod(PodId id);  // add the pod's contribution to every aggregate
  void detach_pod(PodId id);  // remove it (the record stays)
  void count_pod(PodId id, int sign);
  void enable_class_counts() const;
  // Active pods of class c per value of topology key `key` (built on first use).
  const std::vector<int64_t>& class_domain_counts(uint32_t c, int32_t key) const;
  uint32_t intern_class(const std::string& ns, const StringMap& labels);
  uint32_t intern_term_group(TermKind kind, int32_t weight, const PodAffinityTerm& term,
                             const std::string& pod_ns);
};

ClusterSnapshot::Impl& snapshot_impl(ClusterSnapshot& s);
const ClusterSnapshot::Impl& snapshot_impl(const ClusterSnapshot& s);

// nodeaffinity: one NodeSelectorTerm (expressions ANDed, matchFields metadata.name);
// an empty term matches nothing.
bool node_selector_term_matches(const NodeSelectorTerm& term, const StringMap& labels,
                                std::string_view node_name);

// Canonical text of a label selector (for interning): equal text <=> equal selector.
std::string selector_key(const LabelSelector& s);
// Whether an affinity term (namespaces resolved, sorted) matches a pod.
bool term_matches(const std::vector<std::string>& namespaces, const LabelSelector& selector,
                  const std::string& ns, const StringMap& labels);
// The namespaces of a term: its list, or {pod_ns} when empty; sorted, unique.
std::vector<std::string> term_namespaces(const PodAffinityTerm& term, const std::string& pod_ns);

}  // namespace simcluster
