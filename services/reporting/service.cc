#include "services/reporting/service.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "services/common/log.h"

#include "services/common/status.h"
#include "services/reporting/render/render.h"
#include "services/reporting/reports/annual.h"
#include "services/reporting/reports/coverage.h"
#include "services/reporting/reports/narrative.h"
#include "services/reporting/reports/year_on_year.h"
#include "services/reporting/reports/self_assessment.h"

namespace carestat {

namespace {

constexpr auto kCallDeadline = std::chrono::seconds(30);

void Deadline(grpc::ClientContext* c) { c->set_deadline(std::chrono::system_clock::now() + kCallDeadline); }

class GrpcMetrics final : public MetricsSource {
 public:
  explicit GrpcMetrics(v1::Metrics::Stub* stub) : stub_(stub) {}

  absl::StatusOr<v1::GetSeriesResponse> Series(const std::string& la, const std::string& indicator,
                                               const std::string& breakdown, const std::string& from,
                                               const std::string& to) override {
    grpc::ClientContext c;
    Deadline(&c);
    v1::GetSeriesRequest req;
    req.set_la(la);
    req.set_indicator(indicator);
    req.set_breakdown(breakdown);
    req.set_from(from);
    req.set_to(to);
    req.set_with_comparators(true);
    v1::GetSeriesResponse resp;
    grpc::Status s = stub_->GetSeries(&c, req, &resp);
    if (!s.ok()) return FromGrpc(s);
    return resp;
  }

  absl::StatusOr<std::vector<v1::IndicatorPoint>> Values(const std::string& la, const std::string& period) override {
    grpc::ClientContext c;
    Deadline(&c);
    v1::GetValuesRequest req;
    req.set_la(la);
    req.set_period(period);
    v1::GetValuesResponse resp;
    grpc::Status s = stub_->GetValues(&c, req, &resp);
    if (!s.ok()) return FromGrpc(s);
    return std::vector<v1::IndicatorPoint>(resp.points().begin(), resp.points().end());
  }

  absl::StatusOr<std::vector<v1::IndicatorDefinition>> Indicators() override {
    grpc::ClientContext c;
    Deadline(&c);
    v1::ListIndicatorsResponse resp;
    grpc::Status s = stub_->ListIndicators(&c, v1::ListIndicatorsRequest(), &resp);
    if (!s.ok()) return FromGrpc(s);
    return std::vector<v1::IndicatorDefinition>(resp.indicators().begin(), resp.indicators().end());
  }

  absl::StatusOr<v1::LaBenchmark> Benchmark(const std::string& la, const std::string& indicator,
                                            const std::string& year) override {
    grpc::ClientContext c;
    Deadline(&c);
    v1::GetBenchmarkRequest req;
    req.set_la(la);
    req.set_indicator(indicator);
    req.set_year(year);
    v1::GetBenchmarkResponse resp;
    grpc::Status s = stub_->GetBenchmark(&c, req, &resp);
    if (!s.ok()) return FromGrpc(s);
    if (resp.benchmarks_size() == 0)
      return absl::NotFoundError("metrics gave no benchmark for " + la + " " + indicator + " " + year);
    return resp.benchmarks(0);
  }

  absl::StatusOr<v1::LaForecast> Forecast(const std::string& la, const std::string& reference_end) override {
    grpc::ClientContext c;
    Deadline(&c);
    v1::ForecastRequest req;
    req.set_la(la);
    req.set_reference_end(reference_end);
    req.set_backtest(true);
    v1::ForecastResponse resp;
    grpc::Status s = stub_->Forecast(&c, req, &resp);
    if (!s.ok()) return FromGrpc(s);
    if (resp.forecasts_size() != 1) return absl::InternalError("metrics gave no forecast for LA " + la);
    return resp.forecasts(0);
  }

 private:
  v1::Metrics::Stub* stub_;
};

// An LA's returns from a service that lists them (ingestion's store, or metrics' copy
// from the last recompute): both answer ListReturns alike.
template <typename Stub>
absl::StatusOr<v1::ListReturnsResponse> ReturnListOf(Stub* stub, const std::string& la) {
  grpc::ClientContext c;
  Deadline(&c);
  v1::ListReturnsRequest req;
  req.set_la(la);
  v1::ListReturnsResponse resp;
  grpc::Status s = stub->ListReturns(&c, req, &resp);
  if (!s.ok()) return FromGrpc(s);
  return resp;
}

template <typename Stub>
absl::StatusOr<std::vector<v1::ReturnInfo>> ListReturnsOf(Stub* stub, const std::string& la) {
  auto resp = ReturnListOf(stub, la);
  if (!resp.ok()) return resp.status();
  return std::vector<v1::ReturnInfo>(resp->returns().begin(), resp->returns().end());
}

class GrpcReturns final : public ReturnsSource {
 public:
  explicit GrpcReturns(v1::Ingestion::Stub* stub) : stub_(stub) {}

