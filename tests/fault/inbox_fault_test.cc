// Issue 13, the pipeline and the inbox: the real `carestat run` and `carestat pipeline`
// against odd inboxes, a busy server and a store that lost returns. Each test asserts
// what the operator must get: every valid file stored, or a message that names the file
// and why, and nothing written outside the folders carestat was given.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "carestat/v1/ingestion.grpc.pb.h"
#include "pipeline/embedded.h"
#include "pipeline/inbox.h"
#include "services/common/security.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace fs = std::filesystem;
namespace {


const char kContactsHeader[] = "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\n";
const char kAd1HeaderOnly[] = "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n";
const char kSsdaHeaderOnly[] = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n";

// An Annex A list 1 (contacts) of `rows` contacts in the year ending 31 March `cy`.
std::string Contacts(int rows, int cy = 2016, const std::string& prefix = "L") {
  std::string s = kContactsHeader;
  for (int i = 0; i < rows; ++i) {
    absl::StrAppend(&s, prefix, i, ",a) Male,a) WBRI,01/02/2010,5,0", 1 + i % 9, "/12/", cy - 1, ",q) 6: Police\n");
  }
  return s;
}

std::string Census(const std::string& la) {
  return absl::StrCat(
      "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2016</Year>"
      "<ReferenceDate>2016-03-31</ReferenceDate></CollectionDetails><Source><LEA>",
      la,
      "</LEA></Source></Header><Children><Child><ChildIdentifiers><LAchildID>SYN1</LAchildID><Sex>1</Sex>"
      "</ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
      "<CINdetails><CINreferralDate>2016-03-01</CINreferralDate><ReferralSource>6</ReferralSource></CINdetails>"
      "</Child></Children></Message>\n");
}

int Mode(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return -1;
  return st.st_mode & 07777;
}

// Every return ingestion holds: return id -> content sha256.
std::map<std::string, std::string> Returns(v1::Ingestion::Stub& stub) {
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::ListReturnsResponse all;
  grpc::Status s = stub.ListReturns(&c, v1::ListReturnsRequest(), &all);
  EXPECT_TRUE(s.ok()) << s.error_message();
  std::map<std::string, std::string> out;
  for (const auto& r : all.returns()) out[r.return_id()] = r.content_sha256();
  return out;
}

// The returns of an embedded data directory (after `carestat run` has exited).
std::map<std::string, std::string> ReturnsIn(const std::string& data) {
  auto e = Embedded::Start(data);
  EXPECT_TRUE(e.ok()) << e.status();
  if (!e.ok()) return {};
  auto stub = v1::Ingestion::NewStub((*e)->ingestion());
  return Returns(*stub);
}

std::string Sha(const std::string& content) { return Sha256Hex(content); }

// `contacts` of an LA's 2015-16 indicators from an embedded data directory.
std::string ContactsOf(const std::string& data, const std::string& la) {
  auto r = RunCommand({CarestatBin(), "indicators", "--la", la, "--period", "2015-16", "--json", "--data", data});
  auto at = r.out.find("\"contacts\": ");
  if (at == std::string::npos) return "none: " + r.out + r.err;
  at += 12;
  return r.out.substr(at, r.out.find_first_of(",}\n", at) - at);
}

// Every regular file or link under `dir`, relative to it.
std::set<std::string> Listing(const std::string& dir) {
  std::set<std::string> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    out.insert(fs::relative(it->path(), dir, ec).string());
  }
  return out;
}

class RunInbox : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("inboxfault");
    inbox_ = dir_ + "/inbox";
    out_ = dir_ + "/out";
    data_ = dir_ + "/data";
    fs::create_directories(inbox_);
  }
  CommandResult Run() { return RunCommand({CarestatBin(), "run", "--init", "--verbose", "--inbox", inbox_, "--out", out_, "--data", data_}); }
  std::string dir_, inbox_, out_, data_;
};

// ---- 2: the manifest is keyed by content alone ----

