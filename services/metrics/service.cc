#include "services/metrics/service.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/common/server.h"
#include "services/common/telemetry.h"
#include "services/common/status.h"
#include "services/common/dates.h"
#include "services/metrics/benchmark.h"
#include "services/metrics/forecast/run.h"
#include "services/metrics/indicators/catalogue.h"
#include "services/metrics/reference/lait.h"

namespace carestat {

namespace {
// Counts a recompute for Prometheus when it ends: by LA and outcome, with its duration.
struct RecomputeTimer {
  const std::string& la;
  const std::string& outcome;
  std::chrono::steady_clock::time_point started;
  ~RecomputeTimer() {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    Telemetry& t = Telemetry::Get();
    t.Add("carestat_recomputes_total", {{"la", la}, {"outcome", outcome}});
    t.Observe("carestat_recompute_duration_seconds", {{"la", la}}, s);
    t.Set("carestat_recompute_last_duration_seconds", {{"la", la}}, s);
  }
};
}  // namespace

MetricsService::MetricsService(MetricsEngine* engine, std::shared_ptr<grpc::Channel> ingestion)
    : engine_(engine), ingestion_channel_(ingestion), ingestion_(ingestion ? v1::Ingestion::NewStub(ingestion) : nullptr) {}

void DescribeMetricsTelemetry() {
  Telemetry& t = Telemetry::Get();
  t.Describe("carestat_recomputes_total", Telemetry::kCounter, "Recomputes by LA and outcome (ok or failed).");
  t.Describe("carestat_recompute_duration_seconds", Telemetry::kHistogram, "Time a recompute took, by LA.",
             Telemetry::DurationBuckets());
  t.Describe("carestat_recompute_last_duration_seconds", Telemetry::kGauge, "Time the LA's last recompute took.");
}

void MetricsService::NoteIngestion(const grpc::Status& s, const std::string& la) {
  std::lock_guard<std::mutex> lock(unreachable_mu_);
  if (s.ok()) {
    unreachable_.clear();
  } else if (s.error_code() == grpc::UNAVAILABLE || s.error_code() == grpc::DEADLINE_EXCEEDED) {
    unreachable_ = absl::StrCat("ingestion was unreachable for the recompute of LA ", la, ": ", s.error_message());
  }
}

absl::Status MetricsService::Health() {
  std::string why;
  {
    std::lock_guard<std::mutex> lock(unreachable_mu_);
    why = unreachable_;
  }
  if (why.empty() || !ingestion_channel_) return absl::OkStatus();
  absl::Status now = CheckServing(ingestion_channel_, "", std::chrono::seconds(2));
  if (now.ok()) {
    std::lock_guard<std::mutex> lock(unreachable_mu_);
    if (unreachable_ == why) unreachable_.clear();
    return absl::OkStatus();
  }
  return absl::UnavailableError(absl::StrCat(why, " (and still: ", now.message(), ")"));
}

grpc::Status MetricsService::ReturnsFromIngestion(const std::string& la, v1::ListReturnsResponse* returns) {
  v1::ListReturnsRequest lr;
  lr.set_la(la);
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  grpc::Status s = ingestion_->ListReturns(&c, lr, returns);
  if (!s.ok()) return grpc::Status(s.error_code(), "ingestion ListReturns: " + s.error_message());
  if (returns->returns_size() == 0) {
    return grpc::Status(grpc::NOT_FOUND, absl::StrCat("ingestion holds no returns for LA ", la));
  }
  return grpc::Status::OK;
}

MetricsEngine::RecordScan MetricsService::ScanFromIngestion(const std::string& la) {
  return [this, la](const std::vector<std::string>& only,
                    const std::function<void(const v1::Record&)>& fn) -> absl::Status {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(10));
    v1::StreamRecordsRequest sr;
    sr.set_la(la);  // every year: lookbacks need earlier returns
    for (const auto& id : only) sr.add_return_ids(id);
    auto reader = ingestion_->StreamRecords(&c, sr);
    v1::RecordBatch batch;
    while (reader->Read(&batch)) {
      for (const auto& r : batch.records()) fn(r);
    }
    return FromGrpc(reader->Finish());
  };
}

