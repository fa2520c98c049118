// Operations (issue 19): --version and the version in each server's first log line; a
// store is created only on purpose (servers, run and the read commands refuse a --data
// that does not exist or holds no store; --init and carestat init create one); backup of
// a running store and restore into a new directory give identical figures.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/integration/test_util.h"

namespace carestat {
namespace {
namespace fs = std::filesystem;

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

int Mode(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
}

TEST(VersionTest, EveryBinaryPrintsTheProjectVersion) {
  CommandResult r = RunCommand({CarestatBin(), "--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::string("carestat ") + CARESTAT_VERSION + "\n");
  for (const std::string s : {"ingestion", "metrics", "reporting"}) {
    r = RunCommand({ServerBin(s), "--version"});
    EXPECT_EQ(r.exit_code, 0) << s << r.err;
    EXPECT_EQ(r.out, "carestat-" + s + " " + CARESTAT_VERSION + "\n");
  }
}

TEST(VersionTest, EachServerLogsItsVersionFirst) {
  const std::string dir = MakeTempDir("version-log");
  const std::vector<std::vector<std::string>> starts = {
      {ServerBin("ingestion"), "--listen", "127.0.0.1:0", "--data", dir + "/ing", "--init"},
      {ServerBin("metrics"), "--listen", "127.0.0.1:0", "--data", dir + "/met", "--init"},
      {ServerBin("reporting"), "--listen", "127.0.0.1:0", "--metrics", "127.0.0.1:1", "--data", dir + "/rep", "--init"}};
  for (const auto& argv : starts) {
    // Started and stopped at once: the first line of its log is enough.
    ServerProcess p(argv);
    ASSERT_TRUE(p.Start()) << argv[0];
    EXPECT_EQ(p.Stop(), 0);
  }
  // The log goes to stderr, which ServerProcess leaves to the test's: a server refused
  // for a missing store has logged its version line before the refusal.
  for (const std::string s : {"ingestion", "metrics", "reporting"}) {
    std::vector<std::string> argv = {ServerBin(s), "--listen", "127.0.0.1:0", "--data", dir + "/none-" + s};
    if (s == "reporting") argv.insert(argv.end(), {"--metrics", "127.0.0.1:1"});
    CommandResult r = RunCommand(argv);
    EXPECT_EQ(r.exit_code, 2);
    const std::string first = FirstLine(r.err);
    EXPECT_NE(first.find("carestat-" + s + " " + CARESTAT_VERSION + " starting"), std::string::npos) << r.err;
    // The same first line for a log shipper, as a field it can select on.
    argv.insert(argv.end(), {"--log-format", "json"});
    r = RunCommand(argv);
    EXPECT_EQ(r.exit_code, 2);
    const nlohmann::json line = nlohmann::json::parse(FirstLine(r.err), nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(line.is_object()) << r.err;
    EXPECT_EQ(line.value("message", ""), "carestat-" + s + " " + CARESTAT_VERSION + " starting") << r.err;
  }
}

TEST(StoreOnPurposeTest, ServersRefuseAMissingStoreAndCreateNothing) {
  const std::string dir = MakeTempDir("refuse-servers");
  const std::string typo = dir + "/var/lib/carestta/ingestion";
  CommandResult r = RunCommand({ServerBin("ingestion"), "--listen", "127.0.0.1:0", "--plaintext", "--data", typo});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the data directory " + typo + " does not exist"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--init"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/var")) << "a typo'd --data made a directory";

  // An empty directory (an unmounted disk's mount point) is refused too, and stays empty.
  fs::create_directories(dir + "/empty");
  ::chmod((dir + "/empty").c_str(), 0700);
  r = RunCommand({ServerBin("ingestion"), "--listen", "127.0.0.1:0", "--plaintext", "--data", dir + "/empty"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(dir + "/empty holds no store"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_empty(dir + "/empty")) << "no key or store may be made without --init";

  r = RunCommand({ServerBin("metrics"), "--listen", "127.0.0.1:0", "--plaintext", "--data", dir + "/met-typo"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the data directory " + dir + "/met-typo does not exist"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/met-typo"));

  r = RunCommand({ServerBin("reporting"), "--listen", "127.0.0.1:0", "--metrics", "127.0.0.1:1", "--data",
                  dir + "/rep-typo"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(dir + "/rep-typo does not exist"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/rep-typo"));

  // --init creates the store and the key, owner only.
  ServerProcess ing({ServerBin("ingestion"), "--listen", "127.0.0.1:0", "--plaintext", "--data", dir + "/ing", "--init"});
  ASSERT_TRUE(ing.Start());
  EXPECT_EQ(ing.Stop(), 0);
  EXPECT_TRUE(fs::exists(dir + "/ing/store/CURRENT"));
  EXPECT_EQ(Mode(dir + "/ing/hmac.key"), 0600);
  EXPECT_EQ(Mode(dir + "/ing"), 0700);
  // ... and from then on the store opens without it.
  ServerProcess again({ServerBin("ingestion"), "--listen", "127.0.0.1:0", "--plaintext", "--data", dir + "/ing"});
  ASSERT_TRUE(again.Start());
  EXPECT_EQ(again.Stop(), 0);
}

TEST(StoreOnPurposeTest, RunAndReadCommandsRefuseAndInitCreates) {
  const std::string dir = MakeTempDir("refuse-cli");
  fs::create_directories(dir + "/inbox");
  CommandResult r = RunCommand({CarestatBin(), "run", "--inbox", dir + "/inbox", "--out", dir + "/out", "--data",
                                dir + "/dta"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the data directory " + dir + "/dta does not exist"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("carestat init --data " + dir + "/dta"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/dta"));
  r = RunCommand({CarestatBin(), "indicators", "--list", "--data", dir + "/dta"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(dir + "/dta does not exist"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/dta"));

  r = RunCommand({CarestatBin(), "init", "--data", dir + "/data"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(dir + "/data/ingestion: created an ingestion store"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(dir + "/data/metrics: created a metrics store"), std::string::npos) << r.out;
  EXPECT_EQ(Mode(dir + "/data/ingestion/hmac.key"), 0600);
  const std::string key = ReadAll(dir + "/data/ingestion/hmac.key");
  ASSERT_EQ(key.size(), 32u);
  // Run again: nothing changes, the key least of all.
  r = RunCommand({CarestatBin(), "init", "--data", dir + "/data"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("already holds an ingestion store, left as it is"), std::string::npos) << r.out;
  EXPECT_EQ(ReadAll(dir + "/data/ingestion/hmac.key"), key);
  r = RunCommand({CarestatBin(), "run", "--inbox", dir + "/inbox", "--out", dir + "/out", "--data", dir + "/data"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  r = RunCommand({CarestatBin(), "indicators", "--list", "--data", dir + "/data"});
  EXPECT_EQ(r.exit_code, 0) << r.err;

  // The servers' own directories.
  r = RunCommand({CarestatBin(), "init", "--ingestion-data", dir + "/srv/ingestion", "--metrics-data",
                  dir + "/srv/metrics", "--reporting-data", dir + "/srv/reporting"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir + "/srv/ingestion/store/CURRENT"));
  EXPECT_TRUE(fs::exists(dir + "/srv/ingestion/hmac.key"));
  EXPECT_TRUE(fs::exists(dir + "/srv/metrics/CURRENT"));
  EXPECT_EQ(Mode(dir + "/srv/reporting"), 0700);
  r = RunCommand({CarestatBin(), "init"});
  EXPECT_EQ(r.exit_code, 2);
}

// Every LA folder of an inbox.
std::vector<std::string> LasOf(const std::string& inbox) {
  std::vector<std::string> las;
  for (const auto& e : fs::directory_iterator(inbox)) las.push_back(e.path().filename().string());
  std::sort(las.begin(), las.end());
  return las;
}

// What the figures of a data directory are, as an analyst reads them.
std::string Figures(const std::string& data, const std::vector<std::string>& las) {
  std::string all;
  for (const auto& la : las) {
    CommandResult ind = RunCommand({CarestatBin(), "indicators", "--data", data, "--la", la, "--period", "2015-16", "--json"});
    EXPECT_EQ(ind.exit_code, 0) << ind.err;
    CommandResult ser = RunCommand({CarestatBin(), "series", "--data", data, "--la", la, "--indicator", "referrals", "--json"});
    EXPECT_EQ(ser.exit_code, 0) << ser.err;
    all += ind.out + ser.out;
  }
  return all;
}

TEST(BackupTest, BackupOfARunningStoreRestoresToIdenticalFigures) {
  const std::string dir = MakeTempDir("backup");
  CommandResult r = RunCommand({CarestatBin(), "synth", "--las", "2", "--years", "2016", "--scale", "0.2", "--out",
                                dir + "/inbox"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCommand({CarestatBin(), "run", "--init", "--inbox", dir + "/inbox", "--out", dir + "/out", "--data",
                  dir + "/data"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<std::string> las = LasOf(dir + "/inbox");
  ASSERT_EQ(las.size(), 2u);
  const std::string before = Figures(dir + "/data", las);
  ASSERT_NE(before.find("\"referrals\""), std::string::npos) << before;

  // Ingestion serves (and holds the lock on) its store while the backup is taken.
  {
    ServerProcess ing({ServerBin("ingestion"), "--listen", "127.0.0.1:0", "--plaintext", "--data", dir + "/data/ingestion"});
    ASSERT_TRUE(ing.Start());
    r = RunCommand({CarestatBin(), "backup", "--data", dir + "/data", "--to", dir + "/backups/one"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("2 stores"), std::string::npos) << r.out;
    EXPECT_EQ(ing.Stop(), 0);
  }
  EXPECT_FALSE(fs::exists(dir + "/backups/one.partial"));
  EXPECT_TRUE(fs::exists(dir + "/backups/one/SHA256SUMS"));
  EXPECT_FALSE(fs::exists(dir + "/backups/one/ingestion/store/LOCK")) << "the running server's lock is not data";
  EXPECT_EQ(Mode(dir + "/backups/one/ingestion/hmac.key"), 0600);
  EXPECT_EQ(Mode(dir + "/backups/one/ingestion"), 0700);
  // A backup is never written over.
  r = RunCommand({CarestatBin(), "backup", "--data", dir + "/data", "--to", dir + "/backups/one"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("exists"), std::string::npos) << r.err;

  r = RunCommand({CarestatBin(), "restore", "--from", dir + "/backups/one", "--data", dir + "/restored"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("every store reads whole"), std::string::npos) << r.out;
  EXPECT_EQ(Mode(dir + "/restored"), 0700);
  EXPECT_EQ(Mode(dir + "/restored/ingestion/hmac.key"), 0600);
  EXPECT_EQ(ReadAll(dir + "/restored/ingestion/hmac.key"), ReadAll(dir + "/data/ingestion/hmac.key"));
  EXPECT_EQ(Figures(dir + "/restored", las), before);
  r = RunCommand({CarestatBin(), "verify", "--data", dir + "/restored"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

  // Never over a store; never from a damaged backup (and nothing is left behind).
  r = RunCommand({CarestatBin(), "restore", "--from", dir + "/backups/one", "--data", dir + "/data"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is not empty"), std::string::npos) << r.err;
  {
    std::fstream key(dir + "/backups/one/ingestion/hmac.key", std::ios::in | std::ios::out | std::ios::binary);
    key.seekp(0);
    key.put('\x55');
  }
  r = RunCommand({CarestatBin(), "restore", "--from", dir + "/backups/one", "--data", dir + "/restored2"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("ingestion/hmac.key does not match its checksum"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/restored2"));
  EXPECT_FALSE(fs::exists(dir + "/restored2.restoring"));
}

// The summary line without its time ("...; 1.2 s").
std::string Untimed(const std::string& summary) { return summary.substr(0, summary.rfind(';')); }

TEST(ProgressTest, RunPrintsOneSummaryAndTheLinesOnlyWithVerbose) {
  const std::string dir = MakeTempDir("progress");
  CommandResult r = RunCommand({CarestatBin(), "synth", "--las", "3", "--years", "2016", "--scale", "0.1", "--out",
                                dir + "/inbox"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir + "/inbox")) files += e.is_regular_file();
  ASSERT_GT(files, 3);

  CommandResult quiet = RunCommand({CarestatBin(), "run", "--init", "--inbox", dir + "/inbox", "--out", dir + "/out",
                                    "--data", dir + "/data"});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.out << quiet.err;
  // One line: the summary (no terminal here, so no progress bar either).
  ASSERT_EQ(std::count(quiet.out.begin(), quiet.out.end(), '\n'), 1) << quiet.out;
  EXPECT_EQ(quiet.out.rfind("summary: " + std::to_string(files) + " files (" + std::to_string(files) + " stored, ", 0),
            0u)
      << quiet.out;
  EXPECT_NE(quiet.out.find("3 LAs recomputed, reports for 3 LAs (0 failed)"), std::string::npos) << quiet.out;
  EXPECT_EQ(quiet.err.find('\r'), std::string::npos) << "a progress bar without a terminal";

  // --verbose: a line per file, per LA and per report, then the same summary, whose
  // totals are the sums of the files' lines.
  CommandResult verbose = RunCommand({CarestatBin(), "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out",
                                      dir + "/out2", "--data", dir + "/data2"});
  ASSERT_EQ(verbose.exit_code, 0) << verbose.out << verbose.err;
  std::istringstream lines(verbose.out);
  std::string line, summary;
  int stored = 0, reports = 0;
  long long records = 0, errors = 0, queries = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("stored ", 0) == 0) {
      ++stored;
      long long n = 0, e = 0, q = 0;
      const size_t colon = line.rfind(": ");
      ASSERT_EQ(std::sscanf(line.c_str() + colon + 2, "%lld records, %lld errors, %lld queries", &n, &e, &q), 3) << line;
      records += n, errors += e, queries += q;
    }
    if (line.rfind("report    ", 0) == 0) ++reports;
    if (line.rfind("summary: ", 0) == 0) summary = line;
  }
  EXPECT_EQ(stored, files) << verbose.out;
  EXPECT_EQ(reports, 6) << verbose.out;  // both reports of 3 LAs
  EXPECT_NE(summary.find(std::to_string(records) + " records, " + std::to_string(errors) + " errors, " +
                         std::to_string(queries) + " queries"),
            std::string::npos)
      << summary;
  EXPECT_GT(records, 0);
  EXPECT_EQ(Untimed(summary), Untimed(quiet.out));

  // On a terminal: one line rewritten in place for the files, one for the LAs, and the
  // summary (script(1) gives the run a pseudo-terminal).
  if (!fs::exists("/usr/bin/script")) GTEST_SKIP() << "script(1) (util-linux) is not installed: no terminal to test";
  CommandResult tty = RunCommand({"/usr/bin/script", "-qfec",
                                  CarestatBin() + " run --init --inbox " + dir + "/inbox --out " + dir + "/out3 --data " +
                                      dir + "/data3",
                                  "/dev/null"});
  ASSERT_EQ(tty.exit_code, 0) << tty.out << tty.err;
  EXPECT_NE(tty.out.find("\r[#"), std::string::npos) << tty.out;
  EXPECT_NE(tty.out.find(std::to_string(files) + "/" + std::to_string(files) + " files"), std::string::npos) << tty.out;
  EXPECT_NE(tty.out.find("\rrecompute and reports: 3/3 LAs"), std::string::npos) << tty.out;
  EXPECT_NE(tty.out.find("summary: " + std::to_string(files) + " files"), std::string::npos) << tty.out;
  EXPECT_EQ(tty.out.find("stored    "), std::string::npos) << "per-file lines without --verbose: " << tty.out;
}

}  // namespace
}  // namespace carestat