TEST_F(RunInbox, ManifestAnEarlierVersionPutBackIsStoredAgain) {
  const std::string v1 = Contacts(3), v2 = Contacts(5);
  WriteAll(inbox_ + "/999/2016/contacts.csv", v1);
  ASSERT_EQ(Run().exit_code, 0);
  WriteAll(inbox_ + "/999/2016/contacts.csv", v2);
  auto second = Run();
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_NE(second.out.find("replaced"), std::string::npos) << second.out;
  // v1 again: it was seen before, but it is not the current version, so it is sent.
  WriteAll(inbox_ + "/999/2016/contacts.csv", v1);
  auto third = Run();
  EXPECT_EQ(third.exit_code, 0) << third.out << third.err;
  EXPECT_NE(third.out.find("replaced  999/2016/contacts.csv"), std::string::npos) << third.out;
  EXPECT_EQ(third.out.find("known"), std::string::npos) << third.out;
  EXPECT_EQ(ReturnsIn(data_)["999/2016/annex-a-list-1"], Sha(v1));
  EXPECT_EQ(ContactsOf(data_, "999"), "3");
  // And once more, unchanged: now it is the current version, so it is known.
  auto fourth = Run();
  EXPECT_EQ(fourth.exit_code, 0) << fourth.err;
  EXPECT_NE(fourth.out.find("known     999/2016/contacts.csv"), std::string::npos) << fourth.out;
}

TEST_F(RunInbox, ManifestIdenticalFilesForTwoLasAndYearsAreStoredForEach) {
  WriteAll(inbox_ + "/998/2016/ad1.csv", kAd1HeaderOnly);
  WriteAll(inbox_ + "/999/2016/ad1.csv", kAd1HeaderOnly);
  WriteAll(inbox_ + "/999/2015/ad1.csv", kAd1HeaderOnly);
  auto r = Run();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto held = ReturnsIn(data_);
  for (const char* id : {"998/2016/ssda903-ad1", "999/2016/ssda903-ad1", "999/2015/ssda903-ad1"}) {
    EXPECT_EQ(held[id], Sha(kAd1HeaderOnly)) << id << "\n" << r.out << r.err;
  }
}

TEST_F(RunInbox, ManifestACinCensusUnderTheWrongLaIsFlaggedNotKnown) {
  WriteAll(inbox_ + "/301/2016/cin.xml", Census("301"));
  ASSERT_EQ(Run().exit_code, 0);
  // The same bytes filed under LA 302: never "known", and ingestion says why.
  WriteAll(inbox_ + "/302/2016/cin.xml", Census("301"));
  auto r = Run();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out.find("known     302"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("302/2016/cin.xml"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(out_ + "/rejected/302/2016/cin.xml.report.txt"));
  EXPECT_EQ(ReturnsIn(data_).count("302/2016/cin-census"), 0u);
}

// ---- 4: two files for one return in one folder ----

TEST_F(RunInbox, CompetingTwoFilesForOneReturnAreRefusedAndOthersGoAhead) {
  WriteAll(inbox_ + "/999/2016/contacts-draft.csv", Contacts(4));
  WriteAll(inbox_ + "/999/2016/contacts-final.csv", Contacts(6));
  // Other datasets in the same folder are not competitors: an SSDA903 table of another
  // kind, and the same list for another year.
  WriteAll(inbox_ + "/999/2016/ad1.csv", kAd1HeaderOnly);
  WriteAll(inbox_ + "/999/2016/header.csv", kSsdaHeaderOnly);
  WriteAll(inbox_ + "/999/2015/contacts.csv", Contacts(2, 2015));
  auto r = Run();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("REFUSED   999/2016/annex-a-list-1: 999/2016/contacts-draft.csv and "
                       "999/2016/contacts-final.csv"),
            std::string::npos)
      << r.err;
  auto held = ReturnsIn(data_);
  EXPECT_EQ(held.count("999/2016/annex-a-list-1"), 0u) << r.out;
  EXPECT_EQ(held.count("999/2016/ssda903-ad1"), 1u) << r.out;
  EXPECT_EQ(held.count("999/2016/ssda903-header"), 1u) << r.out;
  EXPECT_EQ(held.count("999/2015/annex-a-list-1"), 1u) << r.out;
  // Both stay where they are, untouched; nothing of them is rejected.
  EXPECT_TRUE(fs::exists(inbox_ + "/999/2016/contacts-draft.csv"));
  EXPECT_TRUE(fs::exists(inbox_ + "/999/2016/contacts-final.csv"));
  EXPECT_FALSE(fs::exists(out_ + "/rejected/999/2016/contacts-draft.csv.report.txt"));
  // The draft removed: the final goes in.
  fs::remove(inbox_ + "/999/2016/contacts-draft.csv");
  auto again = Run();
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(ReturnsIn(data_)["999/2016/annex-a-list-1"], Sha(Contacts(6)));
}

