#include "services/metrics/reference/population.h"

#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "reference/embedded.h"
#include "services/common/log.h"
#include "services/common/csv.h"

namespace carestat {

absl::StatusOr<Populations> Populations::Parse(const std::string& csv) {
  // Comment lines go before CSV parsing: they may hold commas and quotes.
  std::string body;
  std::istringstream lines(csv);
  std::string line;
  std::vector<int64_t> line_numbers;
  int64_t n = 0;
  while (std::getline(lines, line)) {
    ++n;
    if (!line.empty() && line[0] == '#') continue;
    body += line + "\n";
    line_numbers.push_back(n);
  }
  std::istringstream in(body);
  CsvReader reader(in);
  std::vector<std::string> row;
  Populations out;
  bool header = true;
  while (reader.Next(&row)) {
    int64_t at = line_numbers[static_cast<size_t>(reader.line() - 1)];
    if (header) {
      header = false;
      if (row.size() < 5 || row[0] != "entity" || row[1] != "mid_year" || row[3] != "population")
        return absl::InvalidArgumentError(absl::StrCat(
            "populations line ", at, ": expected header entity,mid_year,age_band,population,source"));
      continue;
    }
    int year = 0;
    double pop = 0;
    if (row.size() != 5 || !absl::SimpleAtoi(row[1], &year) || !absl::SimpleAtod(row[3], &pop) ||
        pop <= 0 || row[2] != "0-17" || row[4].empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "populations line ", at, ": expected entity, mid year, 0-17, a positive population and a source"));
    }
    out.values_[{row[0], year}] = {pop, row[4]};
  }
  if (!reader.error().empty()) return absl::InvalidArgumentError("populations: " + reader.error());
  return out;
}

const Populations& Populations::Shipped() {
  static const Populations* shipped = [] {
    auto p = Parse(kEmbedded_populations);
    if (!p.ok()) {
      // The shipped table is checked by its unit test; a bad build must not run.
      CS_LOG(ERROR) << "shipped population table: " << p.status().message();
      std::abort();
    }
    return new Populations(std::move(*p));
  }();
  return *shipped;
}

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
