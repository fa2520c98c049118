#include "services/reporting/reports/rating.h"

#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "services/reporting/format.h"
#include "services/reporting/render/text.h"

namespace carestat {

const char kRatingRule[] =
    "Ratings compare this year's figure with its target or DfE threshold where there is one, otherwise with "
    "statistical neighbours, then England, then London (the comparator series carestat holds, else DfE's published "
    "figures for the year). Green: as good as the benchmark or better. Amber: worse "
    "by 5% of the benchmark or less. Red: worse by more than 5%. Whether higher or lower is better follows the "
    "indicator's polarity; figures with no better direction, no value or nothing to compare with are not rated.";

const char kDirectionRule[] =
    "Direction of travel compares the latest year with the year before: stable when the change is less than 2% "
    "of the earlier figure, otherwise improving or deteriorating according to whether higher or lower is better. "
    "Figures with no better direction, or a missing year, are not judged.";

namespace {

v1::Benchmark MakeBenchmark(const std::string& kind, const std::string& label, double v, const std::string& unit) {
  v1::Benchmark b;
  b.set_kind(kind);
  b.set_label(label);
  b.mutable_value()->set_has_value(true);
  b.mutable_value()->set_value(v);
  b.mutable_value()->set_unit(unit);
  return b;
}

}  // namespace

std::optional<v1::Benchmark> TargetFor(const std::optional<v1::Target>& target, const std::string& indicator,
                                       int year, const std::string& unit) {
  if (!target) return std::nullopt;
  const bool threshold = absl::StrContains(target->kind(), "threshold");
  const bool three_year = absl::EndsWith(indicator, "_3yr");
  const std::string period = three_year ? ThreeYearLabel(year) : FormatPeriod(FinancialYear(year));
  // "local target" (its year is the report's), "DfE threshold for 2013-16".
  return MakeBenchmark(threshold ? "threshold" : "target",
                       threshold ? absl::StrCat(target->kind(), " for ", period) : target->kind(), target->value(), unit);
}

std::vector<v1::ComparatorValue> PublishedComparators(const v1::PublishedComparison& d) {
  std::vector<v1::ComparatorValue> out;
  if (!DfeFiguresHeld(d.status())) return out;
  auto add = [&](const std::string& entity, const std::string& label, const v1::Cell& cell) {
    if (!cell.has_value() || !std::isfinite(cell.value())) return;
    v1::ComparatorValue c;
    c.set_entity(entity);
    c.set_label(absl::StrCat(label, " as DfE published it for ", d.period()));
    *c.mutable_value() = cell;
    out.push_back(std::move(c));
  };
  add("SN:dfe", absl::StrCat("statistical neighbours' average (", d.neighbours_with_value(), " of ",
                             d.neighbours_listed(), ")"),
      d.neighbours());
  add("ENG", "England", d.england());
  if (d.region_name() == "London") add("LON", "London", d.region());
  return out;
}

namespace {

v1::Cell PublishedCell(bool has, double value, const std::string& unit) {
  v1::Cell c;
  c.set_unit(unit);
  if (has) {
    c.set_has_value(true);
    c.set_value(value);
  }
  return c;
}

}  // namespace

v1::PublishedComparison PublishedComparisonOf(const v1::LaBenchmark& b, const std::string& unit) {
  v1::PublishedComparison d;
  d.set_status(b.status());
  d.set_period(b.period());
  d.set_note(b.note());
  d.set_polarity(b.polarity());
  if (!DfeFiguresHeld(b.status())) return d;
  d.set_source(absl::StrCat("DfE's published figures for ", b.period(), " (",
                            b.published_source().empty() || b.published_source() == "LAIT"
                                ? std::string("LAIT")
                                : absl::StrCat("DfE's statistical release, ", b.published_source()),
                            ")"));
  *d.mutable_value() = PublishedCell(b.has_published(), b.published(), unit);
  d.set_published_text(b.published_text());
  *d.mutable_england() = PublishedCell(b.has_england(), b.england(), unit);
  d.set_region_name(b.region_name());
  *d.mutable_region() = PublishedCell(b.has_region(), b.region(), unit);
  *d.mutable_neighbours() = PublishedCell(b.has_neighbours_average(), b.neighbours_average(), unit);
  d.set_neighbours_with_value(b.neighbours_with_value());
  d.set_neighbours_listed(b.neighbours_listed());
  d.set_rank(b.rank());
  d.set_rank_of(b.rank_of());
  d.set_quartile(b.quartile());
  return d;
}

std::optional<int> Compare(double value, double benchmark, const std::string& polarity) {
  int sign;
  if (polarity == "up") sign = 1;
  else if (polarity == "down") sign = -1;
  else return std::nullopt;
  if (value == benchmark) return 0;
  return (value > benchmark ? 1 : -1) * sign;
}

Judgement Judge(const v1::Cell& value, const std::string& polarity, const std::string& unit,
                const v1::Benchmark* target, const std::vector<v1::ComparatorValue>& comparators) {
  Judgement j;
  if (polarity != "up" && polarity != "down") {
    j.reason = "not rated: neither higher nor lower is better";
    return j;
  }
  if (!value.has_value() || !std::isfinite(value.value())) {
    j.reason = "not rated: no figure";
    return j;
  }
  if (target && target->value().has_value()) {
    j.against = *target;
  } else {
    for (const char* prefix : {"SN:", "ENG", "LON"}) {
      for (const auto& c : comparators) {
        if (j.against.kind().empty() && absl::StartsWith(c.entity(), prefix) && c.value().has_value()) {
          j.against.set_kind("comparator");
          j.against.set_label(c.label());
          *j.against.mutable_value() = c.value();
        }
      }
    }
  }
  if (j.against.kind().empty()) {
    j.reason = "not rated: no target or comparator";
    return j;
  }
  const double b = j.against.value().value();
  const std::string what = absl::StrCat(j.against.kind() == "comparator" ? "" : "the ", j.against.label(), " (",
                                        FormatNumber(b, unit), ")");
  const int cmp = *Compare(value.value(), b, polarity);
  if (cmp >= 0) {
    j.rating = v1::GREEN;
    j.reason = absl::StrCat(cmp == 0 ? "equal to " : "better than ", what);
    return j;
  }
  const double gap = std::fabs(value.value() - b);
  const bool within = b == 0 ? false : gap <= kAmberBand * std::fabs(b) + 1e-9;
  j.rating = within ? v1::AMBER : v1::RED;
  j.reason = absl::StrCat("worse than ", what, within ? " by 5% or less" : " by more than 5%");
  return j;
}

v1::Direction DirectionOfTravel(const v1::Cell& previous, const v1::Cell& latest, const std::string& polarity) {
  if (polarity != "up" && polarity != "down") return v1::DIRECTION_UNSPECIFIED;
  if (!previous.has_value() || !latest.has_value()) return v1::DIRECTION_UNSPECIFIED;
  // NaN compares as "worse" with everything: a figure that is not a number is not judged.
  if (!std::isfinite(previous.value()) || !std::isfinite(latest.value())) return v1::DIRECTION_UNSPECIFIED;
  const double d = latest.value() - previous.value();
  if (std::fabs(d) < kStableBand * std::fabs(previous.value()) || d == 0) return v1::STABLE;
  return *Compare(latest.value(), previous.value(), polarity) > 0 ? v1::IMPROVING : v1::DETERIORATING;
}

std::string RatingName(v1::Rating r) {
  switch (r) {
    case v1::GREEN: return "green";
    case v1::AMBER: return "amber";
    case v1::RED: return "red";
    default: return "not rated";
  }
}

std::string DirectionName(v1::Direction d) {
  switch (d) {
    case v1::IMPROVING: return "improving";
    case v1::DETERIORATING: return "deteriorating";
    case v1::STABLE: return "stable";
    default: return "not judged";
  }
}

}  // namespace carestat