// The same records in two forms in one folder: an Annex A workbook (every list) and list
// 1 as a CSV. Storing both would leave two versions of the contacts; neither is sent.
TEST_F(RunInbox, CompetingAWorkbookAndOneOfItsListsAsCsvAreRefusedTogether) {
  const std::string workbook = SharedDir() + "/external/annex-a/Annex_A.xlsx";
  if (!fs::exists(workbook)) GTEST_SKIP() << workbook << " is not there";
  fs::create_directories(inbox_ + "/999/2016");
  fs::copy_file(workbook, inbox_ + "/999/2016/annex-a.xlsx");
  WriteAll(inbox_ + "/999/2016/contacts.csv", Contacts(4));
  WriteAll(inbox_ + "/999/2016/header.csv", kSsdaHeaderOnly);
  auto r = Run();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("REFUSED   999/2016: 999/2016/annex-a.xlsx and 999/2016/contacts.csv hold the same records"),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("999/2016/annex-a.xlsx is annex-a, 999/2016/contacts.csv is annex-a-list-1"),
            std::string::npos) << r.err;
  auto held = ReturnsIn(data_);
  EXPECT_EQ(held.count("999/2016/annex-a"), 0u) << r.out;
  EXPECT_EQ(held.count("999/2016/annex-a-list-1"), 0u) << r.out;
  EXPECT_EQ(held.count("999/2016/ssda903-header"), 1u) << r.out;
  EXPECT_TRUE(fs::exists(inbox_ + "/999/2016/annex-a.xlsx"));
  // The workbook taken out: the list goes in.
  fs::remove(inbox_ + "/999/2016/annex-a.xlsx");
  auto again = Run();
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(ReturnsIn(data_)["999/2016/annex-a-list-1"], Sha(Contacts(4)));
}

// ---- 9 and 16: links, FIFOs, folders and odd names in the inbox ----

