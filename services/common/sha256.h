// File: sha256.h
// SHA-256 of a file's content as lowercase hex, for the content hashes that key returns
// (ingestion), the pipeline's manifest and the acknowledgement ledger.
//   int64_t bytes = 0;
//   auto hex = Sha256Fd(fd, &bytes);          // from offset 0, whatever the file position
//   auto hex2 = Sha256File("/srv/x.csv", &bytes);
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace carestat {

// Everything readable from `fd` from offset 0 (pread: the file position is not moved),
// and its size in `bytes`. DATA_LOSS when a read fails.
absl::StatusOr<std::string> Sha256Fd(int fd, int64_t* bytes);
// The same for a file opened by path; NOT_FOUND when it cannot be opened.
absl::StatusOr<std::string> Sha256File(const std::string& path, int64_t* bytes);

}  // namespace carestat
