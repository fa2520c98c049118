#include "services/ingestion/service.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/common/telemetry.h"
#include "services/common/security.h"
#include "services/common/status.h"

namespace carestat {
namespace {
constexpr size_t kRecordsPerBatch = 2000;

bool ValidLa(const std::string& la) {
  if (la.size() != 3) return false;
  for (char c : la) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}
}  // namespace

namespace {
// `m` with every quoted value ('...') hidden, for the server's log: a parser's message
// quotes what it read, which may be a child's identifier, date of birth or postcode. A
// quote opens after a space or bracket and closes before a space, punctuation or the end,
// so that "child's" opens nothing and 'O'Brien' is hidden whole. Linear in the length.
std::string HideQuotedValues(std::string_view m) {
  auto opens = [&](size_t k) {
    return m[k] == '\'' && (k == 0 || std::string_view(" ([=\"").find(m[k - 1]) != std::string_view::npos);
  };
  auto closes = [&](size_t k) {
    return m[k] == '\'' && (k + 1 == m.size() || std::string_view(" ),.:;]\"").find(m[k + 1]) != std::string_view::npos);
  };
  std::string out;
  for (size_t i = 0; i < m.size();) {
    if (opens(i)) {
      size_t j = i + 1;
      while (j < m.size() && !closes(j)) ++j;
      if (j == m.size()) return out + "'...";   // never closed: hide the rest too
      out += "'...'";
      i = j + 1;
      continue;
    }
    out.push_back(m[i++]);
  }
  return out;
}

// What a read principal may see of a stored issue.
void RedactIssueForRead(v1::ValidationIssue* issue) {
  // About a child, or about one line of the file (a row is a child, or a contact about
  // one): the message goes too, since it names the line and may quote the row.
  const bool about_a_child = !issue->child().empty() || issue->line() > 0;
  issue->clear_child();
  issue->clear_line();
  issue->clear_file();
  if (about_a_child) {
    issue->set_message(absl::StrCat(issue->rule(), issue->field().empty() ? "" : ", field ", issue->field()));
  }
}
}  // namespace

void DescribeIngestionTelemetry() {
  Telemetry& t = Telemetry::Get();
  t.Describe("carestat_uploads_total", Telemetry::kCounter,
             "Uploads by outcome: stored, replaced, unchanged (identical bytes), rejected (the file was "
             "refused: correct the export) or failed (the server's trouble: retry).");
  t.Describe("carestat_records_stored_total", Telemetry::kCounter, "Records stored by stored or replaced uploads, by dataset.");
  t.Describe("carestat_rule_issues_total", Telemetry::kCounter,
             "Validation issues in stored or replaced returns, by rule and severity.");
}

grpc::Status IngestionService::Upload(grpc::ServerContext* ctx,
                                      grpc::ServerReader<v1::UploadRequest>* reader,
                                      v1::UploadResponse* resp) {
  v1::UploadHeader header;
  grpc::Status s = ReceiveAndIngest(ctx, reader, resp, &header);
  Telemetry& t = Telemetry::Get();
  std::string outcome = "failed";
  if (s.ok()) {
    outcome = resp->outcome() == v1::REPLACED ? "replaced" : resp->outcome() == v1::UNCHANGED ? "unchanged" : "stored";
  } else if (s.error_code() == grpc::INVALID_ARGUMENT || s.error_code() == grpc::FAILED_PRECONDITION) {
    outcome = "rejected";
  }
  t.Add("carestat_uploads_total", {{"outcome", outcome}});
  if (s.ok() && resp->outcome() != v1::UNCHANGED) {
    t.Add("carestat_records_stored_total", {{"dataset", resp->dataset()}}, static_cast<double>(resp->records_stored()));
    // The response carries the first 100 issues; the stored return counts them all by rule.
    auto info = ingestor_->store().GetReturn(header.la(), header.collection_year(), resp->dataset());
    if (info.ok() && info->has_value()) {
      for (const auto& tally : (*info)->rule_tallies()) {
        t.Add("carestat_rule_issues_total", {{"rule", tally.rule()}, {"severity", tally.severity()}},
              static_cast<double>(tally.count()));
      }
    }
  }
  return s;
}

grpc::Status IngestionService::ReceiveAndIngest(grpc::ServerContext* ctx,
                                                grpc::ServerReader<v1::UploadRequest>* reader,
                                                v1::UploadResponse* resp, v1::UploadHeader* header_out) {
  // Refused by the stream or upload limits: answer now, without waiting for the client.
  if (grpc::Status admitted = CallAdmission(ctx); !admitted.ok()) return admitted;
  v1::UploadRequest msg;
  if (!reader->Read(&msg) || !msg.has_header()) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "the first Upload message must be the header");
  }
  const v1::UploadHeader header = msg.header();
  *header_out = header;
  if (!ValidLa(header.la())) {
    return grpc::Status(grpc::INVALID_ARGUMENT,
                        absl::StrCat("LA '", header.la(), "' is not a three-digit DfE code (e.g. 301)"));
  }
  if (header.collection_year() < 2000 || header.collection_year() > 2100) {
    return grpc::Status(grpc::INVALID_ARGUMENT,
                        absl::StrCat("collection year ", header.collection_year(),
                                     " is not a year (2016 for 2015-16)"));
  }
  // A full disk is the server's trouble, not the file's: UNAVAILABLE (retry later), the
  // directory named, and never "correct the export".
  if (absl::Status w = ingestor_->CheckWritable(); !w.ok()) {
    return grpc::Status(grpc::UNAVAILABLE, absl::StrCat(header.file_name(), ": ", w.message(), "; nothing was stored"));
  }
  std::string spool = ingestor_->spool_dir() + "/upload-XXXXXX";
  int fd = mkstemp(spool.data());
  if (fd < 0) {
    const std::string why = absl::StrCat("cannot create a spool file in ", ingestor_->spool_dir(), ": ",
                                         std::strerror(errno));
    ingestor_->MarkWriteFailed(why);
    return grpc::Status(grpc::UNAVAILABLE, absl::StrCat(header.file_name(), ": ", why, "; nothing was stored, retry later"));
  }
  bool protocol_ok = true;
  int write_errno = 0;
  while (reader->Read(&msg)) {
    if (!msg.has_chunk()) {
      protocol_ok = false;
      break;
    }
    const std::string& chunk = msg.chunk();
    size_t done = 0;
    while (done < chunk.size()) {
      ssize_t n = ::write(fd, chunk.data() + done, chunk.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        write_errno = n < 0 ? errno : EIO;
        break;
      }
      done += static_cast<size_t>(n);
    }
    if (write_errno != 0) break;
  }
  if (::close(fd) != 0 && write_errno == 0) write_errno = errno;
  if (write_errno != 0) {
    ::unlink(spool.c_str());
    const std::string why = absl::StrCat("cannot write the upload to the spool in ", ingestor_->spool_dir(), ": ",
                                         std::strerror(write_errno));
    ingestor_->MarkWriteFailed(why);
    CS_LOG(ERROR) << header.la() << "/" << header.collection_year() << " " << header.file_name() << ": " << why;
    return grpc::Status(grpc::UNAVAILABLE,
                        absl::StrCat(header.file_name(), ": ", why, "; nothing was stored, retry when the disk has space"));
  }
  // A stream that broke part-way ends Read like a finished one: never ingest half a file.
  if (ctx->IsCancelled()) {
    ::unlink(spool.c_str());
    return grpc::Status(grpc::CANCELLED, absl::StrCat(header.file_name(), ": upload interrupted; nothing stored"));
  }
  if (!protocol_ok) {
    ::unlink(spool.c_str());
    return grpc::Status(grpc::INVALID_ARGUMENT,
                        absl::StrCat(header.file_name(), ": upload not header-then-chunks; nothing stored"));
  }
  auto result = ingestor_->IngestFile(header, spool);
  ::unlink(spool.c_str());
  if (!result.ok()) {
    // The file name is the client's and the message may quote the file: both bounded (and
    // escaped, as every log line is), so that one upload is one line of reasonable length,
    // and the values the message quotes are hidden (the client still gets them).
    CS_LOG(WARNING) << header.la() << "/" << header.collection_year() << " " << EscapeForLog(header.file_name(), 200)
                    << ": " << EscapeForLog(HideQuotedValues(std::string(result.status().message().substr(0, 4096))), 600);
    return ToGrpc(result.status());
  }
  *resp = *std::move(result);
  CS_LOG(INFO).With("return_id", resp->return_id()).With("outcome", v1::UploadOutcome_Name(resp->outcome()))
          .With("records", resp->records_stored()).With("errors", resp->errors()).With("queries", resp->queries())
      << resp->return_id() << " " << EscapeForLog(header.file_name(), 200) << ": "
      << v1::UploadOutcome_Name(resp->outcome()) << ", " << resp->records_stored() << " records, " << resp->errors()
      << " errors, " << resp->queries() << " queries";
  return grpc::Status::OK;
}

