#include "services/ingestion/check.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <unordered_set>

#include "absl/strings/str_cat.h"

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
  CheckingSink(FileReport* report, std::string expected_la, int expected_year, ParseSink* next)
      : r_(report), la_(std::move(expected_la)), year_(expected_year), next_(next) {}

  void OnRecord(v1::Record record, const std::string& raw_child_id) override {
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
    if (next_) next_->OnIssue(issue, fatal);
    if (r_->issues.size() < kMaxIssues) r_->issues.push_back(std::move(issue));
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

 private:
  FileReport* r_;
  std::string la_;
  int year_;
  ParseSink* next_;
  std::unordered_set<std::string> children_;
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
  auto detected = DetectFile(path);
  if (!detected.ok()) return detected.status();

  FileReport report;
  report.file = display_name;
  report.la = expected_la;
  report.collection_year = expected_year;
  report.format = detected->format;
  report.dataset = detected->dataset;
  CheckingSink sink(&report, expected_la, expected_year, next);
  absl::Status s = ParseFile(*detected, path, display_name, expected_year, sink);
  if (!s.ok()) return s;
  sink.Finish();
  return report;
}

}  // namespace carestat
