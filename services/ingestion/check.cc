#include "services/ingestion/check.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <unordered_set>

#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "services/ingestion/validation/engine.h"

namespace carestat {

std::string RecordKindName(const v1::Record& r) {
  const auto* oneof = v1::Record::descriptor()->FindOneofByName("kind");
  const auto* field = v1::Record::GetReflection()->GetOneofFieldDescriptor(r, oneof);
  return field ? field->name() : "none";
}

void SetChildId(v1::Record* r, const std::string& id) {
  // Every record kind names its child in a `child_id` field; reflection keeps this
  // true for kinds added later without a case each.
  const auto* oneof = v1::Record::descriptor()->FindOneofByName("kind");
  const auto* field = v1::Record::GetReflection()->GetOneofFieldDescriptor(*r, oneof);
  if (!field) return;
  google::protobuf::Message* m = v1::Record::GetReflection()->MutableMessage(r, field);
  const auto* id_field = m->GetDescriptor()->FindFieldByName("child_id");
  if (id_field && id_field->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
    m->GetReflection()->SetString(m, id_field, id);
  }
}

namespace {

class CheckingSink : public ParseSink {
 public:
  CheckingSink(FileReport* report, std::string expected_la, int expected_year, ParseSink* next,
               size_t max_kept_issues)
      : r_(report), la_(std::move(expected_la)), year_(expected_year), next_(next), max_kept_(max_kept_issues) {}

  void OnRecord(v1::Record record, const std::string& raw_child_id) override {
    CheckDates(record, raw_child_id, &record);
    if (record.has_local_measure()) CheckLocalMeasure(&record);
    if (!raw_child_id.empty()) children_.insert(raw_child_id);
    ++r_->records[RecordKindName(record)];
    ++r_->record_total;
    if (next_) next_->OnRecord(std::move(record), raw_child_id);
  }

  void OnIssue(v1::ValidationIssue issue, bool fatal) override {
    if (fatal) {
      r_->fatal = true;
      if (r_->fatal_messages.size() < 20) r_->fatal_messages.push_back(issue.message());
    }
    if (issue.severity() == v1::ERROR) ++r_->errors; else ++r_->queries;
    FileReport::RuleCount& c =
        r_->by_rule[{issue.severity() == v1::ERROR ? "error" : "query", issue.rule()}];
    if (c.count++ == 0) c.first = issue;
    if (next_) next_->OnIssue(issue, fatal);
    if (r_->issues.size() < max_kept_) r_->issues.push_back(std::move(issue));
    else ++r_->issues_dropped;
  }

  void OnHeader(const std::string& la, int year, int line) override {
    if (!la.empty()) {
      if (!la_.empty() && la != la_) {
        OnIssue(MakeIssue("header-la", v1::ERROR,
                          absl::StrCat(r_->file, ": the header's LEA is ", la, " but the file was filed for LA ",
                                       la_, ": move it to the folder of LA ", la, " or correct the export"),
                          r_->file, line, "LEA"),
                true);
      }
      r_->la = la;
    }
    if (year != 0) {
      if (year_ != 0 && year != year_) {
        OnIssue(MakeIssue("header-year", v1::ERROR,
                          absl::StrCat(r_->file, ": the header's ReferenceDate is in ", year,
                                       " but the file was filed for collection year ", year_,
                                       ": move it to the folder of ", year, " or correct the export"),
                          r_->file, line, "ReferenceDate"),
                true);
      }
      r_->collection_year = year;
    }
    if (next_) next_->OnHeader(la, year, line);
  }

  void Finish() { r_->children = static_cast<int64_t>(children_.size()); }

  validation::RowCollector* Ssda903Rows() override { return rows_; }
  bool WantsEngineRules() const override { return next_ ? next_->WantsEngineRules() : true; }
  void SetSsda903Rows(validation::RowCollector* rows) { rows_ = rows; }

  // An error on `record` that leaves it out of every figure, with the issue saying why.
  void Flag(v1::Record* record, const std::string& rule, const std::string& message, const std::string& field,
            const std::string& child) {
    bool seen = false;
    for (const auto& r : record->issue_rules()) seen = seen || r == rule;
    if (!seen) record->add_issue_rules(rule);
    record->set_has_error(true);
    OnIssue(MakeIssue(rule, v1::ERROR, message, r_->file, record->line(), field, child), false);
  }

