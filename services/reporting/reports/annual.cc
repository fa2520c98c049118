#include "services/reporting/reports/annual.h"

#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "reference/embedded.h"
#include "services/common/dates.h"

namespace carestat {

v1::Cell PercentChange(const v1::Cell& from, const v1::Cell& to) {
  v1::Cell c;
  if (from.has_value() && to.has_value() && from.value() != 0) {
    c.set_has_value(true);
    c.set_value((to.value() - from.value()) / from.value() * 100.0);
  }
  return c;
}

std::string LaName(const std::string& la) {
  std::istringstream in(kEmbedded_local_authorities);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = absl::StrSplit(line, ',');
    if (f.size() >= 3 && f[0] == la) return f[2];
  }
  return "";
}

namespace {

struct RowSpec {
  const char* indicator;
  const char* label;
  const char* unit;
};

}  // namespace

absl::StatusOr<v1::AnnualReport> BuildAnnualReport(const std::string& la, const std::string& year,
                                                   const SeriesFetch& fetch, int64_t now_ms) {
  auto period = ParsePeriod(year);
  if (!period || period->kind() != v1::Period::FINANCIAL_YEAR) {
    return absl::InvalidArgumentError(absl::StrCat("'", year, "' is not a financial year like 2015-16"));
  }
  const int last = period->start_year();
  const int first = last - 5;
  v1::AnnualReport report;
  report.set_la(la);
  report.set_la_name(LaName(la));
  report.set_year(FormatPeriod(*period));
  report.set_generated_unix_ms(now_ms);

  v1::Table* t1 = report.add_tables();
  t1->set_id("table1");
  t1->set_title("Contacts and referrals to statutory social care");
  t1->set_source("carestat: Ofsted Annex A list 1 (contacts), CIN census (referrals), ONS mid-year "
                 "population estimates aged 0-17");
  for (int y = first; y <= last; ++y) t1->add_periods(FormatPeriod(FinancialYear(y)));
  static const RowSpec kRows[] = {
      {"contacts", "Number of contacts received (including multiple contacts on a child)", "count"},
      {"referrals", "Number of referrals", "count"},
      {"referral_rate", "Referral rate per 10,000", "rate_per_10k"},
  };
  for (const auto& spec : kRows) {
    auto points = fetch(spec.indicator, FormatPeriod(FinancialYear(first)), FormatPeriod(FinancialYear(last)));
    if (!points.ok()) return points.status();
    std::map<int, v1::Cell> by_year;
    for (const auto& p : *points) {
      v1::Cell c;
      c.set_has_value(p.has_value());
      c.set_value(p.value());
      by_year[p.period().start_year()] = c;
    }
    v1::TableRow* row = t1->add_rows();
    row->set_indicator(spec.indicator);
    row->set_label(spec.label);
    row->set_unit(spec.unit);
    for (int y = first; y <= last; ++y) *row->add_values() = by_year[y];
    *row->mutable_change_1y_pct() = PercentChange(by_year[last - 1], by_year[last]);
    *row->mutable_change_5y_pct() = PercentChange(by_year[first], by_year[last]);
  }
  return report;
}

}  // namespace carestat