  absl::StatusOr<std::vector<v1::ReturnInfo>> Returns(const std::string& la) override {
    return ListReturnsOf(stub_, la);
  }
  absl::StatusOr<v1::ListReturnsResponse> ReturnList(const std::string& la) override {
    return ReturnListOf(stub_, la);
  }

  absl::StatusOr<std::vector<v1::ValidationIssue>> Issues(const std::string& return_id) override {
    grpc::ClientContext c;
    Deadline(&c);
    v1::GetIssuesRequest req;
    req.set_return_id(return_id);
    v1::GetIssuesResponse resp;
    grpc::Status s = stub_->GetIssues(&c, req, &resp);
    if (!s.ok()) return FromGrpc(s);
    return std::vector<v1::ValidationIssue>(resp.issues().begin(), resp.issues().end());
  }

 private:
  v1::Ingestion::Stub* stub_;
};

// The returns as metrics holds them from the LA's last recompute, each with its issues
// counted by rule: reporting needs no route to ingestion for the data-quality section.
class MetricsReturns final : public ReturnsSource {
 public:
  explicit MetricsReturns(v1::Metrics::Stub* stub) : stub_(stub) {}

  absl::StatusOr<std::vector<v1::ReturnInfo>> Returns(const std::string& la) override {
    return ListReturnsOf(stub_, la);
  }
  absl::StatusOr<v1::ListReturnsResponse> ReturnList(const std::string& la) override {
    return ReturnListOf(stub_, la);
  }

  absl::StatusOr<std::vector<v1::ValidationIssue>> Issues(const std::string&) override {
    return absl::UnimplementedError("issues are held by ingestion only; their counts by rule come with the returns");
  }

 private:
  v1::Metrics::Stub* stub_;
};

// Where an LA's narrative for a year is kept: <narratives>/<la>/<year>.md. The LA and
// year are checked first (an LA code of letters and digits, a financial year), so a
// request never names a path outside the folder.
absl::StatusOr<std::string> NarrativePath(const std::string& dir, const std::string& la, const std::string& year) {
  if (la.empty() || la.size() > 16 ||
      !std::all_of(la.begin(), la.end(), [](char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }))
    return absl::InvalidArgumentError(absl::StrCat("LA '", la, "' is not an LA code like 301"));
  std::string problem;
  auto start = ParseFinancialYear(year, &problem);
  if (!start) return absl::InvalidArgumentError(problem);
  return (std::filesystem::path(dir) / la / (FormatPeriod(FinancialYear(*start)) + ".md")).string();
}

// The stored narrative of an LA's year: nullopt when none is stored.
absl::StatusOr<std::optional<NarrativeFile>> StoredNarrative(const std::string& dir, const std::string& la,
                                                             const std::string& year) {
  if (dir.empty()) return std::optional<NarrativeFile>();
  auto path = NarrativePath(dir, la, year);
  if (!path.ok()) return path.status();
  std::ifstream in(*path, std::ios::binary);
  if (!in) return std::optional<NarrativeFile>();
  std::ostringstream text;
  text << in.rdbuf();
  auto file = ParseNarrative(text.str(), absl::StrCat("the narrative stored for LA ", la, " ", year));
  if (!file.ok()) return file.status();
  return std::optional<NarrativeFile>(*std::move(file));
}

// Written beside its place and renamed onto it: a reader sees the old file or the new.
absl::Status StoreNarrative(const std::string& path, const std::string& text) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot make the folder for ", path, ": ", ec.message()));
  const std::string part = absl::StrCat(path, ".part-", ::getpid());
  const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(absl::StrCat("cannot write ", part));
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const bool ok = done == text.size() && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(part.c_str(), path.c_str()) != 0) {
    std::filesystem::remove(part, ec);
    return absl::InternalError(absl::StrCat("cannot store the narrative at ", path));
  }
  return absl::OkStatus();
}

// Where the figures of an LA's annual report for a year, as reporting last built it, are
// kept for next year's report to compare with: beside the narrative, <la>/<year>.report.pb.
absl::StatusOr<std::string> SnapshotPath(const std::string& dir, const std::string& la, const std::string& year) {
  auto path = NarrativePath(dir, la, year);
  if (!path.ok()) return path.status();
  return path->substr(0, path->size() - 3) + ".report.pb";
}

