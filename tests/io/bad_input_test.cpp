// Bad input: every case must end in an InputError with file:line:col, never a
// crash, a hang or unbounded memory.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "io_testing.h"

using namespace simcluster;
using simcluster::testing::load;
using simcluster::testing::load_error;

namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

constexpr const char* kDeploymentHead = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
)";

}  // namespace

TEST_CASE("malformed YAML is reported at its line and column") {
  InputError e = load_error("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [a, b\n");
  CHECK(e.where().file == "test.yaml");
  CHECK(e.where().line >= 3);
  CHECK(e.where().column >= 1);
  CHECK(contains(e.message(), "malformed YAML"));

  InputError tabs = load_error("a:\n\t- b\n");
  CHECK(tabs.where().line == 2);
}

TEST_CASE("a value of the wrong type is an error naming the field") {
  InputError e = load_error(std::string(kDeploymentHead) + "  replicas: \"three\"\n");
  CHECK(e.where().line == 6);
  CHECK(e.where().column == 13);
  CHECK(contains(e.message(), "spec.replicas: expected an integer, got string \"three\""));
  CHECK(contains(e.message(), "Deployment \"web\""));

  InputError quoted = load_error(std::string(kDeploymentHead) + "  replicas: \"3\"\n");
  CHECK(quoted.hint() == "numbers must not be quoted");

  // kubectl: cannot unmarshal number into Go struct field ObjectMeta.labels of type string
  InputError label = load_error(
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
      "  labels: {version: 1.0}\n");
  CHECK(contains(label.message(), "metadata.labels.version: expected a string, got number 1.0"));
  CHECK(label.hint() == "quote the value: \"1.0\"");

  // YAML 1.1 booleans ("yes", "on") are not strings either.
  InputError yes = load_error(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
      "data: {ENABLED: yes}\n");
  CHECK(contains(yes.message(), "data.ENABLED: expected a string, got boolean yes"));

  InputError list = load_error(std::string(kDeploymentHead) +
                               "  template:\n    spec:\n      containers: {name: a}\n");
  CHECK(contains(list.message(), "spec.template.spec.containers: expected a list, got a mapping"));
}

TEST_CASE("a malformed quantity is an error with the reason") {
  InputError e = load_error(R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: a
      resources:
        requests:
          memory: 12MB
)");
  CHECK(e.where().line == 10);
  CHECK(e.where().column == 19);
  CHECK(contains(e.message(),
                 "spec.containers[0].resources.requests.memory: invalid quantity "
                 "\"12MB\""));
  CHECK_FALSE(e.hint().empty());

  InputError b = load_error(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
      "  containers: [{name: a, image: a, resources: {limits: {cpu: true}}}]\n");
  CHECK(contains(b.message(), "expected a quantity, got boolean true"));
}

TEST_CASE("an unknown field is a strict decoding error with a suggestion") {
  InputError e = load_error(std::string(kDeploymentHead) + "  replica: 3\n");
  CHECK(e.where().line == 6);
  CHECK(e.where().column == 3);
  CHECK(contains(e.message(), "strict decoding error: unknown field \"spec.replica\""));
  CHECK(e.hint() == "did you mean \"spec.replicas\"?");

  InputError deep = load_error(std::string(kDeploymentHead) + R"(  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec:
      containers:
        - name: a
          image: a
          resources:
            request: {cpu: 1}
)");
  CHECK(contains(deep.message(),
                 "unknown field \"spec.template.spec.containers[0].resources.request\""));
  CHECK(deep.hint() == "did you mean \"spec.template.spec.containers[0].resources.requests\"?");

  InputError dup = load_error(std::string(kDeploymentHead) + "  replicas: 1\n  replicas: 2\n");
  CHECK(dup.where().line == 7);
  CHECK(contains(dup.message(), "duplicate field \"replicas\" (first at line 6)"));
}