TEST_F(RunInbox, SymlinksAreSkippedAndNothingIsWrittenOutsideOut) {
  const std::string outside = dir_ + "/outside";
  WriteAll(outside + "/secret", "SECRETLINE-root:x:0:0\n");
  WriteAll(outside + "/2016/contacts.csv", Contacts(2, 2016, "OUTSIDE"));
  WriteAll(inbox_ + "/999/2016/contacts.csv", Contacts(3));
  fs::create_symlink(outside + "/secret", inbox_ + "/999/2016/shadow.csv");
  fs::create_symlink("/dev/null", inbox_ + "/999/2016/null.csv");
  fs::create_symlink(outside, inbox_ + "/998");  // a linked LA folder
  WriteAll(inbox_ + "/997/2016/contacts.csv", Contacts(2));
  fs::create_symlink(outside, inbox_ + "/997/2015");  // a linked year folder
  // A report folder under --out that is a link pointing outside it.
  fs::create_directories(out_);
  const std::string elsewhere = dir_ + "/elsewhere";
  fs::create_directories(elsewhere);
  fs::create_symlink(elsewhere, out_ + "/997");
  const auto before = Listing(outside);

  auto r = Run();
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;  // LA 997's reports could not be written
  for (const char* name : {"999/2016/shadow.csv", "999/2016/null.csv", "998", "997/2015"}) {
    EXPECT_NE(r.err.find(absl::StrCat("SKIPPED   ", name, ": a symbolic link")), std::string::npos) << name << r.err;
  }
  EXPECT_EQ(r.out.find("SECRETLINE"), std::string::npos);
  EXPECT_EQ(r.err.find("SECRETLINE"), std::string::npos);
  auto held = ReturnsIn(data_);
  EXPECT_EQ(held.count("999/2016/annex-a-list-1"), 1u);
  EXPECT_EQ(held.count("998/2016/annex-a-list-1"), 0u);
  EXPECT_EQ(held.count("997/2015/annex-a-list-1"), 0u);
  // Nothing written through the link under --out, nor into the linked folders.
  EXPECT_TRUE(Listing(elsewhere).empty());
  EXPECT_EQ(Listing(outside), before);
  EXPECT_NE(r.err.find("is a symbolic link"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no reports written for LA 997"), std::string::npos) << r.err;
  // The other LA's reports were written all the same (item 15).
  EXPECT_TRUE(fs::exists(out_ + "/999/2015-16/annual-report.html"));
  for (const auto& f : Listing(out_)) {
    if (fs::is_regular_file(out_ + "/" + f)) {
      EXPECT_EQ(ReadAll(out_ + "/" + f).find("SECRETLINE"), std::string::npos) << f;
    }
  }
}

TEST_F(RunInbox, OddEntriesFifoFolderAndInvalidUtf8NameAreReportedNotSilent) {
  const std::string year = inbox_ + "/999/2016";
  fs::create_directories(year + "/sub");
  ASSERT_EQ(::mkfifo((year + "/pipe.csv").c_str(), 0600), 0);
  const std::string odd_name = "contacts-\xff\xfe.csv";
  WriteAll(year + "/" + odd_name, Contacts(3));
  auto r = Run();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("SKIPPED   999/2016/pipe.csv: a FIFO"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("SKIPPED   999/2016/sub: a folder"), std::string::npos) << r.err;
  // The file with a name that is not UTF-8 is stored, under an escaped rendering.
  EXPECT_NE(r.out.find("stored    999/2016/contacts-\\xFF\\xFE.csv -> 999/2016/annex-a-list-1"), std::string::npos)
      << r.out << r.err;
  EXPECT_FALSE(fs::exists(out_ + "/rejected"));
  EXPECT_EQ(ContactsOf(data_, "999"), "3");

  // validate: a folder is called a folder, a FIFO is refused without waiting for a writer.
  auto dir = RunCommand({CarestatBin(), "validate", year + "/sub"});
  EXPECT_EQ(dir.exit_code, 2);
  EXPECT_NE(dir.err.find("is a folder"), std::string::npos) << dir.err;
  EXPECT_EQ(dir.err.find("empty"), std::string::npos) << dir.err;
  const auto t0 = std::chrono::steady_clock::now();
  auto fifo = RunCommand({CarestatBin(), "validate", year + "/pipe.csv"});
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
  EXPECT_EQ(fifo.exit_code, 2);
  EXPECT_NE(fifo.err.find("a FIFO"), std::string::npos) << fifo.err;
}

TEST_F(RunInbox, ManyFilesNeedNoMoreDescriptorsThanOneAtATime) {
  // 70 returns under a limit of 64 open files: each file is open only while it is handled.
  for (int la = 0; la < 10; ++la) {
    for (int cy = 2010; cy <= 2016; ++cy) WriteAll(absl::StrCat(inbox_, "/", 980 + la, "/", cy, "/contacts.csv"), Contacts(2, cy));
  }
  auto r = RunCommand({"/bin/sh", "-c",
                       absl::StrCat("ulimit -n 64 && exec '", CarestatBin(), "' run --init --inbox '", inbox_, "' --out '", out_,
                                    "' --data '", data_, "'")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(ReturnsIn(data_).size(), 70u) << r.err;
}

// ---- 15: one LA that metrics has not recomputed ----

TEST_F(RunInbox, OneLaNeverRecomputedDoesNotStopTheOthers) {
  // LA 998 reaches the store by another route, and metrics never recomputes it.
  {
    auto e = Embedded::Start(data_);
    ASSERT_TRUE(e.ok()) << e.status();
    auto stub = v1::Ingestion::NewStub((*e)->ingestion());
    WriteAll(dir_ + "/side/998/2016/contacts.csv", Contacts(4));
    auto up = UploadFile(*stub, InboxFile{"998", 2016, dir_ + "/side/998/2016/contacts.csv", "contacts.csv"});
    ASSERT_TRUE(up.ok()) << up.status();
  }
  WriteAll(inbox_ + "/999/2016/contacts.csv", Contacts(3));
  auto r = Run();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(fs::exists(out_ + "/999/2015-16/annual-report.html")) << r.err;
  EXPECT_TRUE(fs::exists(out_ + "/998/2015-16/annual-report.html")) << r.err;
  // Metrics holds no figures for 998 while ingestion holds a return of it: stale.
  EXPECT_NE(r.out.find("stale     LA 998: metrics holds no figures for it"), std::string::npos)
      << r.out << r.err;
  EXPECT_NE(r.out.find("recomputed LA 998"), std::string::npos) << r.out;
  EXPECT_EQ(ContactsOf(data_, "998"), "4");
  // Later runs do not fail on it either.
  auto again = Run();
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

// ---- pipeline: servers, archive, quarantine ----

class PipelineInbox : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("pipeinbox");
    ASSERT_TRUE(StartServers({}, {}));
  }
  bool StartServers(std::vector<std::string> ingestion_extra, std::vector<std::string> metrics_extra,
                    const std::string& ingestion_listen = "127.0.0.1:0") {
    std::vector<std::string> a = {BinDir() + "/services/ingestion/carestat-ingestion", "--init", "--listen", ingestion_listen,
                                  "--data", dir_ + "/ing"};
    a.insert(a.end(), ingestion_extra.begin(), ingestion_extra.end());
    ingestion_ = std::make_unique<ServerProcess>(a);
    if (!ingestion_->Start()) return false;
    if (metrics_) return true;
    std::vector<std::string> m = {BinDir() + "/services/metrics/carestat-metrics", "--init", "--listen", "127.0.0.1:0",
                                  "--data", dir_ + "/met", "--ingestion", ingestion_->address()};
    m.insert(m.end(), metrics_extra.begin(), metrics_extra.end());
    metrics_ = std::make_unique<ServerProcess>(m);
    if (!metrics_->Start()) return false;
    reporting_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        BinDir() + "/services/reporting/carestat-reporting", "--init", "--listen", "127.0.0.1:0", "--metrics",
        metrics_->address()});
    return reporting_->Start();
  }
  std::vector<std::string> Args(const std::string& inbox, const std::string& out) {
    return {CarestatBin(), "pipeline", "--inbox", inbox, "--out", out, "--ingestion", ingestion_->address(),
            "--metrics", metrics_->address(), "--reporting", reporting_->address(), "--settle", "0"};
  }
  std::unique_ptr<v1::Ingestion::Stub> Stub(const std::string& token = "") {
    ClientSecurity cs;
    cs.token = token;
    return v1::Ingestion::NewStub(*Dial(ingestion_->address(), cs));
  }
  std::string dir_;
  std::unique_ptr<ServerProcess> ingestion_, metrics_, reporting_;
};

// ---- 10: archive, quarantine and state are private whatever the umask ----

TEST_F(PipelineInbox, ModesArchiveQuarantineAndStateArePrivateUnderUmask000) {
  const std::string inbox = dir_ + "/inbox", out = dir_ + "/out";
  WriteAll(inbox + "/999/2016/contacts.csv", Contacts(3));
  WriteAll(inbox + "/999/2016/broken.xml", "<Message><Header>");
  const mode_t old = ::umask(0);
  auto r = RunCommand(Args(inbox, out));
  ::umask(old);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  for (const std::string d : {"/archive", "/archive/999", "/archive/999/2016", "/quarantine", "/quarantine/999",
                              "/quarantine/999/2016", "/state"}) {
    EXPECT_EQ(Mode(out + d), 0700) << d;
  }
  for (const std::string f : {"/archive/999/2016/contacts.csv", "/quarantine/999/2016/broken.xml",
                              "/quarantine/999/2016/broken.xml.report.json", "/quarantine/999/2016/broken.xml.report.txt",
                              "/state/manifest.jsonl", "/state/run.lock"}) {
    EXPECT_EQ(Mode(out + f), 0600) << f;
  }
  // `run` keeps its rejected reports and its manifest the same way.
  WriteAll(inbox + "/999/2016/broken.xml", "<Message><Header>");
  ::umask(0);
  auto run = RunCommand({CarestatBin(), "run", "--init", "--verbose", "--inbox", inbox, "--out", dir_ + "/runout", "--data", dir_ + "/rundata"});
  ::umask(old);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(Mode(dir_ + "/runout/rejected"), 0700);
  EXPECT_EQ(Mode(dir_ + "/runout/rejected/999/2016"), 0700);
  EXPECT_EQ(Mode(dir_ + "/runout/rejected/999/2016/broken.xml.report.txt"), 0600);
  EXPECT_EQ(Mode(dir_ + "/rundata/pipeline"), 0700);
  EXPECT_EQ(Mode(dir_ + "/rundata/pipeline/manifest.jsonl"), 0600);
}

TEST_F(PipelineInbox, SymlinkIsNeitherUploadedNorMovedAndTheArchiveIsNotFollowed) {
  const std::string inbox = dir_ + "/inbox", out = dir_ + "/out", outside = dir_ + "/outside";
  WriteAll(outside + "/secret", "SECRETLINE\n");
  WriteAll(inbox + "/999/2016/contacts.csv", Contacts(3));
  WriteAll(inbox + "/998/2016/contacts.csv", Contacts(2));
  fs::create_symlink(outside + "/secret", inbox + "/999/2016/shadow.csv");
  // The archive folder of LA 998 is a link outside: the file is stored but not moved there.
  fs::create_directories(out + "/archive");
  fs::create_symlink(outside, out + "/archive/998");
  auto r = RunCommand(Args(inbox, out));
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("SKIPPED   999/2016/shadow.csv: a symbolic link"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_symlink(inbox + "/999/2016/shadow.csv"));  // left where it was
  EXPECT_TRUE(fs::exists(out + "/archive/999/2016/contacts.csv"));
  EXPECT_NE(r.err.find("is a symbolic link"), std::string::npos) << r.err;
  EXPECT_EQ(Listing(outside), std::set<std::string>{"secret"});
  // Stored, but not moved through the link: it stays in the inbox, and the run says so.
  EXPECT_TRUE(fs::exists(inbox + "/998/2016/contacts.csv"));
  EXPECT_NE(r.err.find("KEPT      998/2016/contacts.csv: refusing to write"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("SECRETLINE"), std::string::npos);
  EXPECT_EQ(r.out.find("SECRETLINE"), std::string::npos);
}

// ---- 7 (the pipeline's own side): a full disk under --out loses nothing ----

TEST_F(PipelineInbox, DiskFullUnderOutNamesThePathAndLosesNothing) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs as the full disk";
  const std::string inbox = dir_ + "/inbox", out = dir_ + "/full";
  fs::create_directories(out);
  if (::mount("tmpfs", out.c_str(), "tmpfs", 0, "size=2m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{out};
  fs::create_directories(out + "/state");
  fs::create_directories(out + "/archive");
  const std::string contacts = Contacts(3000);
  WriteAll(inbox + "/999/2016/contacts.csv", contacts);
  {
    // Fill the disk.
    int fd = ::open((out + "/filler").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    std::string block(4096, 'x');
    while (::write(fd, block.data(), block.size()) > 0) {
    }
    ::close(fd);
  }
  auto full = RunCommand(Args(inbox, out));
  EXPECT_EQ(full.exit_code, 2) << full.out << full.err;
  EXPECT_NE(full.err.find("No space left on device"), std::string::npos) << full.err;
  EXPECT_NE(full.err.find(out + "/archive/999/2016/contacts.csv"), std::string::npos) << full.err;
  // Stored, and still in the inbox: nothing lost, nothing half-written in the archive.
  EXPECT_EQ(ReadAll(inbox + "/999/2016/contacts.csv"), contacts);
  EXPECT_FALSE(fs::exists(out + "/archive/999/2016/contacts.csv"));
  EXPECT_FALSE(fs::exists(out + "/archive/999/2016/contacts.csv.tmp"));
  EXPECT_EQ(Returns(*Stub())["999/2016/annex-a-list-1"], Sha(contacts));
  // Space is back: the next run archives it, recomputes and writes the reports.
  fs::remove(out + "/filler");
  auto again = RunCommand(Args(inbox, out));
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(ReadAll(out + "/archive/999/2016/contacts.csv"), contacts);
  EXPECT_FALSE(fs::exists(inbox + "/999/2016/contacts.csv"));
  EXPECT_TRUE(fs::exists(out + "/999/2015-16/annual-report.html"));
  auto ind = RunCommand({CarestatBin(), "indicators", "--la", "999", "--period", "2015-16", "--json", "--target",
                         metrics_->address()});
  EXPECT_NE(ind.out.find("\"contacts\": 3000"), std::string::npos) << ind.out << ind.err;
}

// ---- 6: a busy server never gets a valid file quarantined ----

struct Token {
  std::string token, line;
};
Token MakeToken(const std::string& principal, const std::string& roles) {
  CommandResult r = RunCommand({CarestatBin(), "token", "--principal", principal, "--roles", roles});
  Token t;
  for (absl::string_view l : absl::StrSplit(r.out, '\n')) {
    if (absl::StartsWith(l, "cst_")) t.token = std::string(l);
    else if (l.size() > 64 && l.find(' ') == 64) t.line = std::string(l);
  }
  EXPECT_FALSE(t.token.empty()) << r.out << r.err;
  EXPECT_FALSE(t.line.empty()) << r.out << r.err;
  return t;
}

TEST(BusyServer, ParallelPipelinesQuarantineNothingAndStoreEveryFile) {
  const std::string dir = MakeTempDir("busy");
  Token pipe = MakeToken("pipeline", "ingest,admin"), service = MakeToken("metrics", "service");
  WriteAll(dir + "/tokens", pipe.line + "\n" + service.line + "\n");
  WriteAll(dir + "/pipeline.token", pipe.token + "\n");
  WriteAll(dir + "/metrics.token", service.token + "\n");
  for (const char* f : {"/tokens", "/pipeline.token", "/metrics.token"}) ::chmod((dir + f).c_str(), 0600);
  ServerProcess ing({BinDir() + "/services/ingestion/carestat-ingestion", "--init", "--listen", "127.0.0.1:0", "--data",
                     dir + "/ing", "--tokens", dir + "/tokens", "--max-concurrent-uploads", "1"});
  ASSERT_TRUE(ing.Start());
  ServerProcess met({BinDir() + "/services/metrics/carestat-metrics", "--init", "--listen", "127.0.0.1:0", "--data",
                     dir + "/met", "--ingestion", ing.address(), "--token-file", dir + "/metrics.token"});
  ASSERT_TRUE(met.Start());
  ServerProcess rep({BinDir() + "/services/reporting/carestat-reporting", "--init", "--listen", "127.0.0.1:0", "--metrics",
                     met.address()});
  ASSERT_TRUE(rep.Start());
  constexpr int kPipelines = 4, kYears = 8;
  std::vector<pid_t> pids;
  for (int p = 0; p < kPipelines; ++p) {
    const std::string la = std::to_string(990 + p);
    for (int y = 0; y < kYears; ++y) {
      WriteAll(absl::StrCat(dir, "/inbox", p, "/", la, "/", 2009 + y, "/contacts.csv"), Contacts(3000, 2009 + y));
    }
  }
  for (int p = 0; p < kPipelines; ++p) {
    pid_t pid = ::fork();
    if (pid == 0) {
      std::vector<std::string> a = {CarestatBin(), "pipeline", "--inbox", absl::StrCat(dir, "/inbox", p), "--out",
                                    absl::StrCat(dir, "/out", p), "--ingestion", ing.address(), "--metrics",
                                    met.address(), "--reporting", rep.address(), "--settle", "0", "--token-file",
                                    dir + "/pipeline.token"};
      std::vector<char*> c;
      for (auto& s : a) c.push_back(s.data());
      c.push_back(nullptr);
      const std::string log = absl::StrCat(dir, "/p", p, ".log");
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execv(c[0], c.data());
      ::_exit(127);
    }
    pids.push_back(pid);
  }
  int busy = 0;
  for (int p = 0; p < kPipelines; ++p) {
    int status = 0;
    ::waitpid(pids[p], &status, 0);
    const std::string log = ReadAll(absl::StrCat(dir, "/p", p, ".log"));
    for (size_t at = log.find("--max-concurrent-uploads 1"); at != std::string::npos;
         at = log.find("--max-concurrent-uploads 1", at + 1)) {
      ++busy;
    }
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log;
    EXPECT_TRUE(Listing(absl::StrCat(dir, "/out", p, "/quarantine")).empty()) << log;
    EXPECT_EQ(log.find("REJECTED"), std::string::npos) << log;
    EXPECT_EQ(Listing(absl::StrCat(dir, "/inbox", p)).size(), 1u + kYears) << log;  // the folders, no files
  }
  // The limit was met (else this test tested nothing): those uploads were retried.
  EXPECT_GT(busy, 0);
  ClientSecurity cs;
  cs.token = pipe.token;
  auto stub = v1::Ingestion::NewStub(*Dial(ing.address(), cs));
  EXPECT_EQ(Returns(*stub).size(), static_cast<size_t>(kPipelines * kYears));
}

// ---- 1 (pipeline side): a return the store lost is sent again from the archive ----

TEST_F(PipelineInbox, LostReturnIsResentFromTheArchiveOrNamedWhenTheArchiveLostIt) {
  const std::string inbox = dir_ + "/inbox", out = dir_ + "/out";
  WriteAll(inbox + "/999/2016/contacts.csv", Contacts(7));
  WriteAll(inbox + "/999/2016/ad1.csv", kAd1HeaderOnly);
  auto first = RunCommand(Args(inbox, out));
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  // The list, the SSDA903 table and the pipeline's check of the SSDA903 tables together.
  ASSERT_EQ(Returns(*Stub()).size(), 3u);
  ASSERT_EQ(Returns(*Stub()).count("999/2016/checks-ssda903"), 1u);
  // The store comes back without them (a fresh data directory with the same key, as
  // after a damaged log was set aside), on the same address.
  const std::string address = ingestion_->address();
  ingestion_->Stop();
  fs::rename(dir_ + "/ing", dir_ + "/ing-lost");
  fs::create_directories(dir_ + "/ing");
  fs::permissions(dir_ + "/ing", fs::perms::owner_all);
  fs::copy_file(dir_ + "/ing-lost/hmac.key", dir_ + "/ing/hmac.key");
  ASSERT_TRUE(StartServers({}, {}, address));
  // The archived copy of one of them is gone too.
  fs::remove(out + "/archive/999/2016/ad1.csv");
  auto second = RunCommand(Args(inbox, out));
  EXPECT_EQ(second.exit_code, 1) << second.out << second.err;
  EXPECT_NE(second.out.find("resent    999/2016/contacts.csv -> 999/2016/annex-a-list-1: the store does not "
                            "hold it at all"),
            std::string::npos)
      << second.out << second.err;
  EXPECT_NE(second.err.find("MISSING   999/2016/ssda903-ad1"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("Put ad1.csv back in the inbox folder 999/2016/"), std::string::npos) << second.err;
  // Its check across the tables cannot be made either, and says so.
  EXPECT_NE(second.err.find("NOTE      999/2016: SSDA903 tables not checked together"), std::string::npos)
      << second.err;
  auto held = Returns(*Stub());
  EXPECT_EQ(held["999/2016/annex-a-list-1"], Sha(Contacts(7)));
  auto ind = RunCommand({CarestatBin(), "indicators", "--la", "999", "--period", "2015-16", "--json", "--target",
                         metrics_->address()});
  EXPECT_NE(ind.out.find("\"contacts\": 7"), std::string::npos) << ind.out << ind.err;
  // Put back, the lost one goes in; then nothing is missing.
  WriteAll(inbox + "/999/2016/ad1.csv", kAd1HeaderOnly);
  auto third = RunCommand(Args(inbox, out));
  EXPECT_EQ(third.exit_code, 0) << third.out << third.err;
  EXPECT_EQ(Returns(*Stub()).size(), 3u);  // the check made again once the table is back
}

TEST_F(PipelineInbox, LostReturnAnOlderVersionLeftInTheStoreIsReplacedByTheArchivedLatest) {
  const std::string inbox = dir_ + "/inbox", out = dir_ + "/out";
  WriteAll(inbox + "/999/2016/contacts.csv", Contacts(3));
  ASSERT_EQ(RunCommand(Args(inbox, out)).exit_code, 0);
  // A copy of the store as it was with version 1.
  const std::string address = ingestion_->address();
  ingestion_->Stop();
  fs::copy(dir_ + "/ing", dir_ + "/ing-v1", fs::copy_options::recursive);
  ASSERT_TRUE(StartServers({}, {}, address));
  WriteAll(inbox + "/999/2016/contacts.csv", Contacts(5));
  auto v2 = RunCommand(Args(inbox, out));
  ASSERT_EQ(v2.exit_code, 0) << v2.out << v2.err;
  ASSERT_NE(v2.out.find("replaced"), std::string::npos) << v2.out;
  // The store comes back older than what it acknowledged (as a damaged log leaves it).
  ingestion_->Stop();
  fs::remove_all(dir_ + "/ing");
  fs::rename(dir_ + "/ing-v1", dir_ + "/ing");
  ASSERT_TRUE(StartServers({}, {}, address));
  ASSERT_EQ(Returns(*Stub())["999/2016/annex-a-list-1"], Sha(Contacts(3)));
  auto r = RunCommand(Args(inbox, out));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("resent    999/2016/contacts.csv -> 999/2016/annex-a-list-1: the store holds an older "
                       "version"),
            std::string::npos)
      << r.out << r.err;
  EXPECT_EQ(Returns(*Stub())["999/2016/annex-a-list-1"], Sha(Contacts(5)));
  auto ind = RunCommand({CarestatBin(), "indicators", "--la", "999", "--period", "2015-16", "--json", "--target",
                         metrics_->address()});
  EXPECT_NE(ind.out.find("\"contacts\": 5"), std::string::npos) << ind.out << ind.err;
  // A second run finds nothing to send.
  auto again = RunCommand(Args(inbox, out));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out.find("resent"), std::string::npos) << again.out;
}

}  // namespace
}  // namespace carestat