grpc::Status MetricsService::Recompute(grpc::ServerContext* ctx, const v1::RecomputeRequest* req,
                                       v1::RecomputeResponse* resp) {
  if (!ingestion_) {
    return grpc::Status(grpc::FAILED_PRECONDITION, "this metrics server has no --ingestion to read records from");
  }
  if (req->la().empty()) return grpc::Status(grpc::INVALID_ARGUMENT, "Recompute needs an LA");
  std::lock_guard<std::mutex> lock(recompute_mu_);
  // Timed from here: the wait for another recompute is not this one's.
  std::string outcome = "failed";
  RecomputeTimer count{req->la(), outcome, std::chrono::steady_clock::now()};
  v1::ListReturnsResponse returns;
  if (grpc::Status s = ReturnsFromIngestion(req->la(), &returns); !s.ok()) {
    NoteIngestion(s, req->la());
    return s;
  }
  std::vector<v1::ReturnInfo> infos(returns.returns().begin(), returns.returns().end());
  const MetricsEngine::RecordScan scan = ScanFromIngestion(req->la());
  std::vector<int> years(req->collection_years().begin(), req->collection_years().end());
  std::vector<v1::RejectedReturn> rejected(returns.rejected().begin(), returns.rejected().end());
  auto result = engine_->Recompute(req->la(), years, infos, scan, rejected);
  if (!result.ok()) {
    NoteIngestion(ToGrpc(result.status()), req->la());
    return ToGrpc(result.status());
  }
  NoteIngestion(grpc::Status::OK, req->la());
  outcome = "ok";
  *resp = *std::move(result);
  CS_LOG(INFO).With("la", req->la()).With("records", resp->records_read()).With("points", resp->points_written())
      << "recomputed LA " << req->la() << ": " << resp->records_read() << " records, "
               << resp->points_written() << " points, " << resp->periods_size() << " years";
  return grpc::Status::OK;
}

grpc::Status MetricsService::GetValues(grpc::ServerContext*, const v1::GetValuesRequest* req,
                                       v1::GetValuesResponse* resp) {
  auto v = engine_->GetValues(req->la(), req->period());
  if (!v.ok()) return ToGrpc(v.status());
  for (auto& p : *v) *resp->add_points() = std::move(p);
  return grpc::Status::OK;
}

grpc::Status MetricsService::GetSeries(grpc::ServerContext*, const v1::GetSeriesRequest* req,
                                       v1::GetSeriesResponse* resp) {
  if (req->monthly() && req->rolling()) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "ask for the months (monthly) or the rolling 12 months (rolling), "
                                                "not both");
  }
  auto v = req->monthly()   ? engine_->GetMonthlySeries(req->la(), req->indicator(), req->breakdown(), req->from(), req->to())
           : req->rolling() ? engine_->GetRollingSeries(req->la(), req->indicator(), req->breakdown(), req->from(), req->to())
                            : engine_->GetSeries(req->la(), req->indicator(), req->breakdown(), req->from(), req->to());
  if (!v.ok()) return ToGrpc(v.status());
  for (auto& p : *v) *resp->add_points() = std::move(p);
  // Comparators are published by year only.
  if (req->with_comparators() && !req->monthly() && !req->rolling()) {
    for (const std::string& code : {std::string("ENG"), std::string("LON"), "SN:" + req->la()}) {
      auto c = engine_->GetSeries(code, req->indicator(), req->breakdown(), req->from(), req->to());
      if (!c.ok()) continue;  // no comparator loaded for this code
      for (auto& p : *c) *resp->add_comparators() = std::move(p);
    }
  }
  for (auto& t : engine_->GetTargets(req->la(), req->indicator())) *resp->add_targets() = std::move(t);
  return grpc::Status::OK;
}

grpc::Status MetricsService::ListReturns(grpc::ServerContext*, const v1::ListReturnsRequest* req,
                                         v1::ListReturnsResponse* resp) {
  if (req->la().empty()) return grpc::Status(grpc::INVALID_ARGUMENT, "ListReturns needs an LA");
  auto v = engine_->ListReturnsAndRejections(req->la());
  if (!v.ok()) return ToGrpc(v.status());
  *resp = *std::move(v);
  return grpc::Status::OK;
}

grpc::Status MetricsService::PutReferenceData(grpc::ServerContext*, const v1::PutReferenceDataRequest* req,
                                              v1::PutReferenceDataResponse* resp) {
  std::lock_guard<std::mutex> lock(recompute_mu_);
  auto rows = engine_->PutReferenceData(req->table(), req->csv());
  if (!rows.ok()) return ToGrpc(rows.status());
  resp->set_rows(*rows);
  CS_LOG(INFO) << "reference table " << req->table() << ": " << *rows << " rows loaded";
  return grpc::Status::OK;
}

