#include "services/ingestion/service.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"
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

grpc::Status IngestionService::Upload(grpc::ServerContext* ctx,
                                      grpc::ServerReader<v1::UploadRequest>* reader,
                                      v1::UploadResponse* resp) {
  v1::UploadRequest msg;
  if (!reader->Read(&msg) || !msg.has_header()) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "the first Upload message must be the header");
  }
  const v1::UploadHeader header = msg.header();
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
    CS_LOG(WARNING) << header.la() << "/" << header.collection_year() << " " << header.file_name()
                    << ": " << result.status().message();
    return ToGrpc(result.status());
  }
  *resp = *std::move(result);
  CS_LOG(INFO) << resp->return_id() << " " << header.file_name() << ": "
               << v1::UploadOutcome_Name(resp->outcome()) << ", " << resp->records_stored()
               << " records, " << resp->errors() << " errors, " << resp->queries() << " queries";
  return grpc::Status::OK;
}

grpc::Status IngestionService::ListReturns(grpc::ServerContext*, const v1::ListReturnsRequest* req,
                                           v1::ListReturnsResponse* resp) {
  auto returns = ingestor_->store().ListReturns(req->la());
  if (!returns.ok()) return ToGrpc(returns.status());
  for (auto& r : *returns) *resp->add_returns() = std::move(r);
  return grpc::Status::OK;
}

grpc::Status IngestionService::GetIssues(grpc::ServerContext*, const v1::GetIssuesRequest* req,
                                         v1::GetIssuesResponse* resp) {
  auto issues = ingestor_->store().GetIssues(req->return_id());
  if (!issues.ok()) return ToGrpc(issues.status());
  for (auto& i : *issues) *resp->add_issues() = std::move(i);
  return grpc::Status::OK;
}

grpc::Status IngestionService::StreamRecords(grpc::ServerContext* ctx, const v1::StreamRecordsRequest* req,
                                             grpc::ServerWriter<v1::RecordBatch>* writer) {
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
