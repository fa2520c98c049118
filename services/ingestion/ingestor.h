// File: ingestor.h
// The ingestion domain: takes a complete file filed under (LA, collection year),
// reads it whole, pseudonymises and stores it as a return, or stores nothing and says
// why. Knows nothing of gRPC.
//   auto ing = Ingestor::Open(data_dir);
//   auto resp = (*ing)->IngestFile(header, "/tmp/upload.xml");
//   // resp->outcome(): STORED, REPLACED or UNCHANGED; INVALID_ARGUMENT when unusable
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "carestat/v1/ingestion.pb.h"
#include "services/ingestion/pseudonymise.h"
#include "services/ingestion/store.h"

namespace carestat {

class Ingestor {
 public:
  // `data_dir` holds store/, spool/ and hmac.key (created with mode 0600).
  static absl::StatusOr<std::unique_ptr<Ingestor>> Open(const std::string& data_dir);

  // REQUIRES: header.la() and header.collection_year() set. A file that cannot be read
  // whole, or whose header disagrees with the LA and year, answers INVALID_ARGUMENT
  // with a message naming the file, line and field, and nothing is stored.
  absl::StatusOr<v1::UploadResponse> IngestFile(const v1::UploadHeader& header, const std::string& path);

  IngestionStore& store() { return *store_; }
  // Where uploads are spooled before they are read.
  const std::string& spool_dir() const { return spool_dir_; }

 private:
  Ingestor() = default;
  std::unique_ptr<IngestionStore> store_;
  std::unique_ptr<Pseudonymiser> pseudonymiser_;
  std::string spool_dir_;
  std::mutex mu_;  // one return is read and committed at a time
};

// Hex SHA-256 of a file's bytes.
absl::StatusOr<std::string> Sha256File(const std::string& path, int64_t* bytes);

}  // namespace carestat
