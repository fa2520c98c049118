// File: audit.h
// The audit log of a carestat server: one JSON line per RPC, appended (O_APPEND) to a
// file that is rotated by size (FILE -> FILE.1 -> FILE.2 ...). A line says who called
// what, for which LA and years, how it ended and how many bytes moved; it never holds
// request content beyond the LA and year fields, so never a child identifier.
//   auto log = AuditLog::Open("/var/log/carestat/ingestion-audit.jsonl", 100 << 20, 10);
//   AuditEvent e;  e.principal = "pipeline";  e.method = "/carestat.v1.Ingestion/Upload";
//   AuditFieldsFromRequest(request, &e);    // la, collection_years, year, period only
//   e.code = grpc::OK;  (*log)->Write(e);
// A ListChildren line also has "indicator" and "children" (how many were given out).
// A line: {"time":"2016-03-31T12:00:00.123Z","principal":"pipeline","method":"/carestat.v1.Ingestion/Upload",
//          "la":"301","collection_years":[2016],"outcome":"OK","code":0,"bytes_in":5120,"bytes_out":48,
//          "ms":35,"peer":"ipv4:127.0.0.1:50312"}
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"

namespace carestat {

struct AuditEvent {
  std::string principal;              // "-" when no valid credential was given
  std::string method;                 // "/carestat.v1.Ingestion/Upload"
  std::string la;                     // empty: the request has none
  std::vector<int64_t> collection_years;
  std::string year, period;
  std::vector<std::string> return_ids;  // "301/2016/cin-census": GetIssues, StreamRecords
  std::string indicator;              // ListChildren: the indicator whose children were asked for
  int64_t children = -1;              // ListChildren, pseudonymise: children (ids) returned; -1: none
  int code = 0;                       // grpc::StatusCode (an HTTP request: the code its status stands for)
  int http_status = 0;                // the HTTP listener's status; 0 for an RPC
  std::string reason;                 // short, fixed text for refusals ("unknown token"); never request content
  int64_t bytes_in = 0, bytes_out = 0;
  int64_t ms = -1;                    // duration; -1 when not measured
  std::string peer;
};

// Copies the audit fields of a request: string `la`; int `collection_year` or repeated
// int `collection_years`; string `year`; string `period`; string `return_id` or repeated
// string `return_ids` (whose LA becomes `la` when the request names none); looked for at the top level and
// in singular message fields up to two levels down (UploadRequest.header.la,
// RenderRequest.report.year). Values that are not shaped like an LA code or a year are
// replaced by "?" so that nothing else a client puts there reaches the log.
void AuditFieldsFromRequest(const google::protobuf::Message& request, AuditEvent* e);

// Copies what a response says about child-level data: `children_returned`
// (ListChildrenResponse), the number of children a call gave out.
void AuditFieldsFromResponse(const google::protobuf::Message& response, AuditEvent* e);

std::string AuditLine(const AuditEvent& e);   // JSON, no newline

class AuditLog {
 public:
  // Opens FILE for appending (creating it with mode 0600). max_bytes: rotate before a
  // line would take the file past it; keep: how many rotated files to keep.
  static absl::StatusOr<std::shared_ptr<AuditLog>> Open(const std::string& path, int64_t max_bytes, int keep);
  ~AuditLog();
  // Appends one line; a failure is logged to stderr (at most once a minute) and counted.
  void Write(const AuditEvent& e);
  int64_t failures() const { return failures_; }

 private:
  AuditLog() = default;
  bool Reopen();
  void Rotate();
  std::string path_;
  int64_t max_bytes_ = 0;
  int keep_ = 0;
  std::mutex mu_;
  int fd_ = -1;
  int64_t size_ = 0;
  int64_t failures_ = 0;
  int64_t last_complaint_ms_ = 0;
};

}  // namespace carestat
