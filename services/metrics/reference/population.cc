#include "services/metrics/reference/population.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "reference/embedded.h"
#include "services/common/log.h"
#include "services/common/reference_csv.h"

namespace carestat {

absl::StatusOr<Populations> Populations::Parse(const std::string& csv) {
  auto table = ReadReferenceCsv(csv, {"entity", "mid_year", "age_band", "population", "source"}, "populations");
  if (!table.ok()) return table.status();
  Populations out;
  for (const auto& row : table->rows) {
    int year = 0;
    double pop = 0;
    if (!absl::SimpleAtoi(table->Get(row, "mid_year"), &year) ||
        !absl::SimpleAtod(table->Get(row, "population"), &pop) || !(pop > 0) || !std::isfinite(pop) ||
        table->Get(row, "age_band") != "0-17" || table->Get(row, "source").empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "populations line ", row.line, ": expected entity, mid year, 0-17, a positive population and a source"));
    }
    out.values_[{table->Get(row, "entity"), year}] = {pop, table->Get(row, "source")};
  }
  return out;
}

void Populations::Merge(const Populations& other) {
  for (const auto& [k, v] : other.values_) values_[k] = v;
}

const Populations& Populations::Shipped() { return ShippedTable<Populations>(kEmbedded_populations, "population"); }

std::optional<double> Populations::Get(const std::string& entity, int mid_year) const {
  auto it = values_.find({entity, mid_year});
  if (it == values_.end()) return std::nullopt;
  return it->second.first;
}

std::string Populations::Source(const std::string& entity, int mid_year) const {
  auto it = values_.find({entity, mid_year});
  return it == values_.end() ? "" : it->second.second;
}

}  // namespace carestat
