// Uses the installed library: parses a quantity and computes a pod's request.
#include <simcluster/objects.h>
#include <simcluster/quantity.h>

#include <cstdio>

int main() {
  auto cpu = simcluster::Quantity::parse("1.5");
  if (!cpu || cpu->to_string() != "1500m") return 1;
  simcluster::PodSpec spec;
  simcluster::Container c;
  c.resources.requests["cpu"] = *cpu;
  spec.containers.push_back(c);
  if (simcluster::pod_requests(spec).cpu_milli != 1500) return 1;
  std::printf("consumer ok: %s\n", cpu->to_string().c_str());
  return 0;
}