grpc::Status IngestionService::RecordChecks(grpc::ServerContext* ctx, const v1::RecordChecksRequest* req,
                                            v1::UploadResponse* resp) {
  if (!ValidLa(req->la())) {
    return grpc::Status(grpc::INVALID_ARGUMENT,
                        absl::StrCat("LA '", req->la(), "' is not a three-digit DfE code (e.g. 301)"));
  }
  if (req->collection_year() < 2000 || req->collection_year() > 2100) {
    return grpc::Status(grpc::INVALID_ARGUMENT, absl::StrCat("collection year ", req->collection_year(),
                                                             " is not a year (2016 for 2015-16)"));
  }
  if (absl::Status w = ingestor_->CheckWritable(); !w.ok()) {
    return grpc::Status(grpc::UNAVAILABLE, absl::StrCat(w.message(), "; nothing was stored"));
  }
  auto result = ingestor_->RecordChecks(*req);
  if (!result.ok()) return ToGrpc(result.status());
  *resp = *std::move(result);
  CS_LOG(INFO) << resp->return_id() << ": " << v1::UploadOutcome_Name(resp->outcome()) << ", " << resp->errors()
               << " errors, " << resp->queries() << " queries across the SSDA903 tables";
  return grpc::Status::OK;
}

grpc::Status IngestionService::ListReturns(grpc::ServerContext*, const v1::ListReturnsRequest* req,
                                           v1::ListReturnsResponse* resp) {
  auto returns = ingestor_->store().ListReturns(req->la());
  if (!returns.ok()) return ToGrpc(returns.status());
  for (auto& r : *returns) *resp->add_returns() = std::move(r);
  auto rejected = ingestor_->store().ListRejections(req->la());
  if (!rejected.ok()) return ToGrpc(rejected.status());
  for (auto& r : *rejected) *resp->add_rejected() = std::move(r);
  return grpc::Status::OK;
}

