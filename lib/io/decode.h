// Decoding of Kubernetes objects from YNode trees into objects.h types, with
// API defaulting (k8s pkg/apis/*/v1/defaults.go). Private to lib/io.
#pragma once

#include <string>

#include "io/decoder.h"
#include "simcluster/objects.h"

namespace simcluster::io {

struct DecodeOptions {
  std::string namespace_override;  // kubectl -n; empty: "default"
};

// Decodes one YAML document: an object, or a List whose items are objects.
// Modelled kinds are appended to `out`; others to out.skipped.
void decode_document(Decoder& d, const YNode* root, const DecodeOptions& options, Manifests& out);

// Pieces shared by the kinds (decode_pod.cpp).
ObjectMeta decode_meta(const MapView& object);
LabelSelector decode_label_selector(Decoder& d, const YNode* node, const std::string& path);
NodeSelectorTerm decode_node_selector_term(Decoder& d, const YNode* node, const std::string& path);
PodTemplateSpec decode_pod_template(const MapView& parent, std::string_view field);
PodSpec decode_pod_spec(const MapView& parent, std::string_view field);
PersistentVolumeClaim decode_pvc(Decoder& d, const YNode* node, const std::string& path);

// SetDefaults_Pod (core/v1/defaults.go): a container with a limit and no
// request for a resource gets the limit as its request.
void default_requests_from_limits(PodSpec& spec);

}  // namespace simcluster::io
