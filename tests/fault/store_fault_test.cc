// The ingestion store's integrity under faults (issue 13 items 1, 3, 7, 10 and the lock
// message of 16), each against the real carestat-ingestion binary: a write-ahead log
// damaged after kill -9 never opens into an older state in silence and `carestat verify`
// names what to send again; a torn tail still opens; another HMAC key is refused; a full
// disk is retryable, turns health NOT_SERVING and heals itself; data directories are the
// owner's alone under any umask; a second server on a directory in use says who holds it.
#include <gtest/gtest.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "carestat/v1/ingestion.grpc.pb.h"
#include "pipeline/manifest.h"
#include "services/ingestion/ingestor.h"
#include "services/common/rocks.h"
#include "services/ingestion/ledger.h"
#include "pipeline/inbox.h"
#include "services/common/status.h"
#include "services/common/version.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> IngestionArgs(const std::string& data, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {BinDir() + "/services/ingestion/carestat-ingestion", "--init", "--listen", "127.0.0.1:0",
                                   "--data", data};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

std::unique_ptr<v1::Ingestion::Stub> Stub(const std::string& address) {
  return v1::Ingestion::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

// Sends a file as `carestat pipeline` does (UploadFile: the header, then 1 MiB chunks).
grpc::Status Upload(const std::string& address, const std::string& path, const std::string& la, int year,
                    v1::UploadResponse* resp = nullptr) {
  auto stub = Stub(address);
  auto sent = UploadFile(*stub, InboxFile{la, year, path, fs::path(path).filename().string()}, 60);
  if (!sent.ok()) return ToGrpc(sent.status());
  if (resp) *resp = *std::move(sent);
  return grpc::Status::OK;
}

std::map<std::string, v1::ReturnInfo> Returns(const std::string& address) {
  auto stub = Stub(address);
  grpc::ClientContext ctx;
  v1::ListReturnsRequest req;
  v1::ListReturnsResponse resp;
  EXPECT_TRUE(stub->ListReturns(&ctx, req, &resp).ok());
  std::map<std::string, v1::ReturnInfo> out;
  for (const auto& r : resp.returns()) out[r.return_id()] = r;
  return out;
}

// grpc.health.v1 Check for `service` ("" overall): 1 SERVING, 2 NOT_SERVING, -1 no answer.
int HealthOf(const std::string& address, const std::string& service) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  std::string request;
  if (!service.empty()) {
    request.push_back(0x0a);  // field 1, length-delimited
    request.push_back(static_cast<char>(service.size()));
    request += service;
  }
  grpc::Slice slice(request);
  grpc::ByteBuffer req(&slice, 1), resp;
  grpc::GenericStub generic(channel);
  grpc::CompletionQueue cq;
  auto call = generic.PrepareUnaryCall(&c, "/grpc.health.v1.Health/Check", req, &cq);
  call->StartCall();
  grpc::Status status;
  call->Finish(&resp, &status, reinterpret_cast<void*>(1));
  void* tag;
  bool ok;
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  if (!status.ok()) return -1;
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (resp.Dump(&slices).ok()) {
    for (auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  if (bytes.empty()) return 0;  // UNKNOWN (the default value is not sent)
  return bytes.size() >= 2 && bytes[0] == 0x08 ? bytes[1] : -1;
}

// Waits up to `seconds` for health (overall and the Ingestion service) to be `want`.
bool HealthBecomes(const std::string& address, int want, int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (HealthOf(address, "") == want && HealthOf(address, "carestat.v1.Ingestion") == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

// The synthetic borough's returns (carestat synth), once per test process.
const std::string& SynthInbox() {
  static const std::string inbox = [] {
    std::string dir = MakeTempDir("synth") + "/inbox";
    CommandResult r = RunCommand({BinDir() + "/pipeline/carestat", "synth", "--profile", "barking-and-dagenham",
                                  "--out", dir});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return dir;
  }();
  return inbox;
}

// The synthetic files of one collection year, smallest first.
std::vector<std::string> YearFiles(int year) {
  std::vector<std::pair<uintmax_t, std::string>> files;
  for (const auto& e : fs::directory_iterator(SynthInbox() + "/301/" + std::to_string(year))) {
    files.emplace_back(fs::file_size(e.path()), e.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (auto& [size, path] : files) out.push_back(path);
  return out;
}

std::string WalFile(const std::string& store) {
  std::string wal;
  uintmax_t best = 0;
  for (const auto& e : fs::directory_iterator(store)) {
    if (e.path().extension() == ".log" && e.file_size() > best) {
      best = e.file_size();
      wal = e.path().string();
    }
  }
  return wal;
}

int Mode(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

// Uploaded file -> its manifest entry, as the pipeline would have recorded it.
struct Sent {
  std::string path;
  std::string relative;  // as the manifest names it: 301/2016/file
  std::string return_id;
  std::string sha256;
};

TEST(WalDamage, KillNineThenEightBytesChangedMidLogRefusesToStartNamingTheLostReturnsAndVerifyListsThem) {
  const std::string dir = MakeTempDir("wal");
  const std::string data = dir + "/ingestion";
  std::vector<Sent> sent;
  auto ing = std::make_unique<ServerProcess>(IngestionArgs(data));
  ASSERT_TRUE(ing->Start());
  for (int year : {2015, 2016}) {
    for (const auto& path : YearFiles(year)) {
      v1::UploadResponse resp;
      grpc::Status st = Upload(ing->address(), path, "301", year, &resp);
      ASSERT_TRUE(st.ok()) << path << ": " << st.error_message();
      int64_t bytes = 0;
      sent.push_back({path, "301/" + std::to_string(year) + "/" + fs::path(path).filename().string(),
                      resp.return_id(), *Sha256File(path, &bytes)});
    }
  }
  const auto acknowledged = Returns(ing->address());
  ASSERT_EQ(acknowledged.size(), sent.size());
  ing->Kill();  // kill -9: everything is still in the write-ahead log

  // The pipeline's manifest for these files.
  const std::string manifest = dir + "/manifest.jsonl";
  {
    std::ofstream m(manifest);
    int64_t t = 1;
    for (const auto& s : sent) m << ManifestLine({s.relative, s.sha256, s.return_id, "stored", t++, ""}) << "\n";
  }

  const std::string wal = WalFile(data + "/store");
  ASSERT_FALSE(wal.empty()) << "no write-ahead log in " << data << "/store";
  {
    std::fstream f(wal, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(wal) / 2));
    f.write("CARESTAT", 8);
  }

  // Refuses to start, naming the damage and every lost return.
  CommandResult refused = RunCommand(IngestionArgs(data));
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("damaged"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find(data + "/store"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--accept-loss"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("carestat verify"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.out.find("listening on"), std::string::npos) << "started on a damaged log";

  // verify names the returns to send again, with the manifest's file names.
  CommandResult verify = RunCommand({BinDir() + "/pipeline/carestat", "verify", "--data", data, "--manifest", manifest});
  EXPECT_EQ(verify.exit_code, 1) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("write-ahead log is damaged"), std::string::npos) << verify.out;

  // Starting on what survives needs the operator's word, and names each lost return.
  ing = std::make_unique<ServerProcess>(IngestionArgs(data, {"--accept-loss"}));
  ASSERT_TRUE(ing->Start()) << "--accept-loss must start on what survives";
  const auto survived = Returns(ing->address());
  ing->Stop();
  std::vector<const Sent*> lost;
  for (const auto& s : sent) {
    if (!survived.count(s.return_id)) lost.push_back(&s);
  }
  ASSERT_FALSE(lost.empty()) << "the damage lost nothing: it was not in the middle of the log";
  std::printf("%zu returns acknowledged, %zu survive the damage, %zu lost\n", sent.size(), survived.size(), lost.size());
  for (const auto* s : lost) {
    EXPECT_NE(refused.err.find(s->return_id), std::string::npos) << "the refusal does not name " << s->return_id;
    EXPECT_NE(verify.out.find(s->return_id), std::string::npos) << "verify does not name " << s->return_id;
    EXPECT_NE(verify.out.find("send again: " + s->relative), std::string::npos) << verify.out;
  }
  for (const auto& [id, r] : survived) {
    EXPECT_EQ(verify.out.find(id + " ("), std::string::npos) << id << " survived but verify lists it: " << verify.out;
  }
  // The accepted loss is in the ledger.
  auto ledger = Ledger::ReadLatest(LedgerPath(data));
  ASSERT_TRUE(ledger.ok());
  for (const auto* s : lost) EXPECT_EQ((*ledger)[s->return_id].event, "lost-accepted") << s->return_id;

  // A restart after the accepted loss starts; verify still lists the lost returns until
  // they are sent again, then says the store is whole.
  ing = std::make_unique<ServerProcess>(IngestionArgs(data));
  ASSERT_TRUE(ing->Start());
  CommandResult still = RunCommand({BinDir() + "/pipeline/carestat", "verify", "--data", data, "--manifest", manifest});
  EXPECT_EQ(still.exit_code, 1) << still.out;
  ing->Stop();
  ing = std::make_unique<ServerProcess>(IngestionArgs(data));
  ASSERT_TRUE(ing->Start());
  for (const auto* s : lost) {
    int year = std::stoi(s->relative.substr(4, 4));
    ASSERT_TRUE(Upload(ing->address(), s->path, "301", year).ok()) << s->path;
  }
  EXPECT_EQ(Returns(ing->address()).size(), sent.size());
  ing->Stop();
  CommandResult whole = RunCommand({BinDir() + "/pipeline/carestat", "verify", "--data", data, "--manifest", manifest,
                                    "--json"});
  EXPECT_EQ(whole.exit_code, 0) << whole.out << whole.err;
  EXPECT_NE(whole.out.find("\"whole\": true"), std::string::npos) << whole.out;
}

TEST(WalDamage, ATornLastRecordAfterAPowerCutStillOpensWithEverythingAcknowledged) {
  const std::string data = MakeTempDir("torn") + "/ingestion";
  auto ing = std::make_unique<ServerProcess>(IngestionArgs(data));
  ASSERT_TRUE(ing->Start());
  auto files = YearFiles(2016);
  files.resize(5);
  for (const auto& path : files) ASSERT_TRUE(Upload(ing->address(), path, "301", 2016).ok()) << path;
  const auto before = Returns(ing->address());
  ing->Kill();
  const std::string wal = WalFile(data + "/store");
  ASSERT_FALSE(wal.empty());
  {
    // A record cut short by the power failing mid-write: a header that promises more
    // bytes than follow it.
    std::string head(40, '\0');
    std::ifstream(wal, std::ios::binary).read(head.data(), 40);
    std::ofstream(wal, std::ios::binary | std::ios::app).write(head.data(), 40);
  }
  ing = std::make_unique<ServerProcess>(IngestionArgs(data));
  ASSERT_TRUE(ing->Start()) << "a torn tail must still open";
  EXPECT_EQ(Returns(ing->address()).size(), before.size());
  ing->Stop();
  CommandResult verify = RunCommand({BinDir() + "/pipeline/carestat", "verify", "--data", data});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST(WalDamage, AStoreRestoredFromAnOlderBackupIsRefusedNamingWhatItLacks) {
  const std::string dir = MakeTempDir("backup");
  const std::string data = dir + "/ingestion";
  auto files = YearFiles(2016);
  auto ing = std::make_unique<ServerProcess>(IngestionArgs(data));
  ASSERT_TRUE(ing->Start());
  ASSERT_TRUE(Upload(ing->address(), files[0], "301", 2016).ok());
  ing->Stop();
  fs::copy(data + "/store", dir + "/backup", fs::copy_options::recursive);
  ing = std::make_unique<ServerProcess>(IngestionArgs(data));
  ASSERT_TRUE(ing->Start());
  v1::UploadResponse later;
  ASSERT_TRUE(Upload(ing->address(), files[1], "301", 2016, &later).ok());
  ing->Stop();
  fs::remove_all(data + "/store");
  fs::copy(dir + "/backup", data + "/store", fs::copy_options::recursive);

  CommandResult refused = RunCommand(IngestionArgs(data));
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find(later.return_id()), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find(fs::path(files[1]).filename().string()), std::string::npos) << refused.err;
  CommandResult verify = RunCommand({BinDir() + "/pipeline/carestat", "verify", "--data", data, "--json"});
  EXPECT_EQ(verify.exit_code, 1) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("\"return_id\": \"" + later.return_id() + "\", \"problem\": \"missing\""),
            std::string::npos) << verify.out;
}

TEST(WalDamage, AnEmbeddedRunOnAStoreThatLostReturnsStopsUntilTheLossIsAccepted) {
  const std::string dir = MakeTempDir("embedded");
  const std::string data = dir + "/data", inbox = dir + "/inbox/301/2016";
  const std::string carestat = BinDir() + "/pipeline/carestat";
  const auto files = YearFiles(2016);
  fs::create_directories(inbox);
  fs::copy_file(files[0], inbox + "/" + fs::path(files[0]).filename().string());
  auto run = [&](std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {carestat, "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out", dir + "/out", "--data", data};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunCommand(argv);
  };
  CommandResult first = run();
  ASSERT_NE(first.exit_code, 2) << first.out << first.err;
  fs::copy(data + "/ingestion/store", dir + "/backup", fs::copy_options::recursive);
  const std::string later = fs::path(files[1]).filename().string();
  fs::copy_file(files[1], inbox + "/" + later);
  CommandResult second = run();
  ASSERT_NE(second.exit_code, 2) << second.out << second.err;
  fs::remove_all(data + "/ingestion/store");
  fs::copy(dir + "/backup", data + "/ingestion/store", fs::copy_options::recursive);

  CommandResult refused = run();
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("301/2016/" + later + "'"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--accept-loss"), std::string::npos) << refused.err;
  // verify finds the embedded install's manifest and names the file as the inbox has it.
  CommandResult verify = RunCommand({carestat, "verify", "--data", data});
  EXPECT_EQ(verify.exit_code, 1) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("send again: 301/2016/" + later), std::string::npos) << verify.out;

  // Accepting the loss opens what survives and records it; the same run then finds the
  // lost return's file in the inbox not current in the store and sends it again.
  CommandResult accepted = run({"--accept-loss"});
  EXPECT_NE(accepted.exit_code, 2) << accepted.out << accepted.err;
  std::ifstream lines(LedgerPath(data + "/ingestion"));
  std::string text((std::istreambuf_iterator<char>(lines)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("lost-accepted"), std::string::npos) << text;
  auto ledger = Ledger::ReadLatest(LedgerPath(data + "/ingestion"));
  ASSERT_TRUE(ledger.ok());
  int stored_again = 0;
  for (const auto& [id, e] : *ledger) stored_again += e.event != "lost-accepted" && e.file == "301/2016/" + later;
  EXPECT_EQ(stored_again, 1) << text;
  CommandResult whole = RunCommand({carestat, "verify", "--data", data});
  EXPECT_EQ(whole.exit_code, 0) << whole.out << whole.err;
}

// A return stored without the run that stored it recording its LA (a pipeline killed
// between the two, or a return sent by another route): the next run finds metrics'
// figures made from other returns than ingestion holds, recomputes, and its figures
// equal those of a run that saw both files.
TEST(StaleFigures, ARunRecomputesAnLaWhoseFiguresComeFromOtherReturnsThanIngestionHolds) {
  const std::string dir = MakeTempDir("stale");
  const std::string carestat = BinDir() + "/pipeline/carestat";
  const auto files = YearFiles(2016);
  ASSERT_GE(files.size(), 2u);
  auto run = [&](const std::string& inbox, const std::string& data) {
    return RunCommand({carestat, "run", "--init", "--verbose", "--inbox", inbox, "--out", dir + "/out", "--data", data});
  };
  auto inbox_with = [&](const std::string& name, const std::vector<std::string>& paths) {
    const std::string root = dir + "/" + name;
    fs::create_directories(root + "/301/2016");
    for (const auto& p : paths) fs::copy_file(p, root + "/301/2016/" + fs::path(p).filename().string());
    return root;
  };
  const std::string data = dir + "/data";
  CommandResult first = run(inbox_with("first", {files[0]}), data);
  ASSERT_NE(first.exit_code, 2) << first.out << first.err;
  {
    auto ing = Ingestor::Open(data + "/ingestion");
    ASSERT_TRUE(ing.ok()) << ing.status();
    v1::UploadHeader h;
    h.set_la("301");
    h.set_collection_year(2016);
    h.set_file_name("301/2016/" + fs::path(files[1]).filename().string());
    auto resp = (*ing)->IngestFile(h, files[1]);
    ASSERT_TRUE(resp.ok()) << resp.status();
  }
  const std::string empty = inbox_with("empty", {});
  CommandResult second = run(empty, data);
  EXPECT_NE(second.exit_code, 2) << second.out << second.err;
  EXPECT_NE(second.out.find("stale     LA 301:"), std::string::npos) << second.out << second.err;
  EXPECT_NE(second.out.find("recomputed LA 301"), std::string::npos) << second.out;
  CommandResult third = run(empty, data);
  EXPECT_EQ(third.out.find("stale     LA"), std::string::npos) << "a recomputed LA is not stale again: " << third.out;

  const std::string fresh = dir + "/fresh";
  CommandResult both = run(inbox_with("both", {files[0], files[1]}), fresh);
  ASSERT_NE(both.exit_code, 2) << both.out << both.err;
  auto figures = [&](const std::string& d) {
    return RunCommand({carestat, "indicators", "--data", d, "--la", "301", "--period", "2015-16", "--json"}).out;
  };
  const std::string recomputed = figures(data), undisturbed = figures(fresh);
  EXPECT_FALSE(undisturbed.empty());
  EXPECT_EQ(recomputed, undisturbed);
}

TEST(WalDamage, ACrashBetweenTheCommitAndTheLedgerLineIsNotTakenForALoss) {
  const std::string data = MakeTempDir("ledger") + "/ingestion";
  const std::string file = YearFiles(2016)[0];
  std::string return_id;
  uint64_t generation = 0;
  {
    auto ing = Ingestor::Open(data);
    ASSERT_TRUE(ing.ok()) << ing.status();
    v1::UploadHeader h;
    h.set_la("301");
    h.set_collection_year(2016);
    auto resp = (*ing)->IngestFile(h, file);
    ASSERT_TRUE(resp.ok()) << resp.status();
    return_id = resp->return_id();
    auto held = (*ing)->store().ListReturns("");
    ASSERT_EQ(held->size(), 1u);
    generation = (*held)[0].generation();
  }
  // The store committed, the process died before the ledger's line was whole: only a
  // torn fragment of it is on disk.
  const std::string ledger = LedgerPath(data);
  std::string text;
  {
    std::ifstream in(ledger);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_FALSE(text.empty());
  std::ofstream(ledger, std::ios::trunc) << text.substr(0, text.size() / 2);
  auto again = Ingestor::Open(data);
  ASSERT_TRUE(again.ok()) << "a store newer than its ledger is not a loss: " << again.status();
  auto latest = Ledger::ReadLatest(ledger);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ((*latest)[return_id].event, "present");
  EXPECT_EQ((*latest)[return_id].generation, generation);
}

TEST(WalDamage, VerifyCountsEveryReturnsRecordsAndNamesOneThatLostARecord) {
  const std::string data = MakeTempDir("count") + "/ingestion";
  const auto files = YearFiles(2016);
  std::string damaged_id;
  {
    auto ing = Ingestor::Open(data);
    ASSERT_TRUE(ing.ok()) << ing.status();
    for (int i : {0, 1, 2}) {
      v1::UploadHeader h;
      h.set_la("301");
      h.set_collection_year(2016);
      auto resp = (*ing)->IngestFile(h, files[i]);
      ASSERT_TRUE(resp.ok()) << resp.status();
    }
  }
  CommandResult whole = RunCommand({BinDir() + "/pipeline/carestat", "verify", "--data", data});
  EXPECT_EQ(whole.exit_code, 0) << whole.out << whole.err;
  {
    // One record of one return disappears behind the store's back.
    auto raw = OpenStore(data + "/store", {"returns", "records", "issues", "staging"});
    ASSERT_TRUE(raw.ok()) << raw.status();
    auto it = (*raw)->NewIterator("records");
    it->SeekToFirst();
    ASSERT_TRUE(it->Valid());
    v1::Record rec;
    ASSERT_TRUE(rec.ParseFromString(it->value().ToString()));
    damaged_id = rec.return_id();
    rocksdb::WriteBatch b;
    b.Delete((*raw)->cf("records"), it->key());
    it.reset();
    ASSERT_TRUE((*raw)->Write(&b).ok());
  }
  CommandResult verify = RunCommand({BinDir() + "/pipeline/carestat", "verify", "--data", data});
  EXPECT_EQ(verify.exit_code, 1) << verify.out << verify.err;
  EXPECT_NE(verify.out.find(damaged_id + " (damaged)"), std::string::npos) << verify.out;
  EXPECT_NE(verify.out.find("but its summary says"), std::string::npos) << verify.out;
}

TEST(WalDamage, VerifyWithoutAStoreCannotRunAndSaysWhereItLooked) {
  const std::string dir = MakeTempDir("nostore");
  CommandResult r = RunCommand({BinDir() + "/pipeline/carestat", "verify", "--data", dir});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("there is no ingestion store in " + dir), std::string::npos) << r.err;
}

TEST(KeySwap, AnotherValidHmacKeyOnAnExistingStoreIsRefusedAndTheRightKeyStartsAgain) {
  const std::string data = MakeTempDir("key") + "/ingestion";
  auto ing = std::make_unique<ServerProcess>(IngestionArgs(data));
  ASSERT_TRUE(ing->Start());
  ASSERT_TRUE(Upload(ing->address(), YearFiles(2016)[0], "301", 2016).ok());
  ing->Stop();
  const std::string key = data + "/hmac.key";
  fs::rename(key, key + ".right");
  {
    std::string other(32, '\0');
    std::mt19937 rng(7);
    for (auto& c : other) c = static_cast<char>(rng());
    std::ofstream(key, std::ios::binary).write(other.data(), 32);
    fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write);
  }
  CommandResult refused = RunCommand(IngestionArgs(data));
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find(key + " is not the key"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("carestat rekey"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.out.find("listening on"), std::string::npos);

  fs::rename(key + ".right", key);
  ing = std::make_unique<ServerProcess>(IngestionArgs(data));
  ASSERT_TRUE(ing->Start()) << "the store's own key must start";
  EXPECT_EQ(Returns(ing->address()).size(), 1u);
}

TEST(KeySwap, AStoreFromBeforeFingerprintsRecordsItsKeyAtFirstOpenAndThenRefusesAnother) {
  const std::string data = MakeTempDir("legacy") + "/ingestion";
  {
    // A store as an older carestat made it: no fingerprint recorded.
    auto store = IngestionStore::Open(data + "/store");
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE(absl::IsNotFound((*store)->GetMeta("hmac-key-fingerprint").status()));
  }
  {
    auto ing = Ingestor::Open(data);
    ASSERT_TRUE(ing.ok()) << ing.status();
    EXPECT_TRUE((*ing)->store().GetMeta("hmac-key-fingerprint").ok());
  }
  fs::remove(data + "/hmac.key");
  {
    std::ofstream(data + "/hmac.key", std::ios::binary) << std::string(32, 'k');
    fs::permissions(data + "/hmac.key", fs::perms::owner_read | fs::perms::owner_write);
  }
  auto again = Ingestor::Open(data);
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(again.status())) << again.status();
}

// Runs as root only (mount); the disk is a 200 MiB tmpfs (RocksDB resumes by itself only
// once a write buffer's worth, 128 MiB, is free again).
class DiskFull : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("disk");
    mnt_ = dir_ + "/mnt";
    fs::create_directories(mnt_);
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs (the disk that fills)";
    if (::mount("tmpfs", mnt_.c_str(), "tmpfs", 0, "size=200m,mode=0700") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno) << "): the disk-full test is skipped";
    }
    mounted_ = true;
  }
  void TearDown() override {
    ing_.reset();
    if (mounted_) ::umount2(mnt_.c_str(), MNT_DETACH);
  }
  // Fills the disk until at most `leave` bytes are free.
  void Fill(const std::string& path, uintmax_t leave) {
    std::ofstream f(path, std::ios::binary);
    std::string block(64 << 10, 'x');
    while (fs::space(mnt_).available > leave + block.size() && f.write(block.data(), block.size())) f.flush();
    std::string small(4096, 'x');
    while (fs::space(mnt_).available > leave + small.size() && f.write(small.data(), small.size())) f.flush();
  }
  std::string dir_, mnt_;
  bool mounted_ = false;
  std::unique_ptr<ServerProcess> ing_;
};

TEST_F(DiskFull, ASpoolWriteThatFindsNoSpaceIsRetryableHealthTurnsNotServingAndRecoversWhenSpaceIsBack) {
  const std::string data = mnt_ + "/ingestion";
  ing_ = std::make_unique<ServerProcess>(IngestionArgs(data));
  ASSERT_TRUE(ing_->Start());
  auto files = YearFiles(2016);
  ASSERT_TRUE(Upload(ing_->address(), files[0], "301", 2016).ok());
  ASSERT_TRUE(HealthBecomes(ing_->address(), 1, 5));
  const std::string big = files.back();  // the CIN census, about 4.6 MB
  Fill(mnt_ + "/filler", 256 << 10);

  grpc::Status st = Upload(ing_->address(), big, "301", 2016);
  EXPECT_EQ(st.error_code(), grpc::UNAVAILABLE) << st.error_message();
  EXPECT_NE(st.error_message().find(data), std::string::npos) << "names the directory: " << st.error_message();
  EXPECT_NE(st.error_message().find("nothing was stored"), std::string::npos) << st.error_message();
  EXPECT_EQ(st.error_message().find("Correct the export"), std::string::npos) << st.error_message();
  EXPECT_TRUE(HealthBecomes(ing_->address(), 2, 10)) << "health must say NOT_SERVING while writes fail";
  // ... and carestat health says why, for the operator and a script's exit code.
  CommandResult why = RunCommand({BinDir() + "/pipeline/carestat", "health", "--target", ing_->address()});
  EXPECT_EQ(why.exit_code, 1);
  EXPECT_EQ(why.out.rfind(std::string("NOT_SERVING carestat-ingestion ") + kVersion + ": ", 0), 0u) << why.out;
  EXPECT_NE(why.out.find(data), std::string::npos) << "names the directory: " << why.out;
  EXPECT_EQ(Returns(ing_->address()).size(), 1u);

  fs::remove(mnt_ + "/filler");
  EXPECT_TRUE(HealthBecomes(ing_->address(), 1, 15)) << "health must recover by itself once there is space";
  EXPECT_EQ(RunCommand({BinDir() + "/pipeline/carestat", "health", "--target", ing_->address()}).exit_code, 0);
  v1::UploadResponse resp;
  st = Upload(ing_->address(), big, "301", 2016, &resp);
  EXPECT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(resp.outcome(), v1::STORED);
  EXPECT_EQ(Returns(ing_->address()).size(), 2u);
}

TEST_F(DiskFull, AStoreWriteThatFindsNoSpaceIsRetryableAndTheStoreResumesWithoutARestart) {
  const std::string data = mnt_ + "/ingestion";
  ing_ = std::make_unique<ServerProcess>(IngestionArgs(data));
  ASSERT_TRUE(ing_->Start());
  auto files = YearFiles(2016);
  ASSERT_TRUE(Upload(ing_->address(), files[0], "301", 2016).ok());
  const std::string big = files.back();
  // Room for the spool copy but not for the records it becomes.
  Fill(mnt_ + "/filler", fs::file_size(big) + (512 << 10));
  grpc::Status st = Upload(ing_->address(), big, "301", 2016);
  ASSERT_FALSE(st.ok()) << "the store found room after all: the filler left too much";
  EXPECT_EQ(st.error_code(), grpc::UNAVAILABLE) << st.error_message();
  EXPECT_NE(st.error_message().find("nothing was stored"), std::string::npos) << st.error_message();
  EXPECT_NE(st.error_message().find("cannot store it under " + data), std::string::npos) << st.error_message();
  std::printf("store write on a full disk: %s\n", st.error_message().c_str());
  EXPECT_TRUE(HealthBecomes(ing_->address(), 2, 10)) << "health must say NOT_SERVING while writes fail";
  EXPECT_EQ(Returns(ing_->address()).size(), 1u);

  fs::remove(mnt_ + "/filler");
  EXPECT_TRUE(HealthBecomes(ing_->address(), 1, 15)) << "the store must resume by itself once there is space";
  v1::UploadResponse resp;
  st = Upload(ing_->address(), big, "301", 2016, &resp);
  EXPECT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(Returns(ing_->address()).size(), 2u);
  ing_->Stop();
  CommandResult verify = RunCommand({BinDir() + "/pipeline/carestat", "verify", "--data", data});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(DiskFull, APipelineMeetingAFullDiskLeavesTheFileInTheInboxNotInQuarantineAndTheNextRunStoresIt) {
  ing_ = std::make_unique<ServerProcess>(IngestionArgs(mnt_ + "/ingestion"));
  ASSERT_TRUE(ing_->Start());
  ServerProcess met({BinDir() + "/services/metrics/carestat-metrics", "--init", "--listen", "127.0.0.1:0", "--data",
                     dir_ + "/metrics", "--ingestion", ing_->address()});
  ASSERT_TRUE(met.Start());
  ServerProcess rep({BinDir() + "/services/reporting/carestat-reporting", "--init", "--listen", "127.0.0.1:0", "--metrics",
                     met.address()});
  ASSERT_TRUE(rep.Start());
  const std::string big = YearFiles(2016).back();
  const std::string name = fs::path(big).filename().string();
  const std::string inbox = dir_ + "/inbox", out = dir_ + "/out";
  fs::create_directories(inbox + "/301/2016");
  fs::copy_file(big, inbox + "/301/2016/" + name);
  auto pipeline = [&] {
    return RunCommand({BinDir() + "/pipeline/carestat", "pipeline", "--inbox", inbox, "--out", out, "--ingestion",
                       ing_->address(), "--metrics", met.address(), "--reporting", rep.address(), "--settle", "0",
                       "--attempts", "2"});
  };
  Fill(mnt_ + "/filler", 256 << 10);
  CommandResult full = pipeline();
  EXPECT_NE(full.exit_code, 0) << full.out << full.err;
  EXPECT_TRUE(fs::exists(inbox + "/301/2016/" + name)) << "the file must stay in the inbox: " << full.out << full.err;
  EXPECT_FALSE(fs::exists(out + "/quarantine/301/2016/" + name)) << full.out << full.err;
  EXPECT_EQ(full.err.find("REJECTED"), std::string::npos) << full.err;
  EXPECT_NE(full.err.find("nothing was stored"), std::string::npos) << full.err;

  fs::remove(mnt_ + "/filler");
  ASSERT_TRUE(HealthBecomes(ing_->address(), 1, 15));
  CommandResult again = pipeline();
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_FALSE(fs::exists(inbox + "/301/2016/" + name));
  EXPECT_EQ(Returns(ing_->address()).size(), 1u);
}

TEST(Permissions, UnderUmask000EverythingTheServersCreateIsTheOwnersAlone) {
  const std::string dir = MakeTempDir("perm");
  const std::string data = dir + "/ingestion";
  const std::string met_data = dir + "/metrics";
  mode_t old = ::umask(0);
  auto ing = std::make_unique<ServerProcess>(IngestionArgs(data));
  bool started = ing->Start();
  std::unique_ptr<ServerProcess> met;
  if (started) {
    met = std::make_unique<ServerProcess>(std::vector<std::string>{
        BinDir() + "/services/metrics/carestat-metrics", "--init", "--listen", "127.0.0.1:0", "--data", met_data,
        "--ingestion", ing->address()});
    started = met->Start();
  }
  ::umask(old);
  ASSERT_TRUE(started);
  ASSERT_TRUE(Upload(ing->address(), YearFiles(2016)[0], "301", 2016).ok());
  met->Stop();
  ing->Stop();
  for (const auto& d : {data, data + "/store", data + "/spool", met_data}) EXPECT_EQ(Mode(d), 0700) << d;
  EXPECT_EQ(Mode(data + "/hmac.key"), 0600);
  EXPECT_EQ(Mode(data + "/ledger.jsonl"), 0600);
  int files = 0;
  for (const auto& root : {data, met_data}) {
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      ++files;
      EXPECT_EQ(Mode(e.path().string()) & 077, 0) << e.path() << " is open to others: " << std::oct << Mode(e.path());
    }
  }
  EXPECT_GT(files, 10);
}

TEST(Permissions, UnderUmask000CarestatRunCreatesItsStoresLedgerAndKeyForTheOwnerAlone) {
  const std::string dir = MakeTempDir("permrun");
  fs::create_directories(dir + "/inbox/301/2016");
  fs::copy_file(YearFiles(2016)[0], dir + "/inbox/301/2016/" + fs::path(YearFiles(2016)[0]).filename().string());
  mode_t old = ::umask(0);
  CommandResult run = RunCommand({BinDir() + "/pipeline/carestat", "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out",
                                  dir + "/out", "--data", dir + "/data"});
  ::umask(old);
  ASSERT_NE(run.exit_code, 2) << run.out << run.err;
  EXPECT_EQ(Mode(dir + "/data"), 0700);
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir + "/data")) {
    ++files;
    EXPECT_EQ(Mode(e.path().string()) & 077, 0) << e.path() << " is open to others: " << std::oct << Mode(e.path());
  }
  EXPECT_GT(files, 10);
  EXPECT_EQ(Mode(dir + "/data/ingestion/ledger.jsonl"), 0600);
  EXPECT_EQ(Mode(dir + "/data/ingestion/hmac.key"), 0600);
}

TEST(Permissions, ADataDirectoryOthersCanReadIsRefusedWithTheChmodThatFixesIt) {
  const std::string dir = MakeTempDir("open");
  for (const std::string server : {"ingestion", "metrics"}) {
    const std::string data = dir + "/" + server;
    fs::create_directories(data);
    ::chmod(data.c_str(), 0755);
    std::vector<std::string> argv = {BinDir() + "/services/" + server + "/carestat-" + server, "--listen",
                                     "127.0.0.1:0", "--data", data, "--init"};
    CommandResult r = RunCommand(argv);
    EXPECT_EQ(r.exit_code, 2) << server << ": " << r.out << r.err;
    EXPECT_NE(r.err.find(data), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("chmod 700 " + data), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("listening on"), std::string::npos);
  }
  // `carestat run` opens an ingestion store in its --data too.
  const std::string run_data = dir + "/run";
  fs::create_directories(run_data + "/ingestion");
  ::chmod((run_data + "/ingestion").c_str(), 0775);
  fs::create_directories(dir + "/inbox");
  CommandResult run = RunCommand({BinDir() + "/pipeline/carestat", "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out",
                                  dir + "/out", "--data", run_data});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("chmod 700 " + run_data + "/ingestion"), std::string::npos) << run.err;
}

TEST(SecondServer, OnADataDirectoryInUseSaysWhichProcessHoldsItInsteadOfRocksDbsLockError) {
  const std::string data = MakeTempDir("lock") + "/ingestion";
  ServerProcess first(IngestionArgs(data));
  ASSERT_TRUE(first.Start());
  CommandResult second = RunCommand(IngestionArgs(data));
  EXPECT_EQ(second.exit_code, 2) << second.out << second.err;
  EXPECT_NE(second.err.find(data + "/store is in use by another carestat process (pid " + std::to_string(first.pid()) + ")"),
            std::string::npos) << second.err;
  EXPECT_NE(second.err.find("stop it first"), std::string::npos) << second.err;
  EXPECT_EQ(second.err.find("Resource temporarily unavailable"), std::string::npos) << second.err;
  // And `carestat verify` reads beside it without disturbing it.
  CommandResult verify = RunCommand({BinDir() + "/pipeline/carestat", "verify", "--data", data});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(first.Stop(), 0);
}

}  // namespace
}  // namespace carestat