grpc::Status IngestionService::GetIssues(grpc::ServerContext* ctx, const v1::GetIssuesRequest* req,
                                         v1::GetIssuesResponse* resp) {
  auto issues = ingestor_->store().GetIssues(req->return_id());
  if (!issues.ok()) return ToGrpc(issues.status());
  // Child-level detail (which child, which line of the file) is for ingest and admin. A
  // read principal (reporting, dashboards) gets each issue's rule, severity, field and
  // column, with no child, line or file: enough to count them by rule (docs/SECURITY.md).
  const bool child_level = CallerHasRole(ctx, {"ingest", "admin"});
  for (auto& i : *issues) {
    if (!child_level) RedactIssueForRead(&i);
    *resp->add_issues() = std::move(i);
  }
  return grpc::Status::OK;
}

grpc::Status IngestionService::StreamRecords(grpc::ServerContext* ctx, const v1::StreamRecordsRequest* req,
                                             grpc::ServerWriter<v1::RecordBatch>* writer) {
  if (grpc::Status admitted = CallAdmission(ctx); !admitted.ok()) return admitted;
  if (!ValidLa(req->la())) {
    return grpc::Status(grpc::INVALID_ARGUMENT, absl::StrCat("LA '", req->la(), "' is not a three-digit DfE code"));
  }
  std::vector<int> years(req->collection_years().begin(), req->collection_years().end());
  std::vector<std::string> return_ids(req->return_ids().begin(), req->return_ids().end());
  v1::RecordBatch batch;
  bool broken = false;
  absl::Status s = ingestor_->store().ScanRecords(req->la(), years, return_ids, [&](const v1::Record& r) {
    *batch.add_records() = r;
    if (batch.records_size() >= static_cast<int>(kRecordsPerBatch)) {
      if (ctx->IsCancelled() || !writer->Write(batch)) {
        broken = true;
        return false;
      }
      batch.Clear();
    }
    return true;
  });
  if (!s.ok()) return ToGrpc(s);
  if (broken) return grpc::Status(grpc::CANCELLED, "the reader went away");
  if (batch.records_size() > 0) writer->Write(batch);
  return grpc::Status::OK;
}

}  // namespace carestat
