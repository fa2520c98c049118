#include "services/reporting/format.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/match.h"

namespace carestat {

namespace {

std::string Grouped(long long v) {
  // LLONG_MIN has no positive counterpart; Rounded() never gives it.
  std::string digits = v < 0 ? std::to_string(v).substr(1) : std::to_string(v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return (v < 0 ? "-" : "") + out;
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.rfind("-0", 0) == 0 && std::strtod(s.c_str(), nullptr) == 0) s.erase(0, 1);  // no "-0.0"
  return s;
}

// A whole number for a finite value within what a report can hold (|v| < 1e15): so
// neither llround's undefined results for NaN or 1e400 nor "-0" can reach a page.
std::optional<long long> Rounded(double v) {
  if (!std::isfinite(v) || std::fabs(v) >= 1e15) return std::nullopt;
  return std::llround(v);
}

}  // namespace

bool IsPercentUnit(const std::string& unit) { return absl::StartsWith(unit, "percent"); }
bool IsRateUnit(const std::string& unit) { return absl::StartsWith(unit, "rate_per_10k"); }

int UnitDecimals(const std::string& unit) {
  return unit == "rate_per_10k_1dp" || unit == "percent_1dp" ? 1 : 0;
}

std::string FormatNumber(double v, const std::string& unit) {
  const auto rounded = Rounded(v);
  if (!rounded) return kNotAvailable;
  const int decimals = UnitDecimals(unit);
  if (decimals > 0) return Fixed(v, decimals) + (IsPercentUnit(unit) ? "%" : "");
  const long long r = *rounded;
  if (unit == "count" || unit == "days") return Grouped(r);
  if (unit == "gbp") return (r < 0 ? "-£" : "£") + Grouped(r < 0 ? -r : r);
  if (IsPercentUnit(unit)) return Grouped(r) + "%";
  if (IsRateUnit(unit)) return std::to_string(r);
  // An unknown unit (a new local measure): whole numbers as such, else one decimal.
  if (std::fabs(v - std::round(v)) < 1e-9) return Grouped(r);
  return Fixed(v, 1);
}

std::string FormatValue(const v1::Cell& c, const std::string& unit) {
  if (c.suppressed()) return kSuppressedMark;
  if (!c.has_value()) return c.missing().empty() ? kNotAvailable : c.missing();
  return FormatNumber(c.value(), unit);
}

std::string FormatChange(const v1::Cell& c) {
  if (c.suppressed()) return kSuppressedMark;
  const auto rounded = Rounded(c.value());
  if (!c.has_value() || !rounded) return kNotAvailable;
  const long long v = *rounded;
  return absl::StrCat(v > 0 ? "+" : "", v, "%");
}

std::string FormatDifference(const v1::Cell& c, const std::string& unit) {
  if (c.suppressed()) return kSuppressedMark;
  const auto rounded = Rounded(c.value());
  if (!c.has_value() || !rounded) return kNotAvailable;
  const int decimals = UnitDecimals(unit);
  std::string n;
  if (decimals > 0) {
    n = Fixed(c.value(), decimals);
  } else {
    const long long r = *rounded;
    n = unit == "gbp" ? (r < 0 ? "-£" : "£") + Grouped(r < 0 ? -r : r) : Grouped(r);
  }
  const bool positive = n.find_first_of("123456789") != std::string::npos && n[0] != '-';
  if (positive) n = "+" + n;
  if (IsPercentUnit(unit)) return n + (n == "+1" || n == "-1" ? " percentage point" : " percentage points");
  if (unit == "days") return n + " days";
  return n;
}

std::string UnitWords(const std::string& unit) {
  if (IsPercentUnit(unit)) return "%";
  if (IsRateUnit(unit)) return "per 10,000 children aged 0-17";
  if (unit == "days") return "days";
  if (unit == "gbp") return "£";
  if (unit == "count") return "number";
  return unit;
}

std::string ThreeYearLabel(int last_start_year) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%d-%02d", last_start_year - 2, (last_start_year + 1) % 100);
  return buf;
}

std::string ComparatorLabel(const std::string& entity) {
  if (entity == "ENG") return "England";
  if (entity == "LON") return "London";
  if (absl::StartsWith(entity, "SN:")) return "Statistical neighbours";
  return entity;
}

std::string QualityAgainstLastYear(const v1::ReturnQuality& q) {
  auto rate = [](double v) { return absl::StrFormat("%.1f", v); };
  std::string s = absl::StrCat("errors ", rate(q.errors_per_1000()), " per 1,000 records");
  if (q.has_previous()) absl::StrAppend(&s, " (last year ", rate(q.previous_errors_per_1000()), ")");
  absl::StrAppend(&s, ", queries ", rate(q.queries_per_1000()));
  absl::StrAppend(&s, q.has_previous() ? absl::StrCat(" (last year ", rate(q.previous_queries_per_1000()), ")")
                                       : std::string(" (no return last year)"));
  return s;
}

}  // namespace carestat
