// File: reference_csv.h
// Reads the shipped reference tables: CSV with '#' comment lines and a header row.
//   auto t = ReadReferenceCsv(text, {"entity", "indicator", "value"}, "comparators");
//   for (const auto& row : t->rows) t->Get(row, "value") ...
// Errors name the table and the line (counting comment lines, as an editor shows them).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/log.h"

namespace carestat {

struct ReferenceTable {
  struct Row {
    int64_t line;
    std::vector<std::string> fields;
  };
  std::map<std::string, size_t> columns;
  std::vector<Row> rows;
  // The named column of a row ("" when the table has no such column).
  std::string Get(const Row& row, const std::string& column) const;
};

// REQUIRES: `required` columns are present, else an error naming the missing ones.
// Every row must have as many fields as the header.
absl::StatusOr<ReferenceTable> ReadReferenceCsv(const std::string& text, const std::vector<std::string>& required,
                                                const std::string& what);

// A table shipped in the binary (reference/embedded.h), parsed once on first use by
// T::Parse. A shipped table that does not parse is a bad build (each table's unit test
// checks it): the process stops with the reason rather than run without it.
//   const Populations& p = ShippedTable<Populations>(kEmbedded_populations, "population");
template <typename T>
const T& ShippedTable(const char* csv, const char* what) {
  static const T* table = [&] {
    auto parsed = T::Parse(csv);
    if (!parsed.ok()) {
      CS_LOG(ERROR) << "shipped " << what << " table: " << parsed.status().message();
      std::abort();
    }
    return new T(std::move(*parsed));
  }();
  return *table;
}

}  // namespace carestat
