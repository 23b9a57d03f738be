#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "sample_report.h"
#include "schema_check.h"
#include "simcluster/render.h"

using namespace simcluster;
using namespace simcluster::testing;
using nlohmann::json;

namespace {

// The seed report's six workloads as its manifests declare them.
std::vector<WorkloadBounds> seed_bounds() {
  auto b = [](std::string kind, std::string name, int32_t min, int32_t max, int64_t cpu,
              int64_t mem, int64_t storage) {
    WorkloadBounds w;
    w.kind = std::move(kind);
    w.ns = "production";
    w.name = std::move(name);
    w.min_replicas = min;
    w.max_replicas = max;
    w.requests_per_pod = res(cpu, mem);
    w.storage_per_pod = storage;
    return w;
  };
  return {b("Deployment", "auth-service", 2, 10, 250, 256, 0),
          b("Deployment", "chat-service", 3, 20, 300, 384, 0),
          b("Deployment", "billing-service", 2, 8, 250, 256, 0),
          b("StatefulSet", "postgres", 1, 1, 250, 256, 10 * kGi),
          b("StatefulSet", "redis", 1, 1, 100, 128, 5 * kGi),
          b("Deployment", "jaeger", 1, 1, 100, 256, 0)};
}

struct Fixture {
  Report baseline = sample_report("baseline", 3, 5, 3, 100);
  Report high = sample_report("high", 8, 18, 5, 5000);
  Report peak = sample_report("peak", 10, 20, 8, 10000);
  SizingInput input;

  Fixture() {
    // high and peak settle at their maximum; baseline starts at 3/5/3 and
    // settles at 2/3/2 (the claims' figures).
    for (Report* r : {&high, &peak}) {
      for (auto& w : r->workloads) w.end_replicas = w.max_replicas;
    }
    baseline.workloads[2].end_replicas = 3;
    baseline.pending = {};
    baseline.totals_peak = baseline.totals_start;
    for (auto& s : baseline.samples) s.totals = baseline.totals_start;
    input.runs = {
        {&baseline,
         ClaimedLevel{"Normal Load",
                      100,
                      {{"auth-service", 2}, {"chat-service", 3}, {"billing-service", 2}}}},
        {&high, ClaimedLevel{"High Load",
                             5000,
                             {{"auth-service", 7}, {"chat-service", 15}, {"billing-service", 5}}}},
        {&peak,
         ClaimedLevel{"Peak Load",
                      10000,
                      {{"auth-service", 10}, {"chat-service", 20}, {"billing-service", 8}}}}};
    input.claimed_minimum = {9, 2050, 2304 * kMi, 15 * kGi};
    input.claimed_maximum = {38, 13850, 17536 * kMi, 15 * kGi};
    input.recommended_cluster = ClusterSpec{3, 2000, 4 * kGi};
    input.claimed_full_scale_out_nodes = 10;
    input.computed = compute_manifest_totals(seed_bounds());
    input.claims_source = "scenarios/seed-claims.yaml";
  }
};

// Runs of spaces collapsed to one, so checks do not depend on column widths.
std::string squeeze(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out.push_back(c);
  }
  return out;
}

}  // namespace

TEST_CASE("the seed's own totals do not add up: computed from its manifests they differ") {
  ManifestTotals t = compute_manifest_totals(seed_bounds());
  CHECK(t.minimum.pods == 10);                     // the report says 9, listing ten
  CHECK(t.minimum.cpu_requests_milli == 2350);     // the report says ~2050m
  CHECK(t.minimum.memory_requests == 2816 * kMi);  // the report says ~2304Mi
  CHECK(t.minimum.storage == 15 * kGi);
  CHECK(t.maximum.pods == 41);                      // the report says 38
  CHECK(t.maximum.cpu_requests_milli == 10950);     // the report says ~13850m
  CHECK(t.maximum.memory_requests == 12928 * kMi);  // the report says ~17536Mi
  CHECK(t.maximum.storage == 15 * kGi);
}

TEST_CASE("the sizing comparison puts each run's pods beside the claim and flags differences") {
  Fixture f;
  SizingComparison s = compare_sizing(f.input);
  REQUIRE(s.columns.size() == 3);
  CHECK(s.columns[1].peak_users == 5000);
  CHECK(s.columns[1].claim_label == "High Load");
  REQUIRE(s.rows.size() == 6);
  CHECK(s.rows[2].workload == "production/chat-service");
  CHECK(s.rows[2].cells[1].simulated == 18);
  CHECK(s.rows[2].cells[1].max == 18);
  CHECK(s.rows[2].cells[0].simulated == 3);  // baseline: settled at the claim
  CHECK(s.rows[2].cells[0].max == 5);
  CHECK(s.rows[2].cells[0].difference() == 0);
  CHECK(s.rows[2].cells[1].claimed == 15);
  CHECK(s.rows[2].cells[1].difference() == 3);
  CHECK_FALSE(s.rows[3].cells[1].claimed);  // jaeger: not claimed
  CHECK(s.claimed_subtotal.cells[1].simulated == 8 + 18 + 5);
  CHECK(s.claimed_subtotal.cells[1].claimed == 7 + 15 + 5);
  CHECK(s.total.cells[1].simulated == 8 + 18 + 5 + 3);
  CHECK(s.total.cells[0].max == 3 + 5 + 3 + 3);
  CHECK(s.differences ==
        std::vector<std::string>{"auth-service @5000 users: simulated 8, report says 7 (+1)",
                                 "chat-service @5000 users: simulated 18, report says 15 (+3)"});
}

