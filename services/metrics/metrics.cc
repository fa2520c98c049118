#include "services/metrics/metrics.h"

#include <chrono>
#include <map>

#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "services/common/keys.h"
#include "services/metrics/indicators/catalogue.h"
#include "services/metrics/indicators/compute.h"

namespace carestat {
namespace {

constexpr char kPoints[] = "points";
constexpr char kLas[] = "las";

KeyBuilder SeriesKey(const std::string& entity, const std::string& indicator, const std::string& breakdown) {
  KeyBuilder k;
  k.Str(entity).Str(indicator).Str(breakdown);
  return k;
}

std::string PointKey(const std::string& entity, const std::string& indicator, const std::string& breakdown,
                     const v1::Period& p) {
  return SeriesKey(entity, indicator, breakdown)
      .U8(static_cast<uint8_t>(p.kind()))
      .U16(static_cast<uint16_t>(p.start_year()))
      .U8(static_cast<uint8_t>(p.month()))
      .Build();
}

// Every period a financial year's recompute owns: the year and its twelve months.
std::vector<v1::Period> PeriodsOfYear(int fy) {
  std::vector<v1::Period> out{FinancialYear(fy)};
  for (int i = 0; i < 12; ++i) out.push_back(i < 9 ? Month(fy, i + 4) : Month(fy + 1, i - 8));
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsEngine>> MetricsEngine::Open(const std::string& dir) {
  auto s = OpenStore(dir, {kPoints, kLas});
  if (!s.ok()) return s.status();
  return std::unique_ptr<MetricsEngine>(new MetricsEngine(std::move(*s)));
}

absl::StatusOr<v1::RecomputeResponse> MetricsEngine::Recompute(const std::string& la,
                                                               const std::vector<int>& collection_years,
                                                               const std::vector<v1::ReturnInfo>& returns,
                                                               const RecordScan& scan) {
  RecordSet set(la);
  for (const auto& r : returns) {
    if (r.la() == la) set.AddReturn(r);
  }
  absl::Status s = scan([&set](const v1::Record& r) { set.Add(r); });
  if (!s.ok()) return s;

  std::set<int> years;
  if (collection_years.empty()) {
    years = set.AllYears();
  } else {
    for (int cy : collection_years) years.insert(cy - 1);
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  std::vector<v1::IndicatorPoint> points = ComputeFrontDoor(set, Populations::Shipped(), years, now);

  std::map<int, std::vector<const v1::IndicatorPoint*>> by_year;
  for (const auto& p : points) {
    int fy = p.period().kind() == v1::Period::MONTH ? FinancialYearOf(PeriodStart(p.period()))
                                                    : p.period().start_year();
    by_year[fy].push_back(&p);
  }
  v1::RecomputeResponse resp;
  resp.set_records_read(set.records());
  for (int fy : years) {
    rocksdb::WriteBatch batch;
    for (const auto& def : Catalogue()) {
      for (const auto& period : PeriodsOfYear(fy)) {
        batch.Delete(s_->cf(kPoints), PointKey(la, def.id, "", period));
      }
    }
    for (const auto* p : by_year[fy]) {
      batch.Put(s_->cf(kPoints), PointKey(p->entity(), p->indicator(), p->breakdown(), p->period()),
                p->SerializeAsString());
      resp.set_points_written(resp.points_written() + 1);
    }
    batch.Put(s_->cf(kLas), KeyBuilder().Str(la).Build(), std::to_string(now));
    if (absl::Status w = s_->Write(&batch); !w.ok()) return w;
    resp.add_periods(FormatPeriod(FinancialYear(fy)));
  }
  return resp;
}

absl::Status MetricsEngine::RequireLa(const std::string& la) const {
  auto v = s_->Get(kLas, KeyBuilder().Str(la).Build());
  if (absl::IsNotFound(v.status())) {
    return absl::NotFoundError(absl::StrCat("no data for LA ", la, ": ingest its returns and recompute first"));
  }
  return v.status();
}

absl::StatusOr<std::vector<v1::IndicatorPoint>> MetricsEngine::GetValues(const std::string& la,
                                                                         const std::string& period) const {
  auto p = ParsePeriod(period);
  if (!p) {
    return absl::InvalidArgumentError(
        absl::StrCat("period '", period, "' is neither a financial year (2015-16) nor a month (2015-06)"));
  }
  if (absl::Status s = RequireLa(la); !s.ok()) return s;
  std::vector<v1::IndicatorPoint> out;
  for (const auto& def : Catalogue()) {
    auto v = s_->Get(kPoints, PointKey(la, def.id, "", *p));
    if (absl::IsNotFound(v.status())) continue;
    if (!v.ok()) return v.status();
    v1::IndicatorPoint point;
    if (!point.ParseFromString(*v)) return absl::DataLossError("corrupt point " + def.id);
    out.push_back(std::move(point));
  }
  return out;
}

absl::StatusOr<std::vector<v1::IndicatorPoint>> MetricsEngine::GetSeries(const std::string& entity,
                                                                         const std::string& indicator,
                                                                         const std::string& breakdown,
                                                                         const std::string& from,
                                                                         const std::string& to) const {
  if (!FindIndicator(indicator)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown indicator '", indicator, "': `carestat indicators --list` shows the ids"));
  }
  int lo = 0, hi = 9999;
  for (auto [text, bound] : {std::pair{&from, &lo}, std::pair{&to, &hi}}) {
    if (text->empty()) continue;
    auto p = ParsePeriod(*text);
    if (!p || p->kind() != v1::Period::FINANCIAL_YEAR) {
      return absl::InvalidArgumentError(absl::StrCat("'", *text, "' is not a financial year like 2015-16"));
    }
    *bound = p->start_year();
  }
  if (absl::Status s = RequireLa(entity); !s.ok()) return s;
  std::vector<v1::IndicatorPoint> out;
  std::string prefix = SeriesKey(entity, indicator, breakdown).U8(v1::Period::FINANCIAL_YEAR).Build();
  std::string start = KeyBuilder(SeriesKey(entity, indicator, breakdown))
                          .U8(v1::Period::FINANCIAL_YEAR).U16(static_cast<uint16_t>(lo)).Build();
  auto it = s_->NewIterator(kPoints);
  for (it->Seek(start); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    v1::IndicatorPoint point;
    if (!point.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())))
      return absl::DataLossError("corrupt point");
    if (point.period().start_year() > hi) break;
    out.push_back(std::move(point));
  }
  return out;
}

}  // namespace carestat