TEST_CASE("an alias bomb is refused quickly, and harmless where it is not walked") {
  // The classic "billion laughs": 9^9 strings if expanded.
  std::string laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  const char* names = "abcdefghi";
  for (int i = 1; i < 9; ++i) {
    laughs += fmt::format("{}: &{} [", names[i], names[i]);
    for (int k = 0; k < 9; ++k) laughs += fmt::format("{}*{}", k ? ", " : "", names[i - 1]);
    laughs += "]\n";
  }
  auto start = std::chrono::steady_clock::now();
  // In a field nobody reads (status), the shared nodes cost nothing.
  std::string indented;
  for (size_t i = 0, j; i < laughs.size(); i = j + 1) {
    j = laughs.find('\n', i);
    indented += "  " + laughs.substr(i, j - i + 1);
  }
  Manifests ok = load("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nstatus:\n" + indented);
  CHECK(ok.services.size() == 1);
  // Where the decoder reads it, the visit budget stops it.
  std::string env =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
      "  - &c\n    name: a\n    image: a\n    env:\n";
  for (int i = 0; i < 200; ++i) env += fmt::format("    - {{name: V{}, value: v}}\n", i);
  env += "  initContainers: [";
  for (int i = 0; i < 2000; ++i) env += i ? ", *c" : "*c";
  env += "]\n";
  LoadOptions small;
  small.max_nodes_per_file = 100'000;
  InputError bomb = load_error(env, small);
  CHECK(contains(bomb.message(), "expands to more than 1"));  // 100000 + one per byte
  CHECK(contains(bomb.message(), "nodes through aliases"));
  CHECK(bomb.where().line > 0);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));

  // Lists of Lists through aliases are bounded too.
  std::string lists =
      "apiVersion: v1\nkind: List\nitems:\n"
      "- &l0 {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}\n";
  for (int i = 1; i <= 6; ++i) {
    lists += fmt::format("- &l{} {{apiVersion: v1, kind: List, items: [", i);
    for (int k = 0; k < 9; ++k) lists += fmt::format("{}*l{}", k ? ", " : "", i - 1);
    lists += "]}\n";
  }
  InputError nested = load_error(lists);
  CHECK(nested.where().line > 0);
}

TEST_CASE("a ',' where a value should start is refused at once, at its place (issue 12)") {
  // yaml-cpp 0.7 never consumes it and returns empty documents forever; the
  // loader used to stop only at the node budget, blaming an alias bomb.
  struct Case {
    const char* text;
    int line, column;
  };
  for (const Case& c :
       {Case{",", 1, 1}, Case{", ,", 1, 1}, Case{",,,,", 1, 1}, Case{"[a]\n,\n", 2, 1},
        Case{"a: 1\n---\n,", 3, 1}, Case{"# c\n  ,", 2, 3}}) {
    CAPTURE(c.text);
    const auto start = std::chrono::steady_clock::now();
    InputError e = load_error(c.text);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(200));
    CHECK(e.message() == "malformed YAML: unexpected ',' where a value should start");
    CHECK(contains(e.hint(), "inside [ ] or { }"));
    CHECK(e.where().line == c.line);
    CHECK(e.where().column == c.column);
  }
  // Every input of one or two YAML indicator characters ends quickly in
  // objects or an InputError.
  const std::string chars = ",:-?[]{}#&*!|>'\"%@` \n";
  const auto start = std::chrono::steady_clock::now();
  for (char a : chars) {
    for (char b : chars) {
      const std::string text{a, b};
      CAPTURE(text);
      try {
        load(text);
      } catch (const InputError&) {
      }
    }
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

namespace {

// `count` Deployments as a generated manifest writes them, about 600 bytes
// and 70 YAML nodes each.
std::string many_deployments(int count) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    out += fmt::format(R"(---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{0}
  namespace: ns-{1}
  labels: {{app: web-{0}, tier: frontend}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: web-{0}}}
  template:
    metadata:
      labels: {{app: web-{0}, tier: frontend}}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:{0}
          ports: [{{containerPort: 8080}}]
          env:
            - {{name: MODE, value: production}}
            - {{name: PEERS, value: "web-{0}.ns-{1}.svc"}}
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{cpu: 500m, memory: 256Mi}}
)",
                       i, i % 7);
  }
  return out;
}

}  // namespace

