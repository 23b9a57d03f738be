// Small manifest worlds for the load model tests.
#pragma once

// GCC 12 warns about members a designated initializer leaves at their defaults;
// leaving them is the point (house style), so the warning is off here.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "simcluster/load_model.h"
#include "simcluster/objects.h"

namespace simcluster::testing {

inline Service make_service(const std::string& name, const std::string& ns = "prod") {
  Service s;
  s.metadata.name = name;
  s.metadata.ns = ns;
  s.metadata.source = {"svc.yaml", 1, 1};
  s.selector = {{"app", name}};
  return s;
}

// A Deployment whose pods carry app=<name>, with env vars (name, literal value).
inline Deployment make_deployment(const std::string& name,
                                  std::vector<std::pair<std::string, std::string>> env = {},
                                  const std::string& ns = "prod") {
  Deployment d;
  d.metadata.name = name;
  d.metadata.ns = ns;
  d.template_.metadata.labels = {{"app", name}};
  Container c;
  c.name = name;
  c.image = name + ":1";
  for (auto& [k, v] : env)
    c.env.push_back(EnvVar{.name = k, .value = v, .source = {"dep.yaml", 7, 9}});
  d.template_.spec.containers.push_back(std::move(c));
  return d;
}

// A graph of services s0..s(n-1) in one namespace with the given edges.
inline ServiceGraph make_graph(size_t n, std::vector<std::tuple<size_t, size_t, double>> edges) {
  ServiceGraph g;
  for (size_t i = 0; i < n; ++i) {
    ServiceNode s;
    s.ns = "prod";
    s.name = "s" + std::to_string(i);
    g.services.push_back(s);
  }
  for (auto [from, to, calls] : edges) {
    g.edges.push_back(CallEdge{.from = from,
                               .to = to,
                               .calls_per_request = calls,
                               .origin = "test",
                               .source = {"test.yaml", 3, 5}});
  }
  return g;
}

}  // namespace simcluster::testing
