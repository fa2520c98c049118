#include "services/ingestion/formats/local_measures.h"

#include <cctype>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/csv.h"
#include "services/common/dates.h"

namespace carestat {
namespace {

const char* const kRequired[] = {"indicator", "la", "period", "value", "source"};
const char* const kOptional[] = {"name", "unit", "polarity"};
constexpr char kExpected[] = "indicator, la, period, value, source (and optionally name, unit, polarity)";

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

bool ValidId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
      return false;
  }
  return true;
}

}  // namespace

bool IsLocalMeasuresHeader(const std::vector<std::string>& header) {
  int found = 0;
  for (const auto& h : header) {
    std::string n = NormaliseHeading(h);
    for (const char* r : kRequired) found += n == r;
  }
  return found == 5;
}

absl::Status ParseLocalMeasures(std::istream& in, const std::string& file, ParseSink& sink) {
  CsvReader reader(in);
  std::vector<std::string> row;
  if (!reader.Next(&row)) {
    sink.OnIssue(MakeIssue("structure", v1::ERROR, reader.error().empty() ? "no header row" : reader.error(), file,
                           reader.line()),
                 true);
    return absl::OkStatus();
  }
  std::map<std::string, int> col;
  for (size_t i = 0; i < row.size(); ++i) {
    std::string n = NormaliseHeading(row[i]);
    bool known = false;
    for (const char* r : kRequired) known = known || n == r;
    for (const char* o : kOptional) known = known || n == o;
    if (!known) {
      sink.OnIssue(MakeIssue("structure", v1::ERROR,
                             absl::StrCat(file, ": unknown column '", row[i], "' in local measures: expected ", kExpected),
                             file, 1, row[i]),
                   true);
    }
    col[n] = static_cast<int>(i);
  }
  const size_t width = row.size();
  auto get = [&](const char* name) { return col.count(name) ? Trim(row[col[name]]) : std::string(); };
  while (reader.Next(&row)) {
    const int64_t line = reader.line();
    if (row.size() != width) {
      sink.OnIssue(MakeIssue("structure", v1::ERROR,
                             absl::StrCat(file, " line ", line, " has ", row.size(), " fields but the header has ",
                                          width),
                             file, line),
                   true);
      continue;
    }
    const std::string id = get("indicator");
    if (!ValidId(id)) {
      sink.OnIssue(MakeIssue("local-measure", v1::ERROR,
                             absl::StrCat(file, " line ", line, ": indicator '", id,
                                          "' is not an id (lower case letters, digits and _)"),
                             file, line, "indicator"),
                   true);
      continue;
    }
    auto period = ParsePeriod(get("period"));
    double value = 0;
    if (!period || period->kind() != v1::Period::FINANCIAL_YEAR) {
      sink.OnIssue(MakeIssue("local-measure", v1::ERROR,
                             absl::StrCat(file, " line ", line, ": period '", get("period"),
                                          "' is not a financial year like 2015-16"),
                             file, line, "period"),
                   true);
      continue;
    }
    if (!absl::SimpleAtod(get("value"), &value)) {
      sink.OnIssue(MakeIssue("local-measure", v1::ERROR,
                             absl::StrCat(file, " line ", line, ": value '", get("value"), "' is not a number"), file,
                             line, "value"),
                   true);
      continue;
    }
    if (get("source").empty()) {
      sink.OnIssue(MakeIssue("local-measure", v1::ERROR,
                             absl::StrCat(file, " line ", line, ": ", id, " has no source: say where the figure comes from"),
                             file, line, "source"),
                   true);
      continue;
    }
    v1::Record rec;
    rec.set_line(line);
    v1::LocalMeasure* m = rec.mutable_local_measure();
    m->set_indicator(id);
    m->set_la(get("la"));
    *m->mutable_period() = *period;
    m->set_value(value);
    m->set_source(get("source"));
    m->set_name(get("name"));
    m->set_unit(get("unit"));
    m->set_polarity(get("polarity"));
    sink.OnRecord(std::move(rec), "");
  }
  if (!reader.error().empty()) {
    sink.OnIssue(MakeIssue("structure", v1::ERROR, absl::StrCat(file, ": ", reader.error()), file, reader.line()),
                 true);
  }
  return absl::OkStatus();
}

}  // namespace carestat