// The stored figures of the LA's report for `year`: nullopt when none is stored (or the
// file is not one: it is written again by the next build of that year).
std::optional<v1::AnnualReport> StoredSnapshot(const std::string& dir, const std::string& la, const std::string& year) {
  if (dir.empty()) return std::nullopt;
  auto path = SnapshotPath(dir, la, year);
  if (!path.ok()) return std::nullopt;
  std::ifstream in(*path, std::ios::binary);
  if (!in) return std::nullopt;
  v1::AnnualReport s;
  if (!s.ParseFromIstream(&in) || s.la() != la) return std::nullopt;
  return s;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ReportingService::ReportingService(std::shared_ptr<grpc::Channel> metrics, std::shared_ptr<grpc::Channel> ingestion,
                                   std::string narratives)
    : narratives_(std::move(narratives)),
      metrics_(metrics ? v1::Metrics::NewStub(metrics) : nullptr),
      ingestion_(ingestion ? v1::Ingestion::NewStub(ingestion) : nullptr) {}

grpc::Status ReportingService::BuildAnnualReport(grpc::ServerContext*, const v1::BuildAnnualReportRequest* req,
                                                 v1::AnnualReport* resp) {
  if (!metrics_) return grpc::Status(grpc::FAILED_PRECONDITION, "this reporting server has no --metrics");
  GrpcMetrics metrics(metrics_.get());
  // The returns the figures rest on, listed as for the self-assessment.
  std::unique_ptr<ReturnsSource> returns;
  if (ingestion_) returns = std::make_unique<GrpcReturns>(ingestion_.get());
  else returns = std::make_unique<MetricsReturns>(metrics_.get());
  auto report = carestat::BuildAnnualReport(req->la(), req->year(), metrics, NowMs(), returns.get());
  if (!report.ok()) return ToGrpc(report.status());
  // Last year's report as it was last built, and this one kept for next year's: its
  // figures only, written again only when they change (so its date says since when).
  if (!narratives_.empty() && report->year_on_year().rows_size() > 0) {
    if (auto previous = StoredSnapshot(narratives_, req->la(), report->year_on_year().previous_year()))
      CompareWithPreviousReport(*previous, &*report);
  }
  if (!narratives_.empty()) {
    const v1::AnnualReport now = ReportSnapshot(*report);
    auto stored = StoredSnapshot(narratives_, req->la(), report->year());
    auto path = SnapshotPath(narratives_, req->la(), report->year());
    if (path.ok() && (!stored || !SameFigures(*stored, now))) {
      if (absl::Status s = StoreNarrative(*path, now.SerializeAsString()); !s.ok())
        CS_LOG(WARNING) << "the report's figures were not kept for next year's: " << s.message();
    }
  }
  // The stored narrative, its markers compared with the figures as they are now.
  auto narrative = StoredNarrative(narratives_, req->la(), req->year());
  if (!narrative.ok()) return ToGrpc(absl::FailedPreconditionError(narrative.status().message()));
  if (*narrative) {
    if (absl::Status s = ApplyNarrative(**narrative, &*report); !s.ok())
      return ToGrpc(absl::FailedPreconditionError(s.message()));
  }
  *resp = *std::move(report);
  return grpc::Status::OK;
}

grpc::Status ReportingService::GetCoverage(grpc::ServerContext*, const v1::GetCoverageRequest* req,
                                           v1::GetCoverageResponse* resp) {
  if (!metrics_) return grpc::Status(grpc::FAILED_PRECONDITION, "this reporting server has no --metrics");
  if (req->la().empty()) return grpc::Status(grpc::INVALID_ARGUMENT, "GetCoverage needs an LA");
  // Metrics' list, as the data-quality page reads it: the returns the figures came from.
  auto list = ReturnListOf(metrics_.get(), req->la());
  if (!list.ok()) return ToGrpc(list.status());
  std::set<int> years;
  for (const auto& r : list->returns()) years.insert(r.collection_year());
  for (const auto& r : list->rejected()) years.insert(r.collection_year());
  resp->set_la(req->la());
  for (auto it = years.rbegin(); it != years.rend(); ++it) {
    v1::YearCoverage* y = resp->add_years();
    y->set_collection_year(*it);
    y->set_period(FormatPeriod(FinancialYear(*it - 1)));
    for (auto& row : CoverageOf(*list, req->la(), *it)) *y->add_returns() = std::move(row);
  }
  return grpc::Status::OK;
}

grpc::Status ReportingService::BuildSelfAssessment(grpc::ServerContext*, const v1::BuildSelfAssessmentRequest* req,
                                                   v1::SelfAssessment* resp) {
  if (!metrics_) return grpc::Status(grpc::FAILED_PRECONDITION, "this reporting server has no --metrics");
  GrpcMetrics metrics(metrics_.get());
  // With --ingestion, the returns as ingestion holds them now; otherwise as metrics
  // holds them from the last recompute (the returns the figures came from).
  std::unique_ptr<ReturnsSource> returns;
  if (ingestion_) returns = std::make_unique<GrpcReturns>(ingestion_.get());
  else returns = std::make_unique<MetricsReturns>(metrics_.get());
  auto sa = carestat::BuildSelfAssessment(req->la(), req->year(), metrics, returns.get(), NowMs());
  if (!sa.ok()) return ToGrpc(sa.status());
  auto narrative = StoredNarrative(narratives_, req->la(), req->year());
  if (!narrative.ok()) return ToGrpc(absl::FailedPreconditionError(narrative.status().message()));
  if (*narrative) {
    if (absl::Status s = ApplyNarrative(**narrative, &*sa); !s.ok())
      return ToGrpc(absl::FailedPreconditionError(s.message()));
  }
  *resp = *std::move(sa);
  return grpc::Status::OK;
}

std::string SafeRenderedFileName(const std::string& name) {
  auto clean = [](const std::string& part) {
    std::string out;
    for (char c : part.substr(0, 100)) {
      const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '-';
      out.push_back(ok ? c : '_');
    }
    return out;
  };
  // The extension (".csv") is kept apart, so that a name of only dots and slashes keeps it.
  const auto dot = name.rfind('.');
  const bool has_ext = dot != std::string::npos && dot + 1 < name.size() && name.size() - dot <= 10;
  std::string stem = clean(has_ext ? name.substr(0, dot) : name);
  const std::string ext = has_ext ? clean(name.substr(dot)) : "";
  // No leading dot (hidden files, "." and ".."): "../../x.csv" becomes "x.csv".
  const size_t start = stem.find_first_not_of("._");
  stem = start == std::string::npos ? "table" : stem.substr(start);
  return stem + ext;
}

grpc::Status ReportingService::Render(grpc::ServerContext*, const v1::RenderRequest* req, v1::RenderResponse* resp) {
  auto out = carestat::Render(*req);
  if (!out.ok()) return ToGrpc(out.status());
  *resp = *std::move(out);
  // The names come from table ids in the request, which a client chose: whoever writes
  // these files must never be led outside its directory, nor overwrite one file with another.
  std::set<std::string> used;
  for (auto& f : *resp->mutable_files()) {
    std::string name = SafeRenderedFileName(f.name());
    if (used.count(name)) {
      const auto dot = name.rfind('.');
      const std::string stem = dot == std::string::npos ? name : name.substr(0, dot);
      const std::string ext = dot == std::string::npos ? "" : name.substr(dot);
      for (int n = 2; used.count(name); ++n) name = stem + "-" + std::to_string(n) + ext;
    }
    used.insert(name);
    f.set_name(name);
  }
  return grpc::Status::OK;
}

}  // namespace carestat