grpc::Status MetricsService::PutLocalMeasures(grpc::ServerContext*, const v1::PutLocalMeasuresRequest* req,
                                              v1::PutReferenceDataResponse* resp) {
  std::lock_guard<std::mutex> lock(recompute_mu_);
  auto rows = engine_->PutLocalMeasures(req->csv());
  if (!rows.ok()) return ToGrpc(rows.status());
  resp->set_rows(*rows);
  return grpc::Status::OK;
}

grpc::Status MetricsService::ListIndicators(grpc::ServerContext*, const v1::ListIndicatorsRequest*,
                                            v1::ListIndicatorsResponse* resp) {
  for (const auto& d : Catalogue()) *resp->add_indicators() = ToProto(d);
  return grpc::Status::OK;
}

absl::StatusOr<LoadedFigures> MetricsService::LoadedFor(const std::string& indicator, int fy) {
  std::lock_guard<std::mutex> lock(loaded_mu_);
  // Read before the points: a write during the reads leaves a newer version, so what
  // was read is not kept past it.
  const uint64_t version = engine_->points_version();
  if (version != loaded_version_) {
    auto las = engine_->LasWithReturns();
    if (!las.ok()) return las.status();
    loaded_las_ = std::move(*las);
    loaded_.clear();
    loaded_version_ = version;
  }
  auto key = std::make_pair(indicator, fy);
  if (auto it = loaded_.find(key); it != loaded_.end()) return it->second;
  LoadedFigures out;
  const std::string period = FormatPeriod(FinancialYear(fy));
  for (const std::string& code : loaded_las_) {
    auto points = engine_->GetSeries(code, indicator, "", period, period);
    if (!points.ok()) {
      if (absl::IsNotFound(points.status())) continue;
      return points.status();
    }
    for (const auto& p : *points) {
      if (p.supplied() || p.period().start_year() != fy) continue;
      out[code] = ComputedPoint{p.has_value(), p.value(), p.numerator(), p.denominator()};
    }
  }
  loaded_.emplace(key, out);
  return out;
}

grpc::Status MetricsService::GetBenchmark(grpc::ServerContext*, const v1::GetBenchmarkRequest* req,
                                          v1::GetBenchmarkResponse* resp) {
  const Lait& lait = Lait::Shipped();
  const Lait::Area* area = lait.FindArea(req->la());
  if (req->la().empty() || area == nullptr || area->type != "la") {
    return grpc::Status(grpc::INVALID_ARGUMENT,
                        absl::StrCat("unknown LA '", req->la(), "': give a DfE LA code, like 301"));
  }
  std::vector<const IndicatorDef*> indicators;
  if (req->indicator().empty()) {
    for (const auto& d : Catalogue()) indicators.push_back(&d);
  } else if (const IndicatorDef* d = FindIndicator(req->indicator())) {
    indicators.push_back(d);
  } else {
    return grpc::Status(grpc::INVALID_ARGUMENT, absl::StrCat("unknown indicator '", req->indicator(),
                                                             "': `carestat indicators --list` shows the ids"));
  }
  std::optional<int> year;
  if (!req->year().empty()) {
    std::string problem;
    year = ParseFinancialYear(req->year(), &problem);
    if (!year) return grpc::Status(grpc::INVALID_ARGUMENT, problem);
  }
  for (const IndicatorDef* d : indicators) {
    // The council's own figures: metrics' stored financial-year points computed from its
    // returns (none when metrics holds no data for the LA).
    ComputedFigures own;
    auto series = engine_->GetSeries(req->la(), d->id, "", "", "");
    if (series.ok()) {
      for (const auto& p : *series) {
        if (p.has_value() && !p.supplied() && p.period().kind() == v1::Period::FINANCIAL_YEAR)
          own[p.period().start_year()] = p.value();
      }
    } else if (!absl::IsNotFound(series.status())) {
      return ToGrpc(series.status());
    }
    std::optional<int> fy = year;
    if (!fy) fy = LatestPublishedYear(lait, req->la(), d->id);
    if (!fy && !own.empty()) fy = own.rbegin()->first;
    if (!fy) {  // no year asked, none published, none computed
      v1::LaBenchmark* b = resp->add_benchmarks();
      b->set_la(req->la());
      b->set_la_name(area->name);
      b->set_indicator(d->id);
      const Lait::Mapping* m = lait.FindMapping(d->id);
      b->set_status(m ? m->status : "not published by DfE");
      if (m) b->set_note(m->difference);
      continue;
    }
    v1::LaBenchmark* b = resp->add_benchmarks();
    *b = BenchmarkOf(lait, req->la(), d->id, *fy, own, &engine_->populations());
    // The same comparators from the loaded LAs' own returns (labelled apart, never mixed
    // with DfE's).
    auto loaded = LoadedFor(d->id, *fy);
    if (!loaded.ok()) return ToGrpc(loaded.status());
    if (auto c = LoadedComparatorsOf(lait, req->la(), d->id, *fy, *loaded)) *b->mutable_loaded() = *c;
  }
  return grpc::Status::OK;
}

