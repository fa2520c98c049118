#include "pipeline/rekey.h"

#include <fcntl.h>
#include <stdio.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/datasets.h"
#include "services/common/dates.h"
#include "services/common/log.h"
#include "services/ingestion/ingestor.h"
#include "services/metrics/metrics.h"

namespace carestat {
namespace fs = std::filesystem;
namespace {

std::string Stamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// Finds the original of every return: the first file under `roots` with its size and
// SHA-256. Only files of a size some return has are hashed.
std::map<std::string, std::string> FindOriginals(const std::vector<std::string>& roots,
                                                 const std::vector<v1::ReturnInfo>& returns) {
  std::set<int64_t> sizes;
  std::set<std::string> wanted;
  for (const auto& r : returns) {
    sizes.insert(r.bytes());
    wanted.insert(r.content_sha256());
  }
  std::map<std::string, std::string> found;  // sha256 -> path
  for (const auto& root : roots) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code fec;
      if (!it->is_regular_file(fec)) continue;
      auto size = static_cast<int64_t>(it->file_size(fec));
      if (fec || !sizes.count(size)) continue;
      int64_t bytes = 0;
      auto sha = Sha256File(it->path().string(), &bytes);
      if (!sha.ok() || !wanted.count(*sha) || found.count(*sha)) continue;
      found[*sha] = it->path().string();
    }
    if (ec) CS_LOG(WARNING) << "rekey: cannot read all of " << root << ": " << ec.message();
  }
  return found;
}

std::string Counts(const v1::ReturnInfo& r) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : std::map<std::string, int64_t>(r.record_counts().begin(), r.record_counts().end())) {
    parts.push_back(absl::StrCat(k, "=", v));
  }
  return absl::StrCat("records {", absl::StrJoin(parts, ", "), "}, ", r.children(), " children, ",
                      r.errors(), " errors, ", r.queries(), " queries");
}

using PointKey = std::tuple<std::string, std::string, std::string>;  // indicator, breakdown, period

// Every computed point of every LA and year the returns cover, as one engine computes
// them from `store`'s records.
absl::StatusOr<std::map<std::pair<std::string, PointKey>, v1::IndicatorPoint>> ComputeAll(
    const std::string& dir, IngestionStore& store, const std::vector<v1::ReturnInfo>& returns) {
  auto engine = MetricsEngine::Open(dir);
  if (!engine.ok()) return engine.status();
  std::map<std::string, std::vector<v1::ReturnInfo>> by_la;
  for (const auto& r : returns) by_la[r.la()].push_back(r);
  std::map<std::pair<std::string, PointKey>, v1::IndicatorPoint> out;
  for (const auto& [la, la_returns] : by_la) {
    auto scan = [&store, la = la](const std::vector<std::string>& only,
                                  const std::function<void(const v1::Record&)>& fn) {
      return store.ScanRecords(la, {}, only, [&fn](const v1::Record& r) {
        fn(r);
        return true;
      });
    };
    auto rc = (*engine)->Recompute(la, {}, la_returns, scan);
    if (!rc.ok()) return rc.status();
    std::set<int> years;
    for (const auto& r : la_returns) years.insert(r.collection_year() - 1);
    for (int fy : years) {
      auto points = (*engine)->GetValues(la, FormatPeriod(FinancialYear(fy)));
      if (!points.ok()) continue;  // a year with nothing computed
      for (const auto& p : *points) {
        if (p.supplied()) continue;
        out[{la, PointKey{p.indicator(), p.breakdown(), FormatPeriod(p.period())}}] = p;
      }
    }
  }
  return out;
}

