#include "services/reporting/reports/differences.h"

#include <cmath>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "reference/embedded.h"
#include "services/common/dates.h"
#include "services/common/reference_csv.h"
#include "services/reporting/format.h"

namespace carestat {

namespace {

// The only council whose printed figures are shipped: the one seed-figures.csv was read from.
constexpr char kShippedCouncil[] = "301";

struct ShippedCouncilFigures {
  std::vector<CouncilFigure> figures;
  static absl::StatusOr<ShippedCouncilFigures> Parse(const char* csv) {
    auto t = ReadReferenceCsv(csv, {"indicator", "period", "value", "source"}, "seed-figures");
    if (!t.ok()) return t.status();
    ShippedCouncilFigures out;
    for (const auto& row : t->rows) {
      CouncilFigure f;
      f.indicator = t->Get(row, "indicator");
      const std::string period = t->Get(row, "period");
      std::string problem;
      // Single financial years only ("2015-16"): not "2013-16" or a date.
      auto fy = ParseFinancialYear(period, &problem);
      if (!fy || FormatPeriod(FinancialYear(*fy)) != period) continue;
      f.year = *fy;
      const std::string value = t->Get(row, "value");
      if (!absl::SimpleAtod(value, &f.value)) {
        return absl::InvalidArgumentError(
            absl::StrCat("seed-figures line ", row.line, ": value '", value, "' is not a number"));
      }
      const size_t dot = value.find('.');
      f.dps = dot == std::string::npos ? 0 : static_cast<int>(value.size() - dot - 1);
      f.source = t->Get(row, "source");
      out.figures.push_back(std::move(f));
    }
    return out;
  }
};

std::string Whole(double v) { return FormatNumber(v, "count"); }

}  // namespace

const std::vector<CouncilFigure>& CouncilFigures(const std::string& la) {
  static const std::vector<CouncilFigure> kNone;
  if (la != kShippedCouncil) return kNone;
  return ShippedTable<ShippedCouncilFigures>(kEmbedded_seed_figures, "council's published figures").figures;
}

bool AgreesWhenRounded(double computed, double printed, int dps) {
  return std::fabs(computed - printed) <= 0.5 * std::pow(10.0, -dps) + 1e-9;
}

std::string CountOfRate(const std::string& rate) {
  static const std::map<std::string, std::string> kCounts = {
      {"referral_rate", "referrals"},   {"cin_rate", "cin_open_year_end"}, {"s47_rate", "s47_enquiries"},
      {"cpp_rate", "cpp_year_end"},     {"lac_rate", "lac_year_end"},
  };
  auto it = kCounts.find(rate);
  return it == kCounts.end() ? "" : it->second;
}

std::string CouncilReason(const std::string& indicator, const v1::Cell& computed, const CouncilFigure& printed,
                          const std::vector<CouncilFigure>& council, int year) {
  const std::string count = CountOfRate(indicator);
  if (count.empty() || !computed.has_numerator() || computed.denominator() <= 0 || printed.value <= 0) return "";
  const CouncilFigure* printed_count = nullptr;
  for (const auto& f : council) {
    if (f.indicator == count && f.year == year) printed_count = &f;
  }
  const double n = computed.numerator();
  if (printed_count != nullptr && !AgreesWhenRounded(n, printed_count->value, printed_count->dps)) {
    return absl::StrCat("the count differs: the council printed ", Whole(printed_count->value), " (", count,
                        "), the returns give ", Whole(n));
  }
  // The same count over another population: the one the council's rate implies.
  const double implied = printed_count != nullptr ? printed_count->value / printed.value * 10000.0
                                                  : n / printed.value * 10000.0;
  const double used = computed.denominator();
  if (std::fabs(implied - used) / used < 0.005) return "";  // within the printed rate's rounding
  return absl::StrCat(printed_count != nullptr ? "the same count (" : "on the same count (", Whole(n),
                      printed_count != nullptr ? ")" : ", which the council's document does not print)",
                      ", a different population: the council's rate implies about ", Whole(std::round(implied / 10) * 10),
                      " children aged 0-17, carestat divides by ", Whole(used),
                      " (ONS's mid-year estimate as DfE publishes it now, revised since)");
}

v1::Reconciliation DifferenceRow(const std::string& indicator, const std::string& label, const std::string& unit,
                                 const std::string& period, const v1::Cell& computed, double published,
                                 const std::string& publisher, const std::string& source, std::string reason) {
  v1::Reconciliation row;
  row.set_indicator(indicator);
  row.set_label(label);
  row.set_unit(unit);
  row.set_period(period);
  *row.mutable_computed() = computed;
  v1::Cell* p = row.mutable_published();
  p->set_has_value(true);
  p->set_value(published);
  p->set_unit(unit);
  v1::Cell* d = row.mutable_difference();
  d->set_has_value(true);
  d->set_value(computed.value() - published);
  d->set_unit(unit);
  if (!computed.ref().empty()) d->add_derived_from(computed.ref());
  row.set_reason(reason.empty() ? "not known: carestat cannot tell from the returns" : std::move(reason));
  row.set_publisher(publisher);
  row.set_source(source);
  return row;
}

}  // namespace carestat