TEST_CASE("the sizing comparison checks the claimed totals against the manifests") {
  Fixture f;
  SizingComparison s = compare_sizing(f.input);
  REQUIRE(s.totals.size() == 8);
  CHECK(s.totals[1].what == "minimum CPU requests");
  CHECK(s.totals[1].claimed == 2050);
  CHECK(s.totals[1].computed == 2350);
  CHECK(s.totals[2].claimed == 2304);
  CHECK(s.totals[2].computed == 2816);
  CHECK(s.totals[4].claimed == 38);
  CHECK(s.totals[4].computed == 41);
  CHECK(s.totals[5].computed == 10950);
  CHECK(s.totals[6].computed == 12928);
}

TEST_CASE("the sizing comparison says which runs the recommended cluster can hold") {
  Fixture f;
  SizingComparison s = compare_sizing(f.input);
  // baseline: 3350m and 4224Mi need 2 nodes of 2 CPU x 4Gi; nothing pending.
  CHECK(s.columns[0].nodes_needed == 2);
  CHECK(s.columns[0].fits_recommended);
  // peak: 10550m needs 6 such nodes, and pods were pending.
  CHECK(s.columns[2].nodes_needed == 6);
  CHECK(s.columns[2].max_pending == 4);
  CHECK_FALSE(s.columns[2].fits_recommended);
}

TEST_CASE("a run's peak for sizing is its sample with the most CPU requested, pending included") {
  Fixture f;
  // The Report's own peak lower than a sample's (e.g. without pending pods):
  // the sizing takes the sample, which is what a cluster would have to hold.
  f.peak.totals_peak.cpu_requests_milli = 100;
  f.peak.samples[7].totals.cpu_requests_milli = 12001;
  SizingComparison s = compare_sizing(f.input);
  CHECK(s.columns[2].peak.cpu_requests_milli == 12001);
  CHECK(s.columns[2].nodes_needed == 7);
  Report empty;
  SizingInput in;
  in.runs = {{&empty, std::nullopt}};
  empty.totals_peak.cpu_requests_milli = 5;
  CHECK(compare_sizing(in).columns[0].peak.cpu_requests_milli == 5);
}

TEST_CASE("the sizing text table shows runs in columns with claims and differences") {
  Fixture f;
  std::string out = squeeze(render_sizing(f.input, ReportFormat::kText));
  CHECK(out.find("against scenarios/seed-claims.yaml") != std::string::npos);
  CHECK(out.find("high (High Load)") != std::string::npos);
  CHECK(out.find("5000 users") != std::string::npos);
  CHECK(out.find("\nWORKLOAD END MAX CLAIM DIFF END MAX CLAIM DIFF END MAX CLAIM DIFF\n") !=
        std::string::npos);
  CHECK(out.find("\nproduction/chat-service 3 5 3 0 18 18 15 +3 ! 20 20 20 0\n") !=
        std::string::npos);
  CHECK(out.find("\nproduction/jaeger 1 1 - - 1 1 - - 1 1 - -\n") != std::string::npos);
  CHECK(out.find("\nclaimed workloads 7 11 7 0 31 31 27 +4 ! 38 38 38 0\n") != std::string::npos);
  CHECK(out.find("\nall workloads 10 14 - - 34 34 - - 41 41 - -\n") != std::string::npos);
  CHECK(out.find("chat-service @5000 users: simulated 18, report says 15 (+3)") !=
        std::string::npos);
  CHECK(out.find(" minimum pods 9 10 +1 !\n") != std::string::npos);
  CHECK(out.find(" minimum CPU requests 2050m 2350m +300m !\n") != std::string::npos);
  CHECK(out.find(" minimum memory requests 2304Mi 2816Mi +512Mi !\n") != std::string::npos);
  CHECK(out.find(" minimum storage 15Gi 15Gi 0\n") != std::string::npos);
  CHECK(out.find(" maximum pods 38 41 +3 !\n") != std::string::npos);
  CHECK(out.find(" maximum CPU requests 13850m 10950m -2900m !\n") != std::string::npos);
  CHECK(out.find(" maximum memory requests 17536Mi 12928Mi -4608Mi !\n") != std::string::npos);
  CHECK(out.find(" baseline 100 14 3-5 0.7 0 0 3350m 4224Mi 0.07 fits 2 fits\n") != std::string::npos);
  CHECK(out.find(" peak 10000 39 3-5 0.7 4 300 10550m 12544Mi 0.07 fits 6 DOES NOT FIT\n") !=
        std::string::npos);
  CHECK(out.find(
            "Recommended cluster (claimed): 3 nodes x 2000m CPU x 4096Mi = 6000m CPU, 12288Mi") !=
        std::string::npos);
  CHECK(out.find("DOES NOT FIT") != std::string::npos);
  CHECK(out.find("Full scale-out (every workload at its maximum) needs at least 6 such nodes; "
                 "the report says 10.") != std::string::npos);
}