  // Every date a record holds must be one a return can mean: not before 1900 and not
  // more than a year in the future. A date like 01/01/9999 would otherwise put the
  // record in a year no report shows, and it would leave its count without a word.
  void CheckDates(const google::protobuf::Message& m, const std::string& child, v1::Record* record) {
    const auto* d = m.GetDescriptor();
    const auto* refl = m.GetReflection();
    for (int i = 0; i < d->field_count(); ++i) {
      const auto* f = d->field(i);
      if (f->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE || f->is_repeated()) continue;
      if (!refl->HasField(m, f)) continue;
      const auto& sub = refl->GetMessage(m, f);
      if (f->message_type() != v1::Date::descriptor()) {
        CheckDates(sub, child, record);
        continue;
      }
      const auto& date = static_cast<const v1::Date&>(sub);
      if (date.year() == 0) continue;
      const int32_t day = ToDays(date);
      const int32_t latest = LatestDate();
      const bool birth = IsIdentifyingField(f->name());
      std::string problem;
      if (date.year() < 1900) {
        problem = "is before 1900";
      } else if (day > latest) {
        problem = absl::StrCat("is after ", FormatUkDate(latest), ", more than a year in the future");
      } else {
        continue;
      }
      // A date of birth is not repeated (it identifies the child); other dates are.
      Flag(record, "date-range",
           absl::StrCat(r_->file, " line ", record->line(), ": ", f->name(),
                        birth ? "" : absl::StrCat(" ", FormatUkDate(day)), " ", problem,
                        ": not a date this return can hold, so the ", RecordKindName(*record),
                        " is left out of every figure (correct the date and send the file again)"),
           f->name(), child);
    }
  }

  int year() const { return r_->collection_year != 0 ? r_->collection_year : year_; }

  // A year after today, or after the collection year's end when that is later (a
  // return filed for a year to come). Dates after the collection year but before this
  // are for the DfE rules of each format; these cannot be real.
  int32_t LatestDate() const {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    int32_t latest = static_cast<int32_t>(std::chrono::duration_cast<std::chrono::hours>(now).count() / 24);
    if (year() != 0) latest = std::max(latest, FinancialYearEnd(year() - 1));
    return latest + 366;
  }

  // A local measure for another LA or another year than the return it came in would be
  // stored under this return and shown in no report: said, and left out.
  void CheckLocalMeasure(v1::Record* record) {
    const v1::LocalMeasure& m = record->local_measure();
    if (!la_.empty() && m.la() != la_) {
      Flag(record, "local-measure",
           absl::StrCat(r_->file, " line ", record->line(), ": la is ", m.la().empty() ? "blank" : m.la(),
                        " but the file was filed for LA ", la_, ": the row is left out (",
                        m.la().empty() ? std::string("fill in the la column")
                                       : absl::StrCat("put it in LA ", m.la(), "'s folder or correct the la column"),
                        ")"),
           "la", "");
    }
    if (year() != 0 && (m.period().kind() != v1::Period::FINANCIAL_YEAR || m.period().start_year() != year() - 1)) {
      Flag(record, "local-measure",
           absl::StrCat(r_->file, " line ", record->line(), ": period ", FormatPeriod(m.period()),
                        " is not the collection year of the return, ", FormatPeriod(FinancialYear(year() - 1)),
                        ": the row is left out (file it under the folder of its own year)"),
           "period", "");
    }
  }

 private:
  FileReport* r_;
  std::string la_;
  int year_;
  ParseSink* next_;
  size_t max_kept_;
  std::unordered_set<std::string> children_;
  validation::RowCollector* rows_ = nullptr;
};

}  // namespace

absl::StatusOr<Detected> DetectFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  std::string head(64 << 10, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return DetectFormat(head);
}

absl::StatusOr<FileReport> CheckFile(const std::string& path, const std::string& display_name,
                                     const std::string& expected_la, int expected_year,
                                     ParseSink* next) {
  return CheckFile(path, display_name, expected_la, expected_year, next, CheckOptions{});
}

absl::StatusOr<FileReport> CheckFile(const std::string& path, const std::string& display_name,
                                     const std::string& expected_la, int expected_year,
                                     ParseSink* next, const CheckOptions& options) {
  auto detected = DetectFile(path);
  if (!detected.ok()) return detected.status();

  FileReport report;
  report.file = display_name;
  report.la = expected_la;
  report.collection_year = expected_year;
  report.format = detected->format;
  report.dataset = detected->dataset;
  CheckingSink sink(&report, expected_la, expected_year, next, options.max_kept_issues);
  validation::RowCollector own_rows;
  own_rows.SetReference(options.reference);
  const bool ssda903 = (detected->format == Format::kSsda903Csv || detected->format == Format::kSsda903Xml) &&
                       sink.WantsEngineRules();
  // The XML return is whole in one file and checked child by child as it is read; a CSV
  // table's rows wait for the end of the file (or, in validate, of the return's files).
  const bool xml = detected->format == Format::kSsda903Xml;
  if (ssda903) sink.SetSsda903Rows(options.ssda903_rows && !xml ? options.ssda903_rows : &own_rows);
  if (ssda903 && xml) own_rows.Stream(&sink, expected_year, expected_la);
  absl::Status s = ParseFile(*detected, path, display_name, expected_year, sink);
  if (!s.ok()) return s;
  // The engine's DfE rules on this file's rows (a file that cannot be read whole is
  // refused for what makes it so; its rows are not checked further).
  if (ssda903 && xml) {
    if (!report.fatal) own_rows.EndStream();
  } else if (ssda903 && !options.ssda903_rows && !report.fatal) {
    own_rows.Run(sink, expected_year, expected_la);
  }
  sink.Finish();
  return report;
}

}  // namespace carestat
