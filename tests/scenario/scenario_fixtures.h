// A scratch directory with a tiny manifest set, for scenario loader tests.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "simcluster/error.h"
#include "simcluster/scenario.h"

namespace simcluster::testing {

// Creates a fresh directory under the system temp dir; removes it on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("simcluster-scenario-test-" + std::to_string(::getpid()) + "-" +
             std::to_string(++counter));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
    write("app.yaml", kManifest);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string path() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

  void write(const std::string& name, const std::string& text) const {
    std::filesystem::create_directories((path_ / name).parent_path());
    std::ofstream(path_ / name, std::ios::binary) << text;
  }

  // Parses scenario text as if it were <dir>/test.yaml.
  Scenario parse(const std::string& text) const {
    return parse_scenario(text, file("test.yaml"), path());
  }

  // The error message (what()) parsing `text` gives, or "" when it parses.
  std::string error(const std::string& text) const {
    try {
      (void)parse(text);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }

  // A web Deployment + Service, a db StatefulSet + headless Service, an Ingress.
  static constexpr const char* kManifest = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: shop}
data: {DB_HOST: db}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: web:1
          envFrom: [{configMapRef: {name: cfg}}]
          resources: {requests: {cpu: 200m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - name: db
          image: postgres:16
          resources: {requests: {cpu: 250m, memory: 256Mi}}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: main, namespace: shop}
spec:
  rules:
    - http:
        paths:
          - path: /shop
            pathType: Prefix
            backend: {service: {name: web, port: {number: 80}}}
)";

 private:
  std::filesystem::path path_;
};

// The smallest valid scenario over the scratch manifests, with `extra` appended.
inline std::string minimal_scenario(const std::string& extra = "") {
  return R"(name: t
manifests: [app.yaml]
cluster:
  nodePools:
    - {name: pool, count: 2, preset: 2cpu-4gi}
)" + extra;
}

}  // namespace simcluster::testing