TEST_CASE("the node budget grows with the file: large honest files load, bombs do not (issue 12)") {
  // A 50 MB file of real objects used to fail at the fixed 2,000,000 nodes.
  // The budget is max_nodes_per_file plus one node per byte; here a small
  // fixed part stands for the default, with a file ten times over it.
  LoadOptions small;
  small.max_nodes_per_file = 20'000;
  const std::string honest = many_deployments(3000);
  REQUIRE(honest.size() > 1'500'000);
  const Manifests m = load(honest, small);
  CHECK(m.deployments.size() == 3000);
  CHECK(m.deployments.back().metadata.name == "web-2999");

  // The same file with an alias bomb appended is still refused: 10,000
  // aliases of a container with 200 variables are 8 million visits, far more
  // than one per byte.
  std::string bomb =
      "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
      "  - &c\n    name: a\n    image: a\n    env:\n";
  for (int i = 0; i < 200; ++i) bomb += fmt::format("    - {{name: V{}, value: v}}\n", i);
  bomb += "  initContainers: [";
  for (int i = 0; i < 10'000; ++i) bomb += i ? ", *c" : "*c";
  bomb += "]\n";
  const auto start = std::chrono::steady_clock::now();
  InputError e = load_error(honest + bomb, small);
  CHECK(contains(e.message(), "through aliases"));
  CHECK(e.where().line > 75'000);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
}

TEST_CASE("a recursive alias is refused") {
  InputError e = load_error("a: &a [1, *a]\n");
  CHECK(e.where().line == 1);
}

TEST_CASE("very deep nesting is refused before the parser recurses") {
  InputError flow = load_error(std::string(100'000, '[') + std::string(100'000, ']'));
  CHECK(contains(flow.message(), "nested deeper than 128 levels"));
  CHECK(flow.where().line == 1);
  CHECK(flow.where().column == 129);

  std::string block;
  for (int i = 0; i < 5000; ++i) block += std::string(static_cast<size_t>(i), ' ') + "a:\n";
  InputError indent = load_error(block);
  CHECK(contains(indent.message(), "nested deeper"));
  CHECK(indent.where().line == 129);

  std::string dashes;
  for (int i = 0; i < 50'000; ++i) dashes += "- ";
  InputError seq = load_error(dashes + "x\n");
  CHECK(contains(seq.message(), "nested deeper"));
}

TEST_CASE("binary junk, NUL bytes and invalid UTF-8 are refused with their position") {
  InputError nul = load_error(std::string("apiVersion: v1\nkind: Pod\x00\n", 26));
  CHECK(contains(nul.message(), "NUL byte"));
  CHECK(nul.where().line == 2);
  CHECK(nul.where().column == 10);

  InputError utf = load_error("apiVersion: v1\nkind: \xff\xfe\n");
  CHECK(contains(utf.message(), "invalid UTF-8 byte 0xFF"));
  CHECK(utf.where().line == 2);
  CHECK(utf.where().column == 7);

  InputError overlong = load_error("a: \xc0\xaf\n");
  CHECK(contains(overlong.message(), "invalid UTF-8"));

  InputError control = load_error("a: b\x07\n");
  CHECK(contains(control.message(), "control character U+0007"));

  InputError utf16 =
      load_error(std::string("\xff\xfe"
                             "a\0:\0",
                             6));
  CHECK(contains(utf16.message(), "UTF-16"));

  std::string junk;
  uint32_t x = 12345;
  for (int i = 0; i < 4096; ++i) {
    x = x * 1103515245 + 12345;
    junk.push_back(static_cast<char>(x >> 16));
  }
  CHECK_THROWS_AS(load(junk), InputError);

  // Valid UTF-8 beyond ASCII is fine, and a BOM is skipped.
  Manifests ok = load(
      "\xef\xbb\xbf"
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
      "data: {greeting: \"h\xc3\xa9llo \xe2\x9c\x93\"}\n");
  CHECK(ok.config_maps.at(0).data.at("greeting") == "h\xc3\xa9llo \xe2\x9c\x93");
}

TEST_CASE("an empty file is no objects, as kubectl reads it") {
  Manifests m = load("");
  CHECK(m.files.size() == 1);
  CHECK(m.warnings.size() == 1);
  Manifests comments = load("# only a comment\n---\n---\n");
  CHECK(comments.deployments.empty());
  CHECK(comments.skipped.empty());
  // validate reports what kubectl apply says for no objects at all.
  ValidationReport r = validate(m);
  REQUIRE(r.count(Severity::kError) == 1);
  bool found = false;
  for (const Problem& p : r.problems) found |= p.message == "no objects passed to apply";
  CHECK(found);
}

TEST_CASE("documents that are not objects are refused") {
  CHECK(contains(load_error("just a string\n").message(), "expected a Kubernetes object"));
  CHECK(contains(load_error("- a\n- b\n").message(), "expected a Kubernetes object"));
  InputError no_kind = load_error("apiVersion: v1\nmetadata: {name: x}\n");
  CHECK(no_kind.message() == "kind not set");
  InputError no_api = load_error("kind: Pod\nmetadata: {name: x}\n");
  CHECK(no_api.message() == "apiVersion not set");
  InputError no_name = load_error("apiVersion: v1\nkind: ConfigMap\ndata: {}\n");
  CHECK(contains(no_name.message(), "resource name may not be empty"));
  InputError bad_op = load_error(std::string(kDeploymentHead) +
                                 "  selector:\n    matchExpressions: [{key: a, operator: in}]\n");
  CHECK(contains(bad_op.message(), "Unsupported value: \"in\""));
  CHECK(bad_op.hint() == "did you mean \"In\"?");
}

TEST_CASE("a pod's preemptionPolicy is read, and a wrong one named with its place") {
  auto with = [](const std::string& v) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  preemptionPolicy: " + v +
           "\n  containers: [{name: c, image: i}]\n";
  };
  CHECK(load(with("Never")).pods.at(0).spec.preemption_policy == "Never");
  InputError bad = load_error(with("never"));
  CHECK(contains(bad.message(), "spec.preemptionPolicy: Unsupported value: \"never\""));
  CHECK(bad.where().line == 5);
}

TEST_CASE("spread policies, matchLabelKeys and namespaceSelector are read, not dropped") {
  const Manifests m = load(R"(apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: a}}
spec:
  containers: [{name: c, image: i}]
  topologySpreadConstraints:
    - {maxSkew: 1, topologyKey: zone, labelSelector: {matchLabels: {app: a}},
       matchLabelKeys: [pod-template-hash], nodeAffinityPolicy: Ignore, nodeTaintsPolicy: Honor}
  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        - {topologyKey: host, namespaceSelector: {}, matchLabelKeys: [x], mismatchLabelKeys: [z]}
)");
  const PodSpec& spec = m.pods.at(0).spec;
  const TopologySpreadConstraint& c = spec.topology_spread_constraints.at(0);
  CHECK(c.match_label_keys == std::vector<std::string>{"pod-template-hash"});
  CHECK(c.node_affinity_policy == "Ignore");
  CHECK(c.node_taints_policy == "Honor");
  const PodAffinityTerm& t = spec.affinity.pod_anti_affinity->required.at(0);
  CHECK(t.namespace_selector_set);
  CHECK(t.match_label_keys == std::vector<std::string>{"x"});
  CHECK(t.mismatch_label_keys == std::vector<std::string>{"z"});
}

TEST_CASE("missing paths say so, with a hint") {
  try {
    load_manifests({"/nonexistent/simcluster/deploy.yaml"});
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.message() == "no such file or directory");
    CHECK(e.where().file == "/nonexistent/simcluster/deploy.yaml");
    CHECK(contains(e.hint(), "does not exist"));
  }
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "simcluster_io_missing_test";
  fs::create_directories(dir);
  std::ofstream(dir / "deployment.yaml") << "# nothing\n";
  try {
    load_manifests({(dir / "deploymnt.yaml").string()});
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.hint() == fmt::format("did you mean \"{}\"?", (dir / "deployment.yaml").string()));
  }
  fs::remove_all(dir);
}

TEST_CASE("input larger than the size cap is refused before it is parsed") {
  LoadOptions small;
  small.max_file_bytes = 1024;
  InputError e = load_error(std::string(2048, '#'), small);
  CHECK(contains(e.message(), "larger than"));
  namespace fs = std::filesystem;
  const fs::path file = fs::temp_directory_path() / "simcluster_io_big_test.yaml";
  std::ofstream(file) << std::string(4096, '#');
  CHECK_THROWS_AS(load_manifests({file.string()}, small), InputError);
  fs::remove(file);
}

TEST_CASE("a namespace that contradicts -n is refused, as kubectl refuses it") {
  LoadOptions opts;
  opts.namespace_override = "staging";
  InputError e =
      load_error("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: prod}\n", opts);
  CHECK(contains(e.message(), "does not match the namespace \"staging\""));
  CHECK(e.hint() == "pass --namespace=prod or leave metadata.namespace out");
}

TEST_CASE("API rules the model cannot represent are refused at load") {
  InputError path_type = load_error(R"(apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i}
spec:
  rules:
    - http:
        paths:
          - path: /
            backend: {service: {name: s, port: {number: 80}}}
)");
  CHECK(contains(path_type.message(), "pathType: Required value"));
  CHECK(path_type.where().line == 8);
  InputError negative = load_error(std::string(kDeploymentHead) + "  replicas: -1\n");
  CHECK(contains(negative.message(), "must be greater than or equal to 0"));
  InputError secret = load_error(
      "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
      "data: {password: not-base64!}\n");
  CHECK(contains(secret.message(), "data.password: illegal base64 data"));
  InputError recreate = load_error(std::string(kDeploymentHead) +
                                   "  strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}\n");
  CHECK(contains(recreate.message(), "Forbidden"));
  InputError no_max = load_error(R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: h}
spec:
  scaleTargetRef: {kind: Deployment, name: web}
)");
  CHECK(contains(no_max.message(), "spec.maxReplicas: Required value"));
}