grpc::Status MetricsService::ListChildren(grpc::ServerContext*, const v1::ListChildrenRequest* req,
                                          v1::ListChildrenResponse* resp) {
  // Who may call it is the `case` role's alone (security.cc, MethodRoles); the audit
  // line records the LA, indicator, period and children_returned.
  if (req->la().empty() || req->indicator().empty() || (req->period().empty() && !req->has_exact_period())) {
    return grpc::Status(grpc::INVALID_ARGUMENT,
                        "ListChildren needs an LA, an indicator and a period (exact_period, or period as text)");
  }
  // Refused before any record is read.
  if (absl::Status s = MetricsEngine::CheckListable(req->indicator()); !s.ok()) return ToGrpc(s);
  if (!ingestion_) {
    return grpc::Status(grpc::FAILED_PRECONDITION,
                        "this metrics server has no --ingestion to read the children's records from");
  }
  // Not a recompute (nothing is stored): not counted as one.
  std::lock_guard<std::mutex> lock(recompute_mu_);
  v1::ListReturnsResponse returns;
  if (grpc::Status s = ReturnsFromIngestion(req->la(), &returns); !s.ok()) {
    NoteIngestion(s, req->la());
    return s;
  }
  std::vector<v1::ReturnInfo> infos(returns.returns().begin(), returns.returns().end());
  auto result = engine_->ListChildren(*req, infos, ScanFromIngestion(req->la()));
  if (!result.ok()) return ToGrpc(result.status());
  *resp = *std::move(result);
  return grpc::Status::OK;
}

grpc::Status MetricsService::Forecast(grpc::ServerContext*, const v1::ForecastRequest* req,
                                      v1::ForecastResponse* resp) {
  if (!ingestion_) {
    return grpc::Status(grpc::FAILED_PRECONDITION, "this metrics server has no --ingestion to read the episodes from");
  }
  // Options are checked once, before any record is read.
  if (auto o = forecast::OptionsOf(*req); !o.ok()) return ToGrpc(o.status());
  v1::ListReturnsResponse returns;
  if (grpc::Status s = ReturnsFromIngestion(req->la(), &returns); !s.ok()) {
    if (req->la().empty() && s.error_code() == grpc::NOT_FOUND)
      return grpc::Status(grpc::NOT_FOUND, "ingestion holds no returns for any LA");
    return s;
  }
  std::map<std::string, std::vector<v1::ReturnInfo>> by_la;
  for (const auto& r : returns.returns()) by_la[r.la()].push_back(r);
  if (req->la().empty()) {
    // Every LA that has SSDA903 returns, each on its own; one LA's refusal is its error.
    std::vector<std::string> las;
    for (const auto& [la, infos] : by_la)
      if (std::any_of(infos.begin(), infos.end(), [](const v1::ReturnInfo& r) {
            return absl::StartsWith(r.dataset(), "ssda903");
          }))
        las.push_back(la);
    std::vector<v1::LaForecast> out(las.size());
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i = next++; i < las.size(); i = next++) {
        auto h = forecast::HistoryFromRecords(by_la.at(las[i]), ScanFromIngestion(las[i]));
        absl::StatusOr<v1::LaForecast> f =
            h.ok() ? forecast::ForecastLa(las[i], "stored SSDA903 returns", *h, *req) : h.status();
        if (f.ok()) {
          out[i] = *std::move(f);
        } else {
          out[i].set_la(las[i]);
          out[i].set_error(std::string(f.status().message()));
        }
      }
    };
    const unsigned n = std::clamp<unsigned>(std::thread::hardware_concurrency(), 1, 8);
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < n; ++t) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
    for (auto& f : out) *resp->add_forecasts() = std::move(f);
    return grpc::Status::OK;
  }
  auto h = forecast::HistoryFromRecords(by_la[req->la()], ScanFromIngestion(req->la()));
  if (!h.ok()) return ToGrpc(h.status());
  auto f = forecast::ForecastLa(req->la(), "stored SSDA903 returns", *h, *req);
  if (!f.ok()) return ToGrpc(f.status());
  *resp->add_forecasts() = *std::move(f);
  return grpc::Status::OK;
}

}  // namespace carestat
