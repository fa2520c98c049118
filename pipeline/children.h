// File: children.h
// `carestat children` and `carestat pseudonymise`: the two commands that touch
// child-level data for a `case` principal, and the audit log they keep when they run on
// the machine itself (an embedded install, or ingestion's own data directory).
//   ChildrenText(resp, la, period)        // the list as `carestat children` prints it
//   auto n = PseudonymiseIds("/var/lib/carestat/ingestion", "301", std::cin, std::cout);
#pragma once

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "carestat/v1/metrics.pb.h"

namespace carestat {

// The list under a header naming the figure, its numerator and denominator and what one
// entry is; one line per entry: list, pseudonym ("(no id)" when the return gave none),
// record kind, its dates and codes, its returns. Tab-separated after the header lines.
std::string ChildrenText(const v1::ListChildrenResponse& resp, const std::string& la, const std::string& period);
// The response in protobuf's JSON mapping (field names as in metrics.proto).
std::string ChildrenJson(const v1::ListChildrenResponse& resp);

// Reads one identifier per line from `in` (surrounding blanks trimmed, blank lines
// skipped) and writes "id<TAB>pseudonym" for each to `out`, with the key of the
// ingestion data directory `ingestion_dir` (its hmac.key, never created here) and the
// same function ingestion stores records with. Returns the number of ids. Fails, writing
// nothing, when the key is missing or unreadable, or a line is too long or has a
// control character (naming the line).
absl::StatusOr<int64_t> PseudonymiseIds(const std::string& ingestion_dir, const std::string& la, std::istream& in,
                                        std::ostream& out);

// Appends a line to the local audit log of child-level commands (principal: this
// machine's user, "local:<name>"): the method ("carestat pseudonymise"), LA, indicator
// and period, outcome and the number of children or ids given out. Never the ids.
struct LocalAudit {
  std::string path;       // e.g. DATA/case-audit.jsonl
  std::string method, la, indicator, period;
  int64_t children = -1;
  int code = 0;           // grpc::StatusCode
};
// The log is opened (created 0600) before anything is given out, so a command that
// cannot audit gives nothing: OpenLocalAudit fails naming the file.
absl::Status OpenLocalAudit(const std::string& path);
absl::Status WriteLocalAudit(const LocalAudit& a);

}  // namespace carestat
