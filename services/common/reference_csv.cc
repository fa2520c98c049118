#include "services/common/reference_csv.h"

#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/csv.h"

namespace carestat {

std::string ReferenceTable::Get(const Row& row, const std::string& column) const {
  auto it = columns.find(column);
  return it == columns.end() || it->second >= row.fields.size() ? "" : row.fields[it->second];
}

absl::StatusOr<ReferenceTable> ReadReferenceCsv(const std::string& text, const std::vector<std::string>& required,
                                                const std::string& what) {
  // Comment lines go before CSV parsing: they may hold commas and quotes.
  std::string body;
  std::vector<int64_t> line_of;
  std::istringstream lines(text);
  std::string line;
  for (int64_t n = 1; std::getline(lines, line); ++n) {
    if (!line.empty() && line[0] == '#') continue;
    body += line + "\n";
    line_of.push_back(n);
  }
  std::istringstream in(body);
  CsvReader reader(in);
  ReferenceTable table;
  std::vector<std::string> fields;
  if (!reader.Next(&fields)) return absl::InvalidArgumentError(absl::StrCat(what, ": no header row"));
  for (size_t i = 0; i < fields.size(); ++i) table.columns[NormaliseHeading(fields[i])] = i;
  std::vector<std::string> missing;
  for (const auto& r : required) {
    if (!table.columns.count(r)) missing.push_back(r);
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": missing column(s) ", absl::StrJoin(missing, ", "),
                                                   "; expected ", absl::StrJoin(required, ", ")));
  }
  const size_t width = fields.size();
  while (reader.Next(&fields)) {
    int64_t at = line_of[static_cast<size_t>(reader.line() - 1)];
    if (fields.size() != width) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " line ", at, ": ", fields.size(), " fields where the header has ", width));
    }
    table.rows.push_back({at, fields});
  }
  if (!reader.error().empty()) return absl::InvalidArgumentError(absl::StrCat(what, ": ", reader.error()));
  return table;
}

}  // namespace carestat
