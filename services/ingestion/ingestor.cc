#include "services/ingestion/ingestor.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/common/datasets.h"
#include "services/common/log.h"
#include "services/common/rocks.h"
#include "services/ingestion/check.h"

namespace carestat {

std::string LedgerPath(const std::string& data_dir) { return data_dir + "/ledger.jsonl"; }

namespace {

constexpr char kKeyFingerprint[] = "hmac-key-fingerprint";

std::string LostList(const std::vector<LostReturn>& lost) {
  std::string out;
  for (const auto& l : lost) absl::StrAppend(&out, "\n  ", l.Describe());
  return out;
}

// The store's write-ahead log is damaged: what opening what survives would lose,
// against the ledger, for the message that refuses to start.
std::string WhatDamageWouldLose(const std::string& data_dir) {
  auto survivor = IngestionStore::Open(data_dir + "/store", {.read_only = true, .point_in_time_recovery = true});
  if (!survivor.ok()) return absl::StrCat(" Not even what survives could be read: ", survivor.status().message());
  auto held = (*survivor)->ListReturns("");
  auto latest = Ledger::ReadLatest(LedgerPath(data_dir));
  if (!held.ok() || !latest.ok()) return "";
  auto lost = CompareLedger(*latest, *held, nullptr);
  if (lost.empty()) {
    return absl::StrCat(" What survives the damage holds ", held->size(),
                        " returns and the acknowledgement ledger names none lost.");
  }
  return absl::StrCat(" What survives the damage holds ", held->size(), " returns and has lost ", lost.size(),
                      " that were acknowledged:", LostList(lost));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Ingestor>> Ingestor::Open(const std::string& data_dir,
                                                        const IngestorOptions& options) {
  if (absl::Status s = CheckPrivateDir(data_dir); !s.ok()) return s;
  auto ing = std::unique_ptr<Ingestor>(new Ingestor());
  ing->data_dir_ = data_dir;
  auto store = IngestionStore::Open(data_dir + "/store");
  if (absl::IsDataLoss(store.status())) {
    if (!options.accept_loss) {
      return absl::DataLossError(absl::StrCat(
          store.status().message(), ".", WhatDamageWouldLose(data_dir),
          "\nWhat to do: restore ", data_dir, " from a backup taken before the damage; or start once with "
          "--accept-loss to open what survives (each lost return is recorded in ", LedgerPath(data_dir),
          " and logged) and send the lost returns' files again (`carestat verify --data ", data_dir,
          "` lists them and, given the pipeline's manifest, their files)."));
    }
    CS_LOG(ERROR) << store.status().message()
                  << ". --accept-loss: opening what survives; every return lost with the damage is named below";
    store = IngestionStore::Open(data_dir + "/store", {.point_in_time_recovery = true});
  }
  if (!store.ok()) return store.status();
  ing->store_ = std::move(*store);
  // A missing key beside stored returns is a lost or unmounted key, not a first start:
  // a new key would stop every child linking to the records already held.
  auto fingerprint = ing->store_->GetMeta(kKeyFingerprint);
  if (!fingerprint.ok() && !absl::IsNotFound(fingerprint.status())) return fingerprint.status();
  std::error_code exists_ec;
  if (!std::filesystem::exists(data_dir + "/hmac.key", exists_ec)) {
    auto held = ing->store_->ListReturns("");
    if (!held.ok()) return held.status();
    if (!held->empty() || fingerprint.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          data_dir, "/hmac.key is missing but the store holds ", held->size(),
          " returns and was made with a key: restore the key from its backup (a new key would not link "
          "children to them)"));
    }
  }
  auto p = Pseudonymiser::LoadOrCreate(data_dir + "/hmac.key");
  if (!p.ok()) return p.status();
  ing->pseudonymiser_ = std::move(*p);
  const std::string fp = ing->pseudonymiser_->Fingerprint();
  if (fingerprint.ok() && *fingerprint != fp) {
    return absl::FailedPreconditionError(absl::StrCat(
        data_dir, "/hmac.key is not the key the store in ", data_dir,
        "/store was made with (their fingerprints differ): under another key the same child gets another "
        "pseudonym, so children would be counted twice. Put the store's own hmac.key back (from its backup); "
        "`carestat rekey` is the only way to change the key of a store."));
  }
  if (!fingerprint.ok()) {
    // A new store, or one made before stores recorded their key: this key is its key.
    if (absl::Status s = ing->store_->PutMeta(kKeyFingerprint, fp); !s.ok()) return s;
  }

