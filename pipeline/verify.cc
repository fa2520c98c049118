#include "pipeline/verify.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "pipeline/manifest.h"
#include "services/ingestion/ingestor.h"
#include "services/ingestion/ledger.h"
#include "services/ingestion/store.h"

namespace carestat {
namespace fs = std::filesystem;
namespace {

std::string CountsText(const std::map<std::string, int64_t>& c) {
  std::vector<std::string> parts;
  for (const auto& [k, n] : c) parts.push_back(absl::StrCat(k, "=", n));
  return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
}

bool HasStore(const std::string& dir) {
  std::error_code ec;
  return fs::exists(fs::path(dir) / "store" / "CURRENT", ec);
}

}  // namespace

absl::StatusOr<VerifyResult> VerifyStore(const VerifyOptions& o) {
  VerifyResult res;
  std::string manifest = o.manifest;
  if (HasStore(o.data_dir)) {
    res.data_dir = o.data_dir;
  } else if (HasStore(o.data_dir + "/ingestion")) {
    res.data_dir = o.data_dir + "/ingestion";  // an embedded install (carestat run --data)
    std::error_code ec;
    if (manifest.empty() && fs::exists(o.data_dir + "/pipeline/manifest.jsonl", ec)) {
      manifest = o.data_dir + "/pipeline/manifest.jsonl";
    }
  } else {
    return absl::NotFoundError(absl::StrCat("there is no ingestion store in ", o.data_dir, " (nor in ", o.data_dir,
                                            "/ingestion): give the ingestion data directory"));
  }
  res.manifest = manifest;
  const std::string store_dir = res.data_dir + "/store";
  auto store = IngestionStore::Open(store_dir, {.read_only = true});
  if (absl::IsDataLoss(store.status())) {
    res.log_damaged = true;
    res.damage = std::string(store.status().message());
    store = IngestionStore::Open(store_dir, {.read_only = true, .point_in_time_recovery = true});
  }
  if (!store.ok()) return store.status();
  auto held = (*store)->ListReturns("");
  if (!held.ok()) return held.status();
  res.returns_held = static_cast<int>(held->size());
  std::map<std::string, const v1::ReturnInfo*> by_id;
  for (const auto& r : *held) by_id[r.return_id()] = &r;

  std::map<std::string, VerifyProblem> problems;  // one per return: the first found
  auto add = [&](VerifyProblem p) { problems.emplace(p.return_id, std::move(p)); };

  // Each return whole: its records counted by kind against its summary.
  for (const auto& r : *held) {
    auto counts = (*store)->CountRecords(r);
    std::map<std::string, int64_t> recorded(r.record_counts().begin(), r.record_counts().end());
    if (!counts.ok()) {
      add({r.return_id(), "damaged", std::string(counts.status().message()), r.file_name()});
    } else if (*counts != recorded) {
      add({r.return_id(), "damaged",
           absl::StrCat("its records by kind are ", CountsText(*counts), " but its summary says ", CountsText(recorded)),
           r.file_name()});
    }
  }

  // Against the acknowledgement ledger.
  auto latest = Ledger::ReadLatest(LedgerPath(res.data_dir));
  if (!latest.ok()) return latest.status();
  res.ledger_returns = static_cast<int>(latest->size());
  if (latest->empty() && !held->empty()) {
    res.notes.push_back(absl::StrCat("no acknowledgement ledger in ", res.data_dir,
                                     " yet (a store from before ledgers): the server records one at its next start"));
  }
  std::vector<v1::ReturnInfo> newer;
  for (const auto& l : CompareLedger(*latest, *held, &newer)) {
    add({l.return_id, by_id.count(l.return_id) ? "older" : "missing", l.What(), l.acknowledged.file});
  }
  for (const auto& [id, e] : *latest) {
    if (e.event != "lost-accepted") continue;
    auto it = by_id.find(id);
    if (it != by_id.end() && it->second->generation() > e.generation) continue;  // sent again since
    add({id, "lost-accepted",
         absl::StrCat("acknowledged file '", e.file, "' was lost and the loss accepted (", e.note,
                      "); it has not been sent again"),
         e.file});
  }
  if (!latest->empty()) {
    for (const auto& r : newer) {
      res.notes.push_back(absl::StrCat(r.return_id(), " ('", r.file_name(),
                                       "') is held but not yet in the ledger (stored during the check, or "
                                       "just before a crash): not a loss"));
    }
  }

  // Against the pipeline's manifest: its latest stored version of each return.
  if (!manifest.empty()) {
    std::ifstream in(manifest);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read the manifest ", manifest));
    std::map<std::string, ManifestEntry> stored;
    std::string line;
    while (std::getline(in, line)) {
      ManifestEntry e;
      if (!ParseManifestLine(line, &e) || e.return_id.empty()) continue;
      if (e.outcome != "stored" && e.outcome != "replaced" && e.outcome != "unchanged") continue;
      auto& slot = stored[e.return_id];
      if (e.unix_ms >= slot.unix_ms) slot = e;
    }
    res.manifest_returns = static_cast<int>(stored.size());
    for (const auto& [id, e] : stored) {
      auto it = by_id.find(id);
      if (it == by_id.end()) {
        auto p = problems.find(id);
        if (p != problems.end()) {
          p->second.send_again = e.file;  // the manifest knows where the file is
        } else {
          add({id, "missing", absl::StrCat("the pipeline's manifest records '", e.file, "' as stored but the store has no such return"),
               e.file});
        }
        continue;
      }
      const v1::ReturnInfo& r = *it->second;
      if (r.content_sha256() == e.sha256) continue;
      if (r.uploaded_unix_ms() > e.unix_ms) continue;  // a newer upload from elsewhere
      auto p = problems.find(id);
      if (p != problems.end()) {
        p->second.send_again = e.file;
      } else {
        add({id, "older",
             absl::StrCat("the pipeline's manifest records '", e.file, "' (sha256 ", e.sha256.substr(0, 12),
                          ") as stored but the store holds an earlier version ('", r.file_name(), "')"),
             e.file});
      }
    }
    // Where the manifest knows a lost return's file, name it.
    for (auto& [id, p] : problems) {
      auto it = stored.find(id);
      if (it != stored.end()) p.send_again = it->second.file;
    }
  }
  for (auto& [id, p] : problems) res.problems.push_back(std::move(p));
  return res;
}

}  // namespace carestat
