// Jobs and CronJobs.
//
// Job (mirrors k8s pkg/controller/job job_controller.go manageJob, reduced): keeps
// min(parallelism, completions - succeeded) pods active until `completions`
// pods have succeeded. With completions unset (a work queue) it starts
// `parallelism` pods, starts no more once one has succeeded, and is complete
// when one has succeeded and none is still active.
// A Job pod runs JobConfig::run_duration once its containers start, then
// Succeeded (its requests are released). Failures are not modelled.
//
// CronJob (mirrors k8s pkg/controller/cronjob): at each scheduled minute
// (strictly after the previous one; the first strictly after creation at
// t = 0) creates Job <name>-<minutes since the epoch>, honouring
// concurrencyPolicy Allow / Forbid / Replace and `suspend`, and keeps the 3
// most recent finished Jobs (successfulJobsHistoryLimit). Simulated t = 0 is
// Monday 2024-01-01 00:00 UTC.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "sim/controllers.h"

namespace simcluster {

// ---------------------------------------------------------------- cron

namespace {

bool parse_field(std::string_view f, int lo, int hi, std::set<int>& out) {
  // a, a-b, */n, a-b/n, lists with commas.
  while (!f.empty()) {
    size_t comma = f.find(',');
    std::string_view part = f.substr(0, comma);
    f = comma == std::string_view::npos ? std::string_view{} : f.substr(comma + 1);
    int step = 1;
    if (size_t slash = part.find('/'); slash != std::string_view::npos) {
      std::string_view s = part.substr(slash + 1);
      if (std::from_chars(s.data(), s.data() + s.size(), step).ec != std::errc{} || step <= 0) {
        return false;
      }
      part = part.substr(0, slash);
    }
    int a = lo, b = hi;
    if (part != "*" && part != "?") {
      size_t dash = part.find('-');
      std::string_view x = part.substr(0, dash);
      if (std::from_chars(x.data(), x.data() + x.size(), a).ec != std::errc{}) return false;
      b = a;
      if (dash != std::string_view::npos) {
        std::string_view y = part.substr(dash + 1);
        if (std::from_chars(y.data(), y.data() + y.size(), b).ec != std::errc{}) return false;
      } else if (step != 1) {
        b = hi;
      }
    }
    if (a < lo || b > hi || a > b) return false;
    for (int v = a; v <= b; v += step) out.insert(v);
  }
  return !out.empty();
}

// Days since 2024-01-01 -> (month 1..12, day 1..31, weekday 0 = Sunday).
void civil(int64_t days, int& month, int& day, int& weekday) {
  weekday = static_cast<int>((days + 1) % 7);  // 2024-01-01 was a Monday
  // Howard Hinnant's civil_from_days, with days since 1970-01-01.
  int64_t z = days + 19723 + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
}

}  // namespace

std::optional<CronSchedule> parse_cron(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.rfind("CRON_TZ=", 0) == 0 || text.rfind("TZ=", 0) == 0) {
    size_t sp = text.find(' ');
    if (sp == std::string_view::npos) return std::nullopt;
    text = text.substr(sp + 1);
  }
  static const std::map<std::string_view, std::string_view> kMacros = {
      {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
      {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
      {"@hourly", "0 * * * *"}};
  if (auto it = kMacros.find(text); it != kMacros.end()) text = it->second;
  std::vector<std::string_view> fields;
  while (!text.empty()) {
    size_t sp = text.find(' ');
    if (sp != 0) fields.push_back(text.substr(0, sp));
    if (sp == std::string_view::npos) break;
    text = text.substr(sp + 1);
  }
  if (fields.size() != 5) return std::nullopt;
  CronSchedule s;
  if (!parse_field(fields[0], 0, 59, s.minutes) || !parse_field(fields[1], 0, 23, s.hours) ||
      !parse_field(fields[2], 1, 31, s.days_of_month) || !parse_field(fields[3], 1, 12, s.months)) {
    return std::nullopt;
  }
  std::string dow(fields[4]);
  if (!parse_field(dow, 0, 7, s.days_of_week)) return std::nullopt;
  if (s.days_of_week.count(7)) s.days_of_week.insert(0);
  s.dom_star = fields[2] == "*" || fields[2] == "?";
  s.dow_star = fields[4] == "*" || fields[4] == "?";
  return s;
}

std::optional<SimTime> next_cron_time(const CronSchedule& s, SimTime t) {
  // robfig/cron semantics: day matches when dom and dow both match, or, when
  // neither is '*', when either does.
  int64_t minute = t.ms() / 60'000 + 1;
  const int64_t limit = minute + 366LL * 24 * 60;
  while (minute < limit) {
    const int64_t days = minute / 1440;
    int month, dom, dow;
    civil(days, month, dom, dow);
    bool day_ok;
    if (s.dom_star || s.dow_star) {
      day_ok = s.days_of_month.count(dom) && s.days_of_week.count(dow);
    } else {
      day_ok = s.days_of_month.count(dom) || s.days_of_week.count(dow);
    }
    if (!s.months.count(month) || !day_ok) {
      minute = (days + 1) * 1440;
      continue;
    }
    const int hour = static_cast<int>((minute % 1440) / 60);
    if (!s.hours.count(hour)) {
      minute = (minute / 60 + 1) * 60;
      continue;
    }
    if (!s.minutes.count(static_cast<int>(minute % 60))) {
      ++minute;
      continue;
    }
    return SimTime::from_ms(minute * 60'000);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- Job

JobController::JobController(World& w) : Controller(w) {
  w.store.watch(Kind::kPod, this);
  w.store.watch(Kind::kJob, this);
}

void JobController::on_change(Kind kind, KeyId key) {
  if (kind == Kind::kJob) {
    add(key);
    return;
  }
  const SimPod* p = w_.store.pod(key);
  if (p != nullptr && p->owner_kind == "Job" && p->owner) add(*p->owner);
}

void JobController::reconcile(KeyId key) {
  SimJob* j = w_.store.job(key);
  if (j == nullptr || j->completed) return;
  const SimTime now = w_.now;
  int32_t active = 0, succeeded = 0;
  for (auto it = j->pods.begin(); it != j->pods.end();) {
    const SimPod* p = w_.store.pod(*it);
    if (p == nullptr) {
      it = j->pods.erase(it);
      continue;
    }
    if (p->phase == PodPhase::kSucceeded) {
      ++succeeded;
    } else if (p->active()) {
      ++active;
    }
    ++it;
  }
  j->succeeded = std::max(j->succeeded, succeeded);
  const int32_t parallelism = j->job.spec.parallelism.value_or(1);
  const bool work_queue = !j->job.spec.completions;
  const int32_t completions = j->job.spec.completions.value_or(1);
  const std::string object = fmt::format("Job/{}", w_.store.keys.name(key));
  if (work_queue ? j->succeeded > 0 && active == 0 : j->succeeded >= completions) {
    j->completed = now;
    w_.recorder.event(
        now, "JobComplete", object,
        fmt::format("{} completions in {}", j->succeeded, format_duration(now - j->created)));
    if (j->cron_job) w_.enqueue(ControllerId::kCronJob, *j->cron_job);
    return;
  }
  const int32_t want = work_queue ? (j->succeeded > 0 ? 0 : parallelism - active)
                                  : std::min(parallelism, completions - j->succeeded) - active;
  const std::string& ns = j->job.metadata.ns;
  for (int32_t i = 0; i < want; ++i) {
    std::string name;
    do {
      name = j->job.metadata.name + "-" + w_.random_suffix();
    } while (w_.store.pods.count(object_key(ns, name)));
    SimPod& p = w_.create_pod(ns, name, j->tmpl, "Job", j->job.metadata.name, j->key);
    j->pods.insert(p.key);
  }
}

// ---------------------------------------------------------------- CronJob

CronJobController::CronJobController(World& w) : Controller(w) {}

void CronJobController::on_change(Kind, KeyId) {}

void CronJobController::reconcile(KeyId key) {
  SimCronJob* c = w_.store.cron_job(key);
  if (c == nullptr) return;
  const SimTime now = w_.now;
  const std::string object = fmt::format("CronJob/{}", w_.store.keys.name(key));
  auto schedule = parse_cron(c->cj.schedule);
  if (!schedule) {
    if (!c->schedule_ok && !c->last_schedule) {
      c->last_schedule = now;
      w_.recorder.event(now, "CronJobSkipped", object,
                        fmt::format("unparsable schedule '{}': not run", c->cj.schedule));
    }
    return;
  }
  c->schedule_ok = true;
  // Finished and active Jobs; history limit 3 finished.
  std::vector<SimJob*> finished, active;
  for (auto it = c->jobs.begin(); it != c->jobs.end();) {
    SimJob* j = w_.store.job(*it);
    if (j == nullptr) {
      it = c->jobs.erase(it);
      continue;
    }
    (j->completed ? finished : active).push_back(j);
    ++it;
  }
  std::sort(finished.begin(), finished.end(),
            [](const SimJob* a, const SimJob* b) { return a->created < b->created; });
  while (finished.size() > 3) {
    SimJob* old = finished.front();
    finished.erase(finished.begin());
    for (KeyId pk : old->pods) {
      if (SimPod* p = w_.store.pod(pk)) w_.remove_pod(*p);
    }
    c->jobs.erase(old->key);
    w_.store.jobs.erase(w_.store.keys.name(old->key));
  }
  const SimTime after = c->last_schedule.value_or(SimTime{});
  auto due = next_cron_time(*schedule, after);
  if (!due) return;
  if (*due > now) {
    w_.requeue_at(ControllerId::kCronJob, key, *due);
    return;
  }
  // Only the most recent missed time runs (the controller starts one Job).
  SimTime run = *due;
  while (auto n = next_cron_time(*schedule, run)) {
    if (*n > now) break;
    run = *n;
  }
  c->last_schedule = run;
  bool start = !c->cj.suspend;
  if (start && !active.empty()) {
    if (c->cj.concurrency_policy == "Forbid") {
      start = false;
    } else if (c->cj.concurrency_policy == "Replace") {
      for (SimJob* j : active) {
        for (KeyId pk : j->pods) {
          if (SimPod* p = w_.store.pod(pk)) w_.delete_pod(*p, "JobReplaced");
        }
        j->completed = now;
      }
    }
  }
  if (start) {
    const std::string ns = c->cj.metadata.ns;
    // Mirrors k8s pkg/controller/cronjob/utils.go getJobName: the scheduled
    // time in Unix minutes. t = 0 is 2024-01-01 00:00 UTC = 1704067200 s
    // = minute 28401120, so a run at 300 s is "<name>-28401125".
    constexpr int64_t kEpochUnixMinutes = 1'704'067'200 / 60;
    const std::string name =
        fmt::format("{}-{}", c->cj.metadata.name, kEpochUnixMinutes + run.ms() / 60'000);
    const std::string jkey = object_key(ns, name);
    SimJob& j = w_.store.jobs[jkey];
    j.key = w_.store.keys.intern(jkey);
    j.job.metadata.name = name;
    j.job.metadata.ns = ns;
    j.job.spec = c->cj.job_template;
    j.cron_job = c->key;
    j.created = now;
    j.workload_index = c->workload_index;
    j.tmpl = w_.make_template(c->cj.job_template.template_, "CronJob/" + w_.store.keys.name(key),
                              c->workload_index, RolloutFault::kNone, "");
    c->jobs.insert(j.key);
    w_.enqueue(ControllerId::kJob, j.key);
  }
  if (auto n = next_cron_time(*schedule, run)) w_.requeue_at(ControllerId::kCronJob, key, *n);
}

}  // namespace simcluster
