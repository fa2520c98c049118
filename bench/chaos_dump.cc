// carestat-chaos-dump: everything a run's servers hold that a figure depends on, one
// line per fact, sorted, so that two runs (bench/chaos: one under kill -9, one
// undisturbed) can be compared with diff. Not a test and not shipped; bench/chaos builds
// and runs it.
//
//   carestat-chaos-dump --ingestion 127.0.0.1:7401 --metrics 127.0.0.1:7402 > figures.txt
//
// Lines (tab-separated; times and generations left out, as they differ between runs):
//   return   <return id> <sha256> <file> <records by kind> errors queries children bytes <tallies>
//   read     <LA> <return id> <sha256> ...      what metrics' last recompute of the LA read
//   value    <LA> <period> <indicator{breakdown}> <value> <numerator> <denominator> <sources>
//   series   <entity> <indicator> <period> <value> <numerator> <denominator> <sources>
//   error    <LA> <call> <code> <message>   a call about one LA that failed
// `value` lines are GetValues of each financial year and month the LA's returns cover;
// `series` lines are GetSeries of every indicator with its comparators (ENG, LON, SN:<LA>).
// Values are printed with 17 significant digits: equal text is an equal double.
// Exit: 0 written (calls about one LA that fail are `error` lines), 2 ingestion's
// ListReturns or metrics' ListIndicators failed (the message says which).
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "carestat/v1/ingestion.grpc.pb.h"
#include "carestat/v1/metrics.grpc.pb.h"
#include "services/common/flags.h"
#include "services/common/dates.h"

ABSL_FLAG(std::optional<std::string>, ingestion, std::nullopt, "HOST:PORT: the ingestion server");
ABSL_FLAG(std::optional<std::string>, metrics, std::nullopt, "HOST:PORT: the metrics server");