// Swaps two directories in one rename (Linux renameat2 RENAME_EXCHANGE), so there is no
// moment without a data directory; falls back to two renames where unsupported.
absl::Status Exchange(const std::string& a, const std::string& b) {
#ifdef RENAME_EXCHANGE
  if (renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0) return absl::OkStatus();
#endif
  std::string tmp = a + ".swap";
  std::error_code ec;
  fs::rename(a, tmp, ec);
  if (!ec) fs::rename(b, a, ec);
  if (!ec) fs::rename(tmp, b, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot swap ", a, " and ", b, ": ", ec.message()));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RekeyResult> Rekey(const RekeyOptions& o) {
  RekeyResult res;
  const std::string dir = fs::path(o.ingestion_dir).lexically_normal().string();
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / "hmac.key", ec)) {
    return absl::FailedPreconditionError(absl::StrCat(
        dir, "/hmac.key does not exist: this is not an ingestion data directory in use (for an "
             "embedded install pass --data DATA, whose ingestion directory is DATA/ingestion)"));
  }
  auto old_ing = Ingestor::Open(dir);
  if (!old_ing.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot open ", dir, ": ", old_ing.status().message(),
        " (stop the ingestion service and the pipeline before re-keying)"));
  }
  auto returns = (*old_ing)->store().ListReturns("");
  if (!returns.ok()) return returns.status();
  // The pipeline's checks of SSDA903 tables together come from no one file: they are not
  // carried over (their children are pseudonyms of the old key), and the next pipeline
  // run makes them again, as it does for any LA-year without one.
  std::erase_if(*returns, [&](const v1::ReturnInfo& r) {
    if (r.dataset() != kDatasetSsda903Checks) return false;
    ++res.checks_dropped;
    return true;
  });
  res.returns = static_cast<int>(returns->size());
  std::sort(returns->begin(), returns->end(), [](const v1::ReturnInfo& a, const v1::ReturnInfo& b) {
    return std::make_tuple(a.uploaded_unix_ms(), a.return_id()) < std::make_tuple(b.uploaded_unix_ms(), b.return_id());
  });

  auto originals = FindOriginals(o.originals, *returns);
  for (const auto& r : *returns) {
    if (!originals.count(r.content_sha256())) {
      res.missing.push_back(absl::StrCat(r.return_id(), " (", r.file_name(), ", sha256 ", r.content_sha256(), ")"));
    }
  }
  if (!res.missing.empty() || o.dry_run) return res;

  const std::string new_dir = dir + ".rekey";
  const std::string verify_dir = dir + ".rekey-verify";
  fs::remove_all(new_dir, ec);  // a previous, interrupted re-key's work
  fs::remove_all(verify_dir, ec);
  auto cleanup = [&] {
    std::error_code e2;
    fs::remove_all(new_dir, e2);
    fs::remove_all(verify_dir, e2);
  };
  {
    // Makes the new key and records its fingerprint in the new store: the key and the
    // fingerprint change together when the directories are exchanged below.
    auto new_ing = Ingestor::Open(new_dir);
    if (!new_ing.ok()) return new_ing.status();
    for (const auto& r : *returns) {
      v1::UploadHeader h;
      h.set_la(r.la());
      h.set_collection_year(r.collection_year());
      h.set_file_name(r.file_name());
      h.set_dataset(r.dataset());
      const std::string& path = originals[r.content_sha256()];
      auto resp = (*new_ing)->IngestFile(h, path);
      if (!resp.ok()) {
        res.mismatches.push_back(absl::StrCat(r.return_id(), ": ", path, " no longer ingests: ",
                                              resp.status().message()));
        continue;
      }
      auto now = (*new_ing)->store().GetReturn(r.la(), r.collection_year(), r.dataset());
      if (!now.ok() || !*now) {
        res.mismatches.push_back(absl::StrCat(r.return_id(), ": not stored from ", path));
        continue;
      }
      if (Counts(**now) != Counts(r) || (*now)->content_sha256() != r.content_sha256()) {
        res.mismatches.push_back(absl::StrCat(r.return_id(), ": held ", Counts(r), "; re-ingested ",
                                              Counts(**now)));
      }
    }
    if (res.mismatches.empty()) {
      auto old_points = ComputeAll(verify_dir + "/old", (*old_ing)->store(), *returns);
      if (!old_points.ok()) return old_points.status();
      auto new_returns = (*new_ing)->store().ListReturns("");
      if (!new_returns.ok()) return new_returns.status();
      auto new_points = ComputeAll(verify_dir + "/new", (*new_ing)->store(), *new_returns);
      if (!new_points.ok()) return new_points.status();
      for (const auto& [k, p] : *old_points) {
        auto it = new_points->find(k);
        const std::string name = absl::StrCat(k.first, " ", std::get<0>(k.second),
                                              std::get<1>(k.second).empty() ? "" : " ",
                                              std::get<1>(k.second), " ", std::get<2>(k.second));
        if (it == new_points->end()) {
          res.mismatches.push_back(absl::StrCat(name, ": no value after re-keying"));
        } else if (it->second.has_value() != p.has_value() || it->second.value() != p.value() ||
                   it->second.numerator() != p.numerator() || it->second.denominator() != p.denominator()) {
          res.mismatches.push_back(absl::StrCat(name, ": ", p.value(), " before, ", it->second.value(), " after"));
        }
      }
      for (const auto& [k, p] : *new_points) {
        if (!old_points->count(k)) res.mismatches.push_back(absl::StrCat(k.first, " ", std::get<0>(k.second), ": new point"));
      }
      res.indicator_points_compared = static_cast<int>(old_points->size());
    }
  }
  old_ing->reset();  // closes the old store before the directories move
  if (!res.mismatches.empty()) {
    cleanup();
    return res;
  }
  if (auto s = Exchange(dir, new_dir); !s.ok()) {
    cleanup();
    return s;
  }
  res.switched = true;
  res.old_dir = absl::StrCat(dir, ".pre-rekey-", Stamp());
  fs::rename(new_dir, res.old_dir, ec);
  if (ec) res.old_dir = new_dir;
  fs::remove_all(verify_dir, ec);
  if (o.delete_old) {
    fs::remove_all(res.old_dir, ec);
    if (!ec) res.old_dir.clear();
  }
  return res;
}

}  // namespace carestat