namespace carestat {

grpc::Status ReportingService::PutNarrative(grpc::ServerContext*, const v1::PutNarrativeRequest* req,
                                            v1::PutNarrativeResponse* resp) {
  if (narratives_.empty()) {
    return grpc::Status(grpc::FAILED_PRECONDITION,
                        "this reporting server keeps no narratives: start it with --data DIR (docs/NARRATIVE.md)");
  }
  if (!metrics_) return grpc::Status(grpc::FAILED_PRECONDITION, "this reporting server has no --metrics");
  auto path = NarrativePath(narratives_, req->la(), req->year());
  if (!path.ok()) return ToGrpc(path.status());
  if (req->text().size() > (1 << 20))
    return grpc::Status(grpc::INVALID_ARGUMENT, "a narrative file is at most 1 MiB");
  const std::string name = req->file_name().empty() ? "the narrative" : req->file_name();
  auto file = ParseNarrative(req->text(), name);
  if (!file.ok()) return ToGrpc(file.status());
  // Checked against both reports as they are now: every heading is a section of one of
  // them, and every marker names a figure they hold.
  GrpcMetrics metrics(metrics_.get());
  auto annual = carestat::BuildAnnualReport(req->la(), req->year(), metrics, NowMs());
  if (!annual.ok()) return ToGrpc(annual.status());
  MetricsReturns returns(metrics_.get());
  auto sa = carestat::BuildSelfAssessment(req->la(), req->year(), metrics, &returns, NowMs());
  if (!sa.ok()) return ToGrpc(sa.status());
  if (absl::Status s = CheckHeadings(*file, NarrativeHeadings(&*annual, &*sa)); !s.ok()) return ToGrpc(s);
  if (absl::Status s = ApplyNarrative(*file, &*annual); !s.ok()) return ToGrpc(s);
  if (absl::Status s = ApplyNarrative(*file, &*sa); !s.ok()) return ToGrpc(s);
  if (absl::Status s = StoreNarrative(*path, req->text()); !s.ok()) return ToGrpc(s);
  resp->set_sections(static_cast<int>(file->sections.size()));
  resp->set_stale_sentences(annual->narrative().stale_size() + sa->narrative_stale_size());
  return grpc::Status::OK;
}

}  // namespace carestat
