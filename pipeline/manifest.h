// File: manifest.h
// The pipeline's record of every file it has handled: one JSON line per outcome,
// appended and fsynced, so a crash loses at most the line being written and a file
// whose content hash is already recorded is never ingested twice.
//   auto m = Manifest::Open(state_dir + "/manifest.jsonl");
//   if ((*m)->Seen(sha256)) skip;
//   (*m)->Append({file, sha256, return_id, "stored", now});
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace carestat {

struct ManifestEntry {
  std::string file;       // as found in the inbox, relative to it
  std::string sha256;
  std::string return_id;  // empty when rejected
  std::string outcome;    // stored, replaced, unchanged, quarantined
  int64_t unix_ms = 0;
  std::string message;    // why, for a quarantined file
};

class Manifest {
 public:
  // Reads an existing manifest; a torn last line (a crash mid-write) is ignored.
  static absl::StatusOr<std::unique_ptr<Manifest>> Open(const std::string& path);
  ~Manifest();

  // The latest entry for this content, or nullptr.
  const ManifestEntry* Seen(const std::string& sha256) const;
  absl::Status Append(const ManifestEntry& e);
  size_t size() const { return by_hash_.size(); }

 private:
  Manifest() = default;
  int fd_ = -1;
  std::map<std::string, ManifestEntry> by_hash_;
};

std::string ManifestLine(const ManifestEntry& e);
bool ParseManifestLine(const std::string& line, ManifestEntry* e);

}  // namespace carestat
