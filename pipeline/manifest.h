// File: manifest.h
// The pipeline's record of every file it has handled: one JSON line per outcome,
// appended and fsynced (0600, in a 0700 folder), so a crash loses at most the line being
// written. Whether a file is already stored is asked of ingestion (the current content
// of its return), not of the manifest; the manifest says which file (and archived copy)
// holds each return's latest version, so a return the store has lost can be sent again.
//   auto m = Manifest::Open(state_dir + "/manifest.jsonl");
//   (*m)->Append({file, sha256, return_id, "stored", now});
//   for (const auto& [id, e] : (*m)->Latest()) ... compare with ListReturns ...
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace carestat {

struct ManifestEntry {
  std::string file;       // as found in the inbox, relative to it (raw bytes; stored hex-escaped when not UTF-8)
  std::string sha256;
  std::string return_id;  // empty when rejected
  std::string outcome;    // stored, replaced, unchanged, known, resent, quarantined
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
  // Each return's latest entry whose content the store took (stored, replaced,
  // unchanged, known, resent), by return id ("301/2016/cin-census").
  const std::map<std::string, ManifestEntry>& Latest() const { return by_return_; }
  absl::Status Append(const ManifestEntry& e);
  size_t size() const { return by_hash_.size(); }

 private:
  Manifest() = default;
  int fd_ = -1;
  std::string path_;
  void Note(const ManifestEntry& e);
  std::map<std::string, ManifestEntry> by_hash_;
  std::map<std::string, ManifestEntry> by_return_;
};

std::string ManifestLine(const ManifestEntry& e);
bool ParseManifestLine(const std::string& line, ManifestEntry* e);

}  // namespace carestat
