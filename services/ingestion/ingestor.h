// File: ingestor.h
// The ingestion domain: takes a complete file filed under (LA, collection year),
// reads it whole, pseudonymises and stores it as a return, or stores nothing and says
// why. Knows nothing of gRPC.
//   auto ing = Ingestor::Open(data_dir);
//   auto resp = (*ing)->IngestFile(header, "/tmp/upload.xml");
//   // resp->outcome(): STORED, REPLACED or UNCHANGED; INVALID_ARGUMENT when unusable
// The data directory must be the owner's alone (0700); Open refuses it otherwise. Every
// acknowledged store is recorded in DIR/ledger.jsonl (ledger.h) before the answer, and
// Open refuses a store that holds less than the ledger acknowledged, or a key that is
// not the one the store was made with.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "carestat/v1/ingestion.pb.h"
#include "services/common/sha256.h"  // Sha256File, for ingestion's callers
#include "services/ingestion/ledger.h"
#include "services/ingestion/pseudonymise.h"
#include "services/ingestion/store.h"

namespace carestat {

struct IngestorOptions {
  // Start even though the store lost returns the ledger acknowledged (or its write-ahead
  // log is damaged in the middle): opens what survives, records each lost return in the
  // ledger as lost-accepted and logs it. The operator must send those files again.
  bool accept_loss = false;
};

class Ingestor {
 public:
  // `data_dir` holds store/, spool/, hmac.key and ledger.jsonl (created 0700/0600).
  // FAILED_PRECONDITION (with what to do) when the directory is open to others, the key
  // is not the store's, the store is in use, or it lost acknowledged returns; DATA_LOSS
  // when the store is damaged.
  static absl::StatusOr<std::unique_ptr<Ingestor>> Open(const std::string& data_dir,
                                                        const IngestorOptions& options = {});

  // REQUIRES: header.la() and header.collection_year() set. A file that cannot be read
  // whole, or whose header disagrees with the LA and year, answers INVALID_ARGUMENT
  // with a message naming the file, line and field, and nothing is stored. A full or
  // failing disk answers UNAVAILABLE (retry later; nothing stored).
  absl::StatusOr<v1::UploadResponse> IngestFile(const v1::UploadHeader& header, const std::string& path);

  // Stores the findings of DfE's rules over an LA's SSDA903 tables of a year checked
  // together (RecordChecksRequest) as the return <la>/<year>/checks-ssda903, children
  // pseudonymised, replacing the previous one; UNCHANGED when its content_sha256 is the
  // stored one's. INVALID_ARGUMENT for a request without an LA, year or content hash.
  absl::StatusOr<v1::UploadResponse> RecordChecks(const v1::RecordChecksRequest& req);

  IngestionStore& store() { return *store_; }
  // Where uploads are spooled before they are read.
  const std::string& spool_dir() const { return spool_dir_; }
  const std::string& data_dir() const { return data_dir_; }

  // OK while writes work. After a write failed (a full disk, in the spool or the store)
  // UNAVAILABLE naming the directory, until a probe write to the spool and to the store
  // succeeds (RocksDB resumed): called before each upload and by the health check.
  absl::Status CheckWritable();
  // Records that a write under the data directory failed: health turns NOT_SERVING and
  // uploads answer UNAVAILABLE until CheckWritable sees writes work again.
  void MarkWriteFailed(const std::string& why);

 private:
  Ingestor() = default;
  absl::Status RecoverLocked();  // REQUIRES: mu_ held
  absl::StatusOr<v1::UploadResponse> IngestLocked(const v1::UploadHeader& header, const std::string& path);
  // Keeps the refusal of a return's upload (the store's PutRejection), logging a failure.
  void RecordRejection(const v1::UploadHeader& h, const std::string& dataset, const std::string& file,
                       const std::string& sha, const absl::Status& why);
  absl::Status RecordAcknowledged(const v1::ReturnInfo& info, const std::string& event);
  std::unique_ptr<IngestionStore> store_;
  std::unique_ptr<Pseudonymiser> pseudonymiser_;
  std::unique_ptr<Ledger> ledger_;
  std::string data_dir_;
  std::string spool_dir_;
  std::mutex mu_;  // one return is read and committed at a time
  std::atomic<bool> write_failed_{false};
  std::mutex why_mu_;
  std::string why_;  // the last write failure
};


// The ledger's file in a data directory.
std::string LedgerPath(const std::string& data_dir);

}  // namespace carestat
