#include "services/metrics/indicators/context.h"

#include <cmath>

#include "services/common/dates.h"

namespace carestat {

v1::IndicatorPoint& PointWriter::New(const std::string& id, const std::string& breakdown, const v1::Period& period,
                                     const std::set<std::string>& sources) {
  v1::IndicatorPoint& p = points_.emplace_back();
  p.set_entity(entity_);
  p.set_indicator(id);
  p.set_breakdown(breakdown);
  *p.mutable_period() = period;
  p.set_computed_unix_ms(now_ms_);
  for (const auto& s : sources) p.add_sources(s);
  if (listing_ && IsListed(id, breakdown, period)) listed_index_ = static_cast<long>(points_.size()) - 1;
  return p;
}

bool PointWriter::IsListed(const std::string& id, const std::string& breakdown, const v1::Period& period) const {
  return id == list_id_ && breakdown == list_breakdown_ && period.kind() == list_period_.kind() &&
         period.start_year() == list_period_.start_year() && period.month() == list_period_.month();
}

void PointWriter::ListFor(const std::string& id, const std::string& breakdown, const v1::Period& period) {
  listing_ = true;
  list_id_ = id;
  list_breakdown_ = breakdown;
  list_period_ = period;
}

bool PointWriter::listing() const { return listing_; }

Members* PointWriter::Listing(const std::string& id, const std::string& breakdown, const v1::Period& period) {
  if (!listing_ || !IsListed(id, breakdown, period)) return nullptr;
  listing_called_ = true;
  return &members_;
}

void PointWriter::Count(const std::string& id, const std::string& breakdown, const v1::Period& period, double n,
                        const std::set<std::string>& sources) {
  v1::IndicatorPoint& p = New(id, breakdown, period, sources);
  // A value that is not a finite number (a supplied NaN or 1e400) is never a figure:
  // the point says "not available" instead of printing "NaN" or "-0%".
  p.set_has_value(std::isfinite(n));
  if (std::isfinite(n)) {
    p.set_value(n);
    p.set_numerator(n);
  }
}

void PointWriter::Ratio(const std::string& id, const std::string& breakdown, const v1::Period& period,
                        double numerator, double denominator, double scale, const std::set<std::string>& sources) {
  v1::IndicatorPoint& p = New(id, breakdown, period, sources);
  p.set_numerator(numerator);
  p.set_denominator(denominator);
  const double v = denominator > 0 ? numerator / denominator * scale : 0;
  p.set_has_value(denominator > 0 && std::isfinite(v));
  if (p.has_value()) p.set_value(v);
}

void PointWriter::Mean(const std::string& id, const std::string& breakdown, const v1::Period& period, double sum,
                       double n, const std::set<std::string>& sources) {
  v1::IndicatorPoint& p = New(id, breakdown, period, sources);
  p.set_numerator(sum);
  p.set_denominator(n);
  const double v = n > 0 ? sum / n : 0;
  p.set_has_value(n > 0 && std::isfinite(v));
  if (p.has_value()) p.set_value(v);
}

void PointWriter::Rate(const std::string& id, const FamilyInput& in, double numerator,
                       const std::set<std::string>& sources) {
  Rate(id, in, FinancialYear(in.fy), numerator, sources);
}

void PointWriter::Rate(const std::string& id, const FamilyInput& in, const v1::Period& period, double numerator,
                       const std::set<std::string>& sources) {
  auto pop = in.populations.Get(in.set.la(), in.fy);
  if (!pop) return;
  std::set<std::string> with_source = sources;
  with_source.insert(in.populations.Source(in.set.la(), in.fy));
  Ratio(id, "", period, numerator, *pop, 10000.0, with_source);
}

}  // namespace carestat
