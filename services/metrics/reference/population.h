// File: population.h
// ONS mid-year estimates of children aged 0 to 17, the denominator of every rate.
//   auto pops = Populations::Parse(kEmbedded_populations);
//   std::optional<double> p = pops->Get("301", 2015);   // mid-2015, for 2015-16
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"

namespace carestat {

class Populations {
 public:
  // Reads "entity,mid_year,age_band,population,source" CSV ('#' lines are comments).
  // A malformed row is an error naming its line.
  static absl::StatusOr<Populations> Parse(const std::string& csv);
  // The shipped table (reference/populations.csv).
  static const Populations& Shipped();

  // Rows of `other` replace rows of this table with the same entity and year.
  void Merge(const Populations& other);

  std::optional<double> Get(const std::string& entity, int mid_year) const;
  std::string Source(const std::string& entity, int mid_year) const;
  size_t size() const { return values_.size(); }

 private:
  std::map<std::pair<std::string, int>, std::pair<double, std::string>> values_;
};

}  // namespace carestat