TEST_CASE("the sizing JSON holds the comparison and every run's report, per the schema") {
  Fixture f;
  json j = json::parse(render_sizing(f.input, ReportFormat::kJson));
  CHECK(j["version"] == 1);
  CHECK(j["kind"] == "SizingComparison");
  CHECK(j["reports"].size() == 3);
  CHECK(j["reports"][1]["scenario"] == "high");
  CHECK(j["rows"][2]["cells"][1] ==
        json{{"simulated", 18}, {"max", 18}, {"claimed", 15}, {"difference", 3}});
  CHECK(j["totals"][1]["difference"] == 300);
  CHECK(j["recommended_cluster"]["nodes"] == 3);
  std::ifstream in(std::string(SIMCLUSTER_SOURCE_DIR) + "/docs/report.schema.json");
  SchemaChecker checker(json::parse(in));
  CHECK(checker.check(j) == "");
}

TEST_CASE("the sizing CSV has one row per workload and run") {
  Fixture f;
  std::string csv = render_sizing(f.input, ReportFormat::kCsv);
  CHECK(csv.rfind("scenario,users,workload,simulated,max,claimed,difference\n", 0) == 0);
  CHECK(csv.find("high,5000,production/chat-service,18,18,15,3\n") != std::string::npos);
  CHECK(csv.find("baseline,100,production/chat-service,3,5,3,0\n") != std::string::npos);
  CHECK(csv.find("high,5000,production/jaeger,1,1,,\n") != std::string::npos);
  CHECK(csv.find("peak,10000,all workloads,41,41,,\n") != std::string::npos);
}

TEST_CASE("a claim naming a workload the manifests lack is shown, not dropped") {
  Fixture f;
  f.input.runs[0].claim->pods["frontend"] = 2;
  SizingComparison s = compare_sizing(f.input);
  bool found = false;
  for (const auto& r : s.rows) {
    if (r.name == "frontend") {
      found = true;
      CHECK(r.cells[0].simulated == 0);
      CHECK(r.cells[0].claimed == 2);
    }
  }
  CHECK(found);
  CHECK(s.differences.front() == "frontend @100 users: simulated 0, report says 2 (-2)");
}

TEST_CASE("runs without claims still line up in the sizing table") {
  Report a = sample_report("a"), b = sample_report("b", 4, 6, 3, 2000);
  SizingInput in;
  in.runs = {{&a, std::nullopt}, {&b, std::nullopt}};
  SizingComparison s = compare_sizing(in);
  CHECK(s.differences.empty());
  CHECK(s.totals.empty());
  CHECK_FALSE(s.claimed_subtotal.cells[0].claimed);
  std::string out = render_sizing(in, ReportFormat::kText);
  CHECK(out.find("DIFFERENCES FROM THE CLAIMS (0)") != std::string::npos);
  CHECK(out.find("Recommended cluster") == std::string::npos);
  CHECK(squeeze(out).find(" b 2000 39 3-5 0.7 4 300 10550m 12544Mi 0.07 fits\n") !=
        std::string::npos);  // no recommended cluster
  // A run whose verdict failed says so, with its first issue, in text and JSON.
  b.verdict.fits = false;
  b.verdict.issues.push_back(
      {"PodsPending", "Deployment/production/chat-service", SimTime{SimDuration{615'000}}, 4, "x"});
  SizingComparison failed = compare_sizing(in);
  CHECK_FALSE(failed.columns[1].fits);
  CHECK_FALSE(failed.columns[1].fits_recommended);
  CHECK(squeeze(render_sizing(in, ReportFormat::kText))
            .find(" b 2000 39 3-5 0.7 4 300 10550m 12544Mi 0.07 DOES NOT FIT: PodsPending "
                  "Deployment/production/chat-service from 10m15s\n") != std::string::npos);
  CHECK(render_sizing(in, ReportFormat::kJson).find("\"verdict_reason\": \"PodsPending") !=
        std::string::npos);
}
