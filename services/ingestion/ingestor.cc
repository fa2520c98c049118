#include "services/ingestion/ingestor.h"

#include <openssl/evp.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/ingestion/check.h"

namespace carestat {

absl::StatusOr<std::string> Sha256File(const std::string& path, int64_t* bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 16);
  *bytes = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(in.gcount()));
    *bytes += in.gcount();
  }
  if (in.bad()) return absl::DataLossError(absl::StrCat("read failed: ", path));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

absl::StatusOr<std::unique_ptr<Ingestor>> Ingestor::Open(const std::string& data_dir) {
  auto ing = std::unique_ptr<Ingestor>(new Ingestor());
  auto store = IngestionStore::Open(data_dir + "/store");
  if (!store.ok()) return store.status();
  ing->store_ = std::move(*store);
  // A missing key beside stored returns is a lost or unmounted key, not a first start:
  // a new key would stop every child linking to the records already held.
  std::error_code exists_ec;
  if (!std::filesystem::exists(data_dir + "/hmac.key", exists_ec)) {
    auto held = ing->store_->ListReturns("");
    if (!held.ok()) return held.status();
    if (!held->empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          data_dir, "/hmac.key is missing but the store holds ", held->size(),
          " returns: restore the key from its backup (a new key would not link children to them)"));
    }
  }
  auto p = Pseudonymiser::LoadOrCreate(data_dir + "/hmac.key");
  if (!p.ok()) return p.status();
  ing->pseudonymiser_ = std::move(*p);
  ing->spool_dir_ = data_dir + "/spool";
  std::error_code ec;
  std::filesystem::create_directories(ing->spool_dir_, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", ing->spool_dir_, ": ", ec.message()));
  return ing;
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
  if (absl::Status s = store_->Commit(info, issues); !s.ok()) {
    store_->Abort(h.la(), h.collection_year(), dataset, *gen).IgnoreError();
    return s;
  }
  resp.set_outcome(current->has_value() ? v1::REPLACED : v1::STORED);
  resp.set_records_stored(sink.count());
  resp.set_errors(report->errors);
  resp.set_queries(report->queries);
  for (size_t i = 0; i < issues.size() && i < 100; ++i) *resp.add_issues() = issues[i];
  return resp;
}

}  // namespace carestat
