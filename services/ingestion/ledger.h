// File: ledger.h
// Ingestion's acknowledgement ledger: one JSON line per return the server told a client
// it stored (appended and fsynced after the commit and before the answer), kept beside
// the store, outside RocksDB. It is independent evidence of what was acknowledged, so a
// store that comes back older than that (a damaged log, a restored backup) is found at
// open and by `carestat verify`, never used in silence. It holds no child-level data:
// return id, generation, content SHA-256, record counts by kind, file name, time.
//   auto l = Ledger::Open(data_dir + "/ledger.jsonl");
//   (*l)->Append(Ledger::Stored(info, "stored"));
//   auto lost = CompareLedger((*l)->latest(), returns, &newer);
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "carestat/v1/ingestion.pb.h"

namespace carestat {

struct LedgerEntry {
  // stored: an upload was committed and acknowledged; present: the store held this
  // generation and the ledger did not (a crash between commit and append, or a store
  // older than the ledger); lost-accepted: an operator started with --accept-loss and
  // this acknowledged generation was given up (it must be sent again).
  std::string event;
  std::string return_id;
  uint64_t generation = 0;
  std::string sha256;
  std::map<std::string, int64_t> records;  // by kind
  std::string file;
  int64_t unix_ms = 0;
  std::string note;
};

class Ledger {
 public:
  // Reads the ledger (a torn last line from a crash is ignored) and opens it for
  // appending, creating it with mode 0600.
  static absl::StatusOr<std::unique_ptr<Ledger>> Open(const std::string& path);
  // Reads only (carestat verify); an absent file is an empty ledger.
  static absl::StatusOr<std::map<std::string, LedgerEntry>> ReadLatest(const std::string& path);
  ~Ledger();

  // The latest entry of each return id.
  const std::map<std::string, LedgerEntry>& latest() const { return latest_; }
  // Appends and fsyncs one line; UNAVAILABLE naming the file when it cannot.
  absl::Status Append(const LedgerEntry& e);
  const std::string& path() const { return path_; }

  static LedgerEntry FromInfo(const v1::ReturnInfo& info, const std::string& event);

 private:
  Ledger() = default;
  int fd_ = -1;
  std::string path_;
  std::map<std::string, LedgerEntry> latest_;
};

std::string LedgerLine(const LedgerEntry& e);
bool ParseLedgerLine(const std::string& line, LedgerEntry* e);

// A return the ledger says was acknowledged that the store no longer holds as acknowledged.
struct LostReturn {
  std::string return_id;
  LedgerEntry acknowledged;
  std::string problem;  // "missing", or what the store holds instead
  std::string Describe() const;  // "<return id>: " + What()
  std::string What() const;      // what was acknowledged and what the store holds
};

// Compares the ledger's latest entries with the returns the store holds. Returns what
// was acknowledged and is lost (absent, or held at an older generation, or the same
// generation with other content); entries already lost-accepted are not lost again.
// `newer` gets the returns the store holds that the ledger lacks or holds older (to be
// recorded as present: not a loss).
std::vector<LostReturn> CompareLedger(const std::map<std::string, LedgerEntry>& latest,
                                      const std::vector<v1::ReturnInfo>& held,
                                      std::vector<v1::ReturnInfo>* newer);

}  // namespace carestat