  auto ledger = Ledger::Open(LedgerPath(data_dir));
  if (!ledger.ok()) return ledger.status();
  ing->ledger_ = std::move(*ledger);
  auto held = ing->store_->ListReturns("");
  if (!held.ok()) return held.status();
  std::vector<v1::ReturnInfo> newer;
  std::vector<LostReturn> lost = CompareLedger(ing->ledger_->latest(), *held, &newer);
  if (!lost.empty() && !options.accept_loss) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the store in ", data_dir, "/store holds less than was acknowledged to clients: ", lost.size(),
        " returns recorded in ", LedgerPath(data_dir), " are lost:", LostList(lost),
        "\nWhat to do: restore ", data_dir, " from a backup that holds them; or start with --accept-loss "
        "(the loss is recorded in the ledger) and send those files again (`carestat verify --data ", data_dir,
        "` lists them; the pipeline's manifest names the files)."));
  }
  for (const auto& l : lost) {
    CS_LOG(ERROR) << "--accept-loss: LOST " << l.Describe() << ": send this file again";
    LedgerEntry e = l.acknowledged;
    e.event = "lost-accepted";
    e.note = l.problem;
    e.unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
    if (absl::Status s = ing->ledger_->Append(e); !s.ok()) return s;
  }
  // Held but not (or older) in the ledger: a crash between the commit and the ledger's
  // line, or a store that predates the ledger. Not a loss: recorded as present.
  for (const auto& r : newer) {
    if (absl::Status s = ing->RecordAcknowledged(r, "present"); !s.ok()) return s;
  }
  int outstanding = 0;
  for (const auto& [id, e] : ing->ledger_->latest()) {
    if (e.event != "lost-accepted") continue;
    ++outstanding;
    CS_LOG(WARNING) << "still lost (loss accepted, not yet sent again): " << id << ", file '"
                    << absl::CEscape(e.file) << "'";
  }
  if (outstanding > 0) {
    CS_LOG(WARNING) << outstanding << " returns were lost and are not yet sent again: figures that use them "
                    << "are incomplete until they are (carestat verify lists them)";
  }

  ing->spool_dir_ = data_dir + "/spool";
  if (absl::Status s = CreatePrivateDir(ing->spool_dir_); !s.ok()) return s;
  ::chmod(ing->spool_dir_.c_str(), 0700);
  return ing;
}

absl::Status Ingestor::RecordAcknowledged(const v1::ReturnInfo& info, const std::string& event) {
  return ledger_->Append(Ledger::FromInfo(info, event));
}

void Ingestor::MarkWriteFailed(const std::string& why) {
  {
    std::lock_guard<std::mutex> lock(why_mu_);
    why_ = why;
  }
  if (!write_failed_.exchange(true)) {
    CS_LOG(ERROR) << "writes fail under " << data_dir_ << ": " << why
                  << "; not serving uploads until they work again";
  }
}

absl::Status Ingestor::CheckWritable() {
  if (!write_failed_.load()) return absl::OkStatus();
  std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
  if (lock.owns_lock()) return RecoverLocked();
  std::lock_guard<std::mutex> wl(why_mu_);
  return absl::UnavailableError(why_);
}

