#include "services/ingestion/formats/local_measures.h"

#include <cctype>
#include <cmath>
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

std::string LocalMeasureUnit(const std::string& indicator, const std::string& unit_column) {
  if (!unit_column.empty()) return unit_column;
  // The catalogue's local measures (services/metrics/indicators/catalogue.cc) and its
  // naming: ids end in their unit.
  auto ends = [&](std::string_view tail) { return indicator.ends_with(tail); };
  if (ends("_pct")) return "percent";
  if (ends("_gbp")) return "gbp";
  if (ends("_days")) return "days";
  return "";
}

std::string LocalMeasureValueProblem(double value, const std::string& unit) {
  if (!std::isfinite(value)) return "is not a finite number";
  const bool percent = unit.starts_with("percent");
  const bool non_negative = percent || unit == "count" || unit == "gbp" || unit == "days" ||
                            unit.starts_with("rate_per_10k");
  if (non_negative && value < 0) return absl::StrCat("is negative, but a figure in ", unit, " cannot be");
  if (percent && value > 100) return "is over 100, but a percentage is from 0 to 100";
  if ((unit == "count" || unit == "days") && value != std::floor(value)) {
    return absl::StrCat("is not a whole number, but a figure in ", unit, " is");
  }
  // A count beyond 2^53 no longer holds whole numbers exactly; nothing real is that big.
  if (std::fabs(value) > 9.0e15) return "is too large to be a real figure";
  return "";
}

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
                             absl::StrCat(file, ": ", UnknownColumn(i, row[i]),
                                          " in local measures: expected ", kExpected),
                             file, 1, HeadingField(i, row[i])),
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
                             absl::StrCat(file, " line ", line, ": value ", ShowValue("value", get("value")),
                                          " is not a number"),
                             file, line, "value"),
                   true);
      continue;
    }
    const std::string unit = LocalMeasureUnit(id, get("unit"));
    if (std::string problem = LocalMeasureValueProblem(value, unit); !problem.empty()) {
      // NaN, inf and 1e400 (which reads as infinity) would reach a report as "-0%" or
      // "NaN"; a percentage of 450 is a typing slip: the row is refused, never stored.
      sink.OnIssue(MakeIssue("local-measure", v1::ERROR,
                             absl::StrCat(file, " line ", line, ": value ", ShowValue("value", get("value")),
                                          " of ", id, " ", problem,
                                          unit.empty() ? "" : absl::StrCat(" (unit ", unit, ")")),
                             file, line, "value"),
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