namespace carestat {
namespace {

std::string Num(double v) { return absl::StrFormat("%.17g", v); }

std::string Point(const v1::IndicatorPoint& p) {
  return absl::StrCat(p.has_value() ? Num(p.value()) : "n/a", "\t", Num(p.numerator()), "\t", Num(p.denominator()),
                      "\t", p.supplied() ? "supplied" : "computed", "\t", absl::StrJoin(p.sources(), "|"));
}

std::string ReturnLine(const v1::ReturnInfo& r) {
  std::vector<std::string> counts, tallies;
  for (const auto& [k, n] : std::map<std::string, int64_t>(r.record_counts().begin(), r.record_counts().end())) {
    counts.push_back(absl::StrCat(k, "=", n));
  }
  for (const auto& t : r.rule_tallies()) tallies.push_back(absl::StrCat(t.rule(), ":", t.severity(), ":", t.count()));
  std::sort(tallies.begin(), tallies.end());
  return absl::StrCat(r.return_id(), "\t", r.content_sha256(), "\t", r.file_name(), "\t", absl::StrJoin(counts, ","),
                      "\terrors=", r.errors(), "\tqueries=", r.queries(), "\tchildren=", r.children(),
                      "\tbytes=", r.bytes(), "\t", absl::StrJoin(tallies, ","));
}

// A call about one LA that failed: a line of its own, so that the comparison shows what
// is missing instead of stopping at the first LA metrics does not hold.
std::string Error(const std::string& la, const std::string& call, const grpc::Status& s) {
  return absl::StrCat("error\t", la, "\t", call, "\t", s.error_code(), "\t", s.error_message());
}

template <typename T>
void Deadline(T* c) {
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
}

int Main(int argc, char** argv) {
  const CommandLine a = ParseFlags(argc, argv, 1, {"ingestion", "metrics"});
  if (a.help || !a.problem.ok() || !a.Has(FLAGS_ingestion) || !a.Has(FLAGS_metrics)) {
    if (!a.problem.ok()) std::fprintf(stderr, "carestat-chaos-dump: %s\n", std::string(a.problem.message()).c_str());
    std::fprintf(stderr, "usage: carestat-chaos-dump --ingestion HOST:PORT --metrics HOST:PORT (plaintext, loopback)\n");
    return a.help ? 0 : 2;
  }
  auto creds = grpc::InsecureChannelCredentials();
  auto ing = v1::Ingestion::NewStub(grpc::CreateChannel(a.Get(FLAGS_ingestion), creds));
  auto met = v1::Metrics::NewStub(grpc::CreateChannel(a.Get(FLAGS_metrics), creds));
  auto fail = [](const std::string& what, const grpc::Status& s) {
    std::fprintf(stderr, "carestat-chaos-dump: %s: %s\n", what.c_str(), s.error_message().c_str());
    return 2;
  };
  std::vector<std::string> lines;

  v1::ListReturnsResponse returns;
  {
    grpc::ClientContext c;
    Deadline(&c);
    if (auto s = ing->ListReturns(&c, v1::ListReturnsRequest(), &returns); !s.ok()) return fail("ingestion ListReturns", s);
  }
  std::map<std::string, std::set<int>> years;   // LA -> collection years
  for (const auto& r : returns.returns()) {
    lines.push_back(absl::StrCat("return\t", ReturnLine(r)));
    years[r.la()].insert(r.collection_year());
  }
  v1::ListIndicatorsResponse indicators;
  {
    grpc::ClientContext c;
    Deadline(&c);
    if (auto s = met->ListIndicators(&c, v1::ListIndicatorsRequest(), &indicators); !s.ok()) {
      return fail("metrics ListIndicators", s);
    }
  }
  std::set<std::string> series_seen;   // a comparator (ENG, LON) is served beside every LA's series
  for (const auto& [la, cys] : years) {
    {
      grpc::ClientContext c;
      Deadline(&c);
      v1::ListReturnsRequest req;
      req.set_la(la);
      v1::ListReturnsResponse read;
      if (auto s = met->ListReturns(&c, req, &read); !s.ok()) {
        lines.push_back(Error(la, "metrics ListReturns", s));
        continue;   // metrics holds nothing of this LA: its values and series would be errors too
      }
      for (const auto& r : read.returns()) lines.push_back(absl::StrCat("read\t", la, "\t", ReturnLine(r)));
    }
    std::vector<std::string> periods;
    for (int cy : cys) {
      periods.push_back(FormatPeriod(FinancialYear(cy - 1)));
      for (int m = 0; m < 12; ++m) periods.push_back(FormatPeriod(Month(cy - 1 + (m + 3) / 12, (m + 3) % 12 + 1)));
    }
    for (const auto& period : periods) {
      grpc::ClientContext c;
      Deadline(&c);
      v1::GetValuesRequest req;
      req.set_la(la);
      req.set_period(period);
      v1::GetValuesResponse resp;
      if (auto s = met->GetValues(&c, req, &resp); !s.ok()) {
        lines.push_back(Error(la, "metrics GetValues " + period, s));
        continue;
      }
      for (const auto& p : resp.points()) {
        const std::string key = p.breakdown().empty() ? p.indicator() : absl::StrCat(p.indicator(), "{", p.breakdown(), "}");
        lines.push_back(absl::StrCat("value\t", la, "\t", period, "\t", key, "\t", Point(p)));
      }
    }
    for (const auto& d : indicators.indicators()) {
      grpc::ClientContext c;
      Deadline(&c);
      v1::GetSeriesRequest req;
      req.set_la(la);
      req.set_indicator(d.id());
      req.set_with_comparators(true);
      v1::GetSeriesResponse resp;
      if (auto s = met->GetSeries(&c, req, &resp); !s.ok()) {
        lines.push_back(Error(la, "metrics GetSeries " + d.id(), s));
        continue;
      }
      for (const auto* list : {&resp.points(), &resp.comparators()}) {
        for (const auto& p : *list) {
          std::string line = absl::StrCat("series\t", p.entity(), "\t", d.id(), "\t", FormatPeriod(p.period()), "\t",
                                          Point(p));
          if (series_seen.insert(line).second) lines.push_back(std::move(line));
        }
      }
    }
  }
  std::sort(lines.begin(), lines.end());
  for (const auto& l : lines) std::printf("%s\n", l.c_str());
  return 0;
}

}  // namespace
}  // namespace carestat

int main(int argc, char** argv) { return carestat::Main(argc, argv); }