absl::Status Ingestor::RecoverLocked() {
  if (!write_failed_.load()) return absl::OkStatus();
  std::string why;
  {
    std::lock_guard<std::mutex> wl(why_mu_);
    why = why_;
  }
  auto still = [&](const std::string& what) {
    return absl::UnavailableError(absl::StrCat("writes fail under ", data_dir_, " (", what,
                                               "): nothing can be stored until there is space; retry later"));
  };
  // A probe file in the spool: room for at least a small upload.
  const std::string probe = spool_dir_ + "/.write-probe";
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return still(absl::StrCat("spool: ", std::strerror(errno)));
  std::string block(1 << 20, '\0');
  size_t done = 0;
  int err = 0;
  while (done < block.size()) {
    ssize_t n = ::write(fd, block.data() + done, block.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = n < 0 ? errno : ENOSPC;
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  bool ok = err == 0;
  ::close(fd);
  ::unlink(probe.c_str());
  if (!ok) return still(absl::StrCat("spool: ", std::strerror(err)));
  if (absl::Status s = store_->Resume(); !s.ok()) return still(std::string(s.message()));
  if (absl::Status s = store_->PutMeta("write-probe", std::to_string(std::time(nullptr))); !s.ok()) {
    return still(std::string(s.message()));
  }
  write_failed_ = false;
  CS_LOG(INFO) << "writes work again under " << data_dir_ << " (after: " << why << "): serving uploads";
  return absl::OkStatus();
}

namespace {

// Pseudonymises each record and stages it under the new generation.
class StoringSink : public ParseSink {
 public:
  StoringSink(IngestionStore& store, const Pseudonymiser& p, const std::string& la, int year,
              const std::string& dataset, uint64_t gen, const std::string& return_id)
      : store_(store), p_(p), la_(la), year_(year), dataset_(dataset), gen_(gen), return_id_(return_id) {}

  void OnRecord(v1::Record record, const std::string& raw_child_id) override {
    if (!status_.ok()) return;
    if (!raw_child_id.empty()) SetChildId(&record, p_.Pseudonym(la_, raw_child_id));
    record.set_return_id(return_id_);
    status_ = store_.Stage(la_, year_, dataset_, gen_, seq_++, record);
  }
  void OnIssue(v1::ValidationIssue, bool) override {}
  const absl::Status& status() const { return status_; }
  uint32_t count() const { return seq_; }

 private:
  IngestionStore& store_;
  const Pseudonymiser& p_;
  std::string la_;
  int year_;
  std::string dataset_;
  uint64_t gen_;
  std::string return_id_;
  uint32_t seq_ = 0;
  absl::Status status_;
};

std::string FatalSummary(const FileReport& r) {
  std::string msg = absl::StrCat(r.file, " cannot be read whole, so nothing of it was stored");
  for (const auto& m : r.fatal_messages) absl::StrAppend(&msg, "\n  ", m);
  if (r.fatal_messages.size() == 20) absl::StrAppend(&msg, "\n  ... and possibly more");
  return msg;
}

}  // namespace

absl::StatusOr<v1::UploadResponse> Ingestor::IngestFile(const v1::UploadHeader& h, const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  if (absl::Status s = RecoverLocked(); !s.ok()) return s;
  auto result = IngestLocked(h, path);
  // The disk (spool, store or ledger) failed: not the file's fault, and not serving
  // until writes work again.
  if (!result.ok() && absl::IsUnavailable(result.status())) {
    absl::Status named = absl::UnavailableError(absl::StrCat(
        "cannot store it under ", data_dir_, ": ", result.status().message()));
    MarkWriteFailed(std::string(named.message()));
    return named;
  }
  return result;
}

void Ingestor::RecordRejection(const v1::UploadHeader& h, const std::string& dataset, const std::string& file,
                               const std::string& sha, const absl::Status& why) {
  v1::RejectedReturn r;
  r.set_return_id(ReturnId(h.la(), h.collection_year(), dataset));
  r.set_la(h.la());
  r.set_collection_year(h.collection_year());
  r.set_dataset(dataset);
  r.set_file_name(file);
  r.set_content_sha256(sha);
  r.set_rejected_unix_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count());
  r.set_reason(std::string(why.message()));
  // Best effort: the upload's answer (the refusal) stands whether or not this is kept.
  if (absl::Status s = store_->PutRejection(r); !s.ok()) {
    CS_LOG(WARNING) << "could not record the refusal of " << r.return_id() << ": " << s;
  }
}

absl::StatusOr<v1::UploadResponse> Ingestor::IngestLocked(const v1::UploadHeader& h, const std::string& path) {
  const std::string file = h.file_name().empty() ? std::filesystem::path(path).filename().string()
                                                 : h.file_name();
  int64_t bytes = 0;
  auto sha = Sha256File(path, &bytes);
  if (!sha.ok()) return sha.status();

  // The dataset decides which return this is; read it from the content.
  auto detected = DetectFile(path);
  if (!detected.ok()) return detected.status();
  if (detected->format == Format::kUnknown) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": ", detected->problem, "; nothing was stored"));
  }
  const std::string dataset = detected->dataset;
  if (!h.dataset().empty() && h.dataset() != dataset) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": the upload says dataset '", h.dataset(),
                                                   "' but the content is ", dataset));
  }
  const std::string return_id = ReturnId(h.la(), h.collection_year(), dataset);

  auto current = store_->GetReturn(h.la(), h.collection_year(), dataset);
  if (!current.ok()) return current.status();
  v1::UploadResponse resp;
  resp.set_return_id(return_id);
  resp.set_dataset(dataset);
  if (current->has_value() && (*current)->content_sha256() == *sha) {
    // What an earlier answer may not have recorded (a failed ledger write) is recorded now.
    auto known = ledger_->latest().find(return_id);
    if (known == ledger_->latest().end() || known->second.generation != (*current)->generation() ||
        known->second.event == "lost-accepted") {
      if (absl::Status s = RecordAcknowledged(**current, "present"); !s.ok()) return s;
    }
    resp.set_outcome(v1::UNCHANGED);
    resp.set_records_stored(0);
    resp.set_errors((*current)->errors());
    resp.set_queries((*current)->queries());
    return resp;
  }

  auto gen = store_->BeginStaging(h.la(), h.collection_year(), dataset);
  if (!gen.ok()) return gen.status();
  StoringSink sink(*store_, *pseudonymiser_, h.la(), h.collection_year(), dataset, *gen, return_id);
  auto report = CheckFile(path, file, h.la(), h.collection_year(), &sink);
  absl::Status failure = !report.ok() ? report.status() : sink.status();
  if (failure.ok() && report->fatal) failure = absl::InvalidArgumentError(FatalSummary(*report));
  if (!failure.ok()) {
    store_->Abort(h.la(), h.collection_year(), dataset, *gen).IgnoreError();
    // The file itself is wrong: remembered, so the reports can say the return was sent
    // and refused, and why, rather than only that it is missing.
    if (absl::IsInvalidArgument(failure)) RecordRejection(h, dataset, file, *sha, failure);
    return failure;
  }

  v1::ReturnInfo info;
  info.set_return_id(return_id);
  info.set_la(h.la());
  info.set_collection_year(h.collection_year());
  info.set_dataset(dataset);
  info.set_file_name(file);
  info.set_content_sha256(*sha);
  info.set_uploaded_unix_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count());
  for (const auto& [kind, n] : report->records) (*info.mutable_record_counts())[kind] = n;
  info.set_errors(report->errors);
  info.set_queries(report->queries);
  info.set_children(report->children);
  info.set_generation(*gen);
  info.set_bytes(bytes);
  std::vector<v1::ValidationIssue> issues = report->issues;
  for (auto& i : issues) {
    if (!i.child().empty()) i.set_child(pseudonymiser_->Pseudonym(h.la(), i.child()));
    // Messages name the child for the analyst reading validate's output; stored
    // issues keep only the pseudonym and the line.
    if (!i.child().empty()) i.set_message(absl::StrCat(i.rule(), " at line ", i.line(), ", field ", i.field()));
  }
  // The per-rule tallies come from every issue found, not from the kept ones (at most
  // kMaxIssues are stored), so a return with more issues than that is counted exactly.
  for (const auto& [key, c] : report->by_rule) {
    v1::RuleTally* t = info.add_rule_tallies();
    t->set_severity(key.first);
    t->set_rule(key.second);
    t->set_count(c.count);
    const v1::ValidationIssue& i = c.first;
    t->set_message(i.child().empty() ? i.message()
                                     : absl::StrCat(i.rule(), " at line ", i.line(), ", field ", i.field()));
  }
  if (absl::Status s = store_->Commit(info, issues); !s.ok()) {
    store_->Abort(h.la(), h.collection_year(), dataset, *gen).IgnoreError();
    return s;
  }
  // Evidence outside the store of what is acknowledged, before the answer: a store
  // that later comes back without it is found at open.
  if (absl::Status s = RecordAcknowledged(info, current->has_value() ? "replaced" : "stored"); !s.ok()) {
    return absl::UnavailableError(absl::StrCat(
        file, " was stored as ", return_id, " but ", s.message(),
        "; send it again (it will be recorded then) once the disk has space"));
  }
  resp.set_outcome(current->has_value() ? v1::REPLACED : v1::STORED);
  resp.set_records_stored(sink.count());
  resp.set_errors(report->errors);
  resp.set_queries(report->queries);
  for (size_t i = 0; i < issues.size() && i < 100; ++i) *resp.add_issues() = issues[i];
  return resp;
}

