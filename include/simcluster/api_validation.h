// What the API server refuses when the manifests are applied: the field
// validation of the objects simcluster models (k8s pkg/apis/core/validation,
// pkg/apis/apps/validation, pkg/apis/batch/validation,
// pkg/apis/autoscaling/validation), on objects already decoded and defaulted.
//
// One function serves both commands, so they cannot disagree:
//  * `simcluster validate` lists every violation as an error ("invalid");
//  * `simcluster run` (the World built from the manifests) refuses the first
//    one, by file:line:col, with the same location and text.
// The decoders refuse what cannot even be decoded (wrong YAML types, unknown
// fields, negative replicas, missing required fields) before this runs.
#pragma once

#include <string>
#include <vector>

#include "simcluster/error.h"
#include "simcluster/objects.h"

namespace simcluster {

// The kube-apiserver feature gates that change validation (--feature-gates).
struct FeatureGates {
  // HPAScaleToZero (alpha, off by default): an HPA may set minReplicas 0 when
  // it has an Object or External metric.
  bool hpa_scale_to_zero = false;
};

// One refusal, as kubectl prints it:
// `spec.minReplicas: Invalid value: 0: must be greater than or equal to 1`.
struct ApiViolation {
  SourceLocation where;
  std::string ns;       // the object's namespace ("" for cluster-scoped kinds)
  std::string object;   // "HorizontalPodAutoscaler shop/web"
  std::string message;  // field path, then what is wrong
  std::string hint;     // what to do; may be empty

  // "file:line:col: <object>: <message>" (+ hint), as `simcluster validate`
  // prints the same finding.
  [[nodiscard]] InputError error() const;
};

// "Deployment shop/web", or "Node n1" for a cluster-scoped object.
std::string object_label(std::string_view kind, const ObjectMeta& meta);

// The violations of one HPA (validateHorizontalPodAutoscalerSpec).
// Example: minReplicas 0 without the HPAScaleToZero gate, or with it but
// without an Object or External metric, is refused.
std::vector<ApiViolation> hpa_api_violations(const HorizontalPodAutoscaler& hpa,
                                             const FeatureGates& gates);

// The violations of every modelled object of the set, sorted by file, line
// and column (then message), so the first is the one `run` reports.
std::vector<ApiViolation> api_violations(const Manifests& manifests, const FeatureGates& gates);

}  // namespace simcluster