TEST_CASE("more pods than a run holds are refused at load, before anything is sized by them") {
  const auto start = std::chrono::steady_clock::now();
  // One field over the limit: refused at that field.
  InputError replicas = load_error(std::string(kDeploymentHead) + "  replicas: 1000000000\n");
  CHECK(replicas.where().line == 6);
  CHECK(replicas.where().column == 13);
  CHECK(contains(replicas.message(),
                 "spec.replicas: 1000000000 pods are more than simcluster simulates: a run holds "
                 "at most 150000 pods"));
  CHECK(contains(replicas.hint(), "lower spec.replicas"));
  InputError hpa = load_error(R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: h}
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  maxReplicas: 150001
)");
  CHECK(hpa.where().line == 6);
  CHECK(contains(hpa.message(), "spec.maxReplicas: 150001 pods are more than"));
  InputError job = load_error(
      "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  parallelism: 2000000\n"
      "  template: {spec: {restartPolicy: Never, containers: [{name: c, image: x}]}}\n");
  CHECK(contains(job.message(), "spec.parallelism: 2000000 pods are more than"));

  // Each under the limit, together over it: refused at the workload that crosses it.
  auto deployment = [](const std::string& name, int replicas) {
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name +
           "}\nspec:\n  replicas: " + std::to_string(replicas) +
           "\n  selector: {matchLabels: {app: " + name +
           "}}\n  template:\n    metadata: "
           "{labels: {app: " +
           name + "}}\n    spec: {containers: [{name: c, image: x}]}\n";
  };
  const std::string two = deployment("a", 100'000) + "---\n" + deployment("b", 50'000);
  CHECK(load(two).deployments.size() == 2);  // 150,000: at the limit
  InputError sum = load_error(two + "---\n" + deployment("c", 1));
  CHECK(sum.where().line == 21);
  CHECK(contains(sum.message(),
                 "Deployment default/c asks for 1 pods, which brings the manifests "
                 "to 150001 pods at once: more than a run holds (150000)"));
  // An HPA's maxReplicas counts instead of spec.replicas when it is higher.
  InputError scaled = load_error(two +
                                 "---\napiVersion: autoscaling/v2\nkind: "
                                 "HorizontalPodAutoscaler\nmetadata: {name: b}\nspec:\n  "
                                 "scaleTargetRef: {kind: Deployment, name: b}\n  "
                                 "maxReplicas: 60000\n");
  CHECK(contains(scaled.message(), "Deployment default/b (its HPA's maxReplicas) asks for 60000"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
}