absl::StatusOr<v1::UploadResponse> Ingestor::RecordChecks(const v1::RecordChecksRequest& req) {
  if (req.la().empty() || req.collection_year() <= 0 || req.content_sha256().empty()) {
    return absl::InvalidArgumentError("RecordChecks needs the LA, the collection year and the content's sha256");
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (absl::Status s = RecoverLocked(); !s.ok()) return s;
  const std::string dataset = kDatasetSsda903Checks;
  const std::string return_id = ReturnId(req.la(), req.collection_year(), dataset);
  auto current = store_->GetReturn(req.la(), req.collection_year(), dataset);
  if (!current.ok()) return current.status();
  v1::UploadResponse resp;
  resp.set_return_id(return_id);
  resp.set_dataset(dataset);
  if (current->has_value() && (*current)->content_sha256() == req.content_sha256()) {
    resp.set_outcome(v1::UNCHANGED);
    resp.set_errors((*current)->errors());
    resp.set_queries((*current)->queries());
    return resp;
  }
  auto gen = store_->BeginStaging(req.la(), req.collection_year(), dataset);
  if (!gen.ok()) return gen.status();
  v1::ReturnInfo info;
  info.set_return_id(return_id);
  info.set_la(req.la());
  info.set_collection_year(req.collection_year());
  info.set_dataset(dataset);
  info.set_file_name(req.description());
  info.set_content_sha256(req.content_sha256());
  info.set_uploaded_unix_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count());
  info.set_children(req.children());
  info.set_generation(*gen);
  std::vector<v1::ValidationIssue> issues(req.issues().begin(), req.issues().end());
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, std::string>> by_rule;  // (severity, rule)
  int errors = 0, queries = 0;
  for (auto& i : issues) {
    if (!i.child().empty()) {
      i.set_child(pseudonymiser_->Pseudonym(req.la(), i.child()));
      i.set_message(absl::StrCat(i.rule(), " at line ", i.line(), ", field ", i.field()));
    }
    (i.severity() == v1::ERROR ? errors : queries)++;
    auto& [count, message] = by_rule[{i.severity() == v1::ERROR ? "error" : "query", i.rule()}];
    if (count++ == 0) message = i.message();
  }
  if (req.rule_tallies_size() > 0) {
    // More issues were found than sent: the pipeline's exact counts (their messages are
    // the rules' own, with no child in them).
    errors = queries = 0;
    for (const v1::RuleTally& t : req.rule_tallies()) {
      *info.add_rule_tallies() = t;
      (t.severity() == "error" ? errors : queries) += static_cast<int>(t.count());
    }
  } else {
    for (const auto& [key, c] : by_rule) {
      v1::RuleTally* t = info.add_rule_tallies();
      t->set_severity(key.first);
      t->set_rule(key.second);
      t->set_count(c.first);
      t->set_message(c.second);
    }
  }
  info.set_errors(errors);
  info.set_queries(queries);
  if (absl::Status s = store_->Commit(info, issues); !s.ok()) {
    store_->Abort(req.la(), req.collection_year(), dataset, *gen).IgnoreError();
    if (absl::IsUnavailable(s)) MarkWriteFailed(std::string(s.message()));
    return s;
  }
  if (absl::Status s = RecordAcknowledged(info, current->has_value() ? "replaced" : "stored"); !s.ok()) {
    return absl::UnavailableError(absl::StrCat(return_id, " was stored but ", s.message()));
  }
  resp.set_outcome(current->has_value() ? v1::REPLACED : v1::STORED);
  resp.set_errors(errors);
  resp.set_queries(queries);
  return resp;
}

}  // namespace carestat
