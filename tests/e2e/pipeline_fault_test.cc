// The scheduled pipeline against three server processes: it survives metrics going
// away mid-run, two runs do not overlap, and nothing is ingested twice.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <csignal>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/integration/test_util.h"

namespace carestat {
namespace fs = std::filesystem;
namespace {

class PipelineFaultTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("pipe");
    ingestion_ = Server("ingestion", {"--data", dir_ + "/ing"});
    ASSERT_TRUE(ingestion_->Start());
    metrics_ = Server("metrics", {"--data", dir_ + "/met", "--ingestion", ingestion_->address()});
    ASSERT_TRUE(metrics_->Start());
    reporting_ = Server("reporting", {"--metrics", metrics_->address()});
    ASSERT_TRUE(reporting_->Start());
    auto synth = RunCommand({BinDir() + "/pipeline/carestat", "synth", "--out", dir_ + "/inbox"});
    ASSERT_EQ(synth.exit_code, 0) << synth.err;
  }
  std::unique_ptr<ServerProcess> Server(const std::string& name, std::vector<std::string> extra,
                                        const std::string& listen = "127.0.0.1:0") {
    std::vector<std::string> argv = {BinDir() + "/services/" + name + "/carestat-" + name, "--listen", listen, "--init"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<ServerProcess>(argv);
  }
  std::vector<std::string> PipelineArgs() {
    return {BinDir() + "/pipeline/carestat", "pipeline", "--inbox", dir_ + "/inbox", "--out", dir_ + "/out",
            "--ingestion", ingestion_->address(), "--metrics", metrics_->address(), "--reporting",
            reporting_->address(), "--settle", "0", "--attempts", "12"};
  }
  std::string dir_;
  std::unique_ptr<ServerProcess> ingestion_, metrics_, reporting_;
};

TEST_F(PipelineFaultTest, MetricsDownMidRunIsWaitedForAndTheRunCompletes) {
  // Metrics goes away before the run reaches recompute, and comes back on its port.
  const std::string metrics_address = metrics_->address();
  metrics_->Stop();
  pid_t pid = ::fork();
  if (pid == 0) {
    auto args = PipelineArgs();
    std::vector<char*> c;
    for (auto& s : args) c.push_back(s.data());
    c.push_back(nullptr);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execv(c[0], c.data());
    ::_exit(127);
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  metrics_ = Server("metrics", {"--data", dir_ + "/met", "--ingestion", ingestion_->address()}, metrics_address);
  ASSERT_TRUE(metrics_->Start());
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(fs::exists(dir_ + "/out/301/2015-16/annual-report.html"));
  EXPECT_TRUE(fs::exists(dir_ + "/out/archive/301/2016/cin-census.xml"));
  auto ind = RunCommand({BinDir() + "/pipeline/carestat", "indicators", "--la", "301", "--period", "2015-16",
                         "--json", "--target", metrics_->address()});
  EXPECT_NE(ind.out.find("\"referrals\": 3255"), std::string::npos) << ind.out << ind.err;
  EXPECT_NE(ind.out.find("\"contacts\": 11393"), std::string::npos) << ind.out;
}

TEST_F(PipelineFaultTest, TwoRunsDoNotOverlapAndNothingIsIngestedTwice) {
  // Hold the lock as a running pipeline would, then start another: it refuses.
  fs::create_directories(dir_ + "/out/state");
  auto first = RunCommand({"/usr/bin/flock", "-n", dir_ + "/out/state/run.lock", "-c",
                           "true"});  // the lock is free before any run
  EXPECT_EQ(first.exit_code, 0);
  pid_t holder = ::fork();
  if (holder == 0) {
    std::string lock = dir_ + "/out/state/run.lock";
    ::execl("/usr/bin/flock", "flock", lock.c_str(), "-c", "sleep 3", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto refused = RunCommand(PipelineArgs());
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("another run holds"), std::string::npos) << refused.err;
  ::waitpid(holder, nullptr, 0);

  auto run = RunCommand(PipelineArgs());
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  // Put an archived file back: its content is known, so it is not sent again.
  fs::copy_file(dir_ + "/out/archive/301/2016/cin-census.xml", dir_ + "/inbox/301/2016/cin-census-again.xml");
  auto again = RunCommand(PipelineArgs());
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("known"), std::string::npos) << again.out;
  auto ind = RunCommand({BinDir() + "/pipeline/carestat", "indicators", "--la", "301", "--period", "2015-16",
                         "--json", "--target", metrics_->address()});
  EXPECT_NE(ind.out.find("\"referrals\": 3255"), std::string::npos) << ind.out << ind.err;
}


// Starts a pipeline process; its stdout and stderr go to files under dir_.
pid_t StartPipeline(const std::vector<std::string>& args, const std::string& out, const std::string& err) {
  pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<std::string> a = args;
    std::vector<char*> c;
    for (auto& s : a) c.push_back(s.data());
    c.push_back(nullptr);
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(o, 1);
    ::dup2(e, 2);
    ::execv(c[0], c.data());
    ::_exit(127);
  }
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Lines that record an upload stored ("stored" or "replaced" at the start).
int Uploads(const std::string& out) {
  int n = 0;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("stored", 0) == 0 || line.rfind("replaced", 0) == 0) ++n;
  }
  return n;
}

int InboxFiles(const std::string& inbox) {
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(inbox)) n += e.is_regular_file();
  return n;
}

TEST_F(PipelineFaultTest, TwoRunsStartedTogetherOneExitsAndEachFileIsIngestedOnce) {
  const int files = InboxFiles(dir_ + "/inbox");
  ASSERT_GT(files, 20);
  pid_t a = StartPipeline(PipelineArgs(), dir_ + "/a.out", dir_ + "/a.err");
  pid_t b = StartPipeline(PipelineArgs(), dir_ + "/b.out", dir_ + "/b.err");
  int ca = Wait(a), cb = Wait(b);
  const std::string oa = Slurp(dir_ + "/a.out"), ob = Slurp(dir_ + "/b.out");
  const std::string ea = Slurp(dir_ + "/a.err"), eb = Slurp(dir_ + "/b.err");
  // One ran (0); the other found the lock held and exited 2 without touching anything.
  EXPECT_EQ(std::min(ca, cb), 0) << ea << eb;
  EXPECT_EQ(std::max(ca, cb), 2) << ea << eb;
  EXPECT_NE((ca == 2 ? ea : eb).find("another run holds"), std::string::npos) << ea << eb;
  EXPECT_EQ(Uploads(oa) + Uploads(ob), files) << oa << ob;
  EXPECT_EQ(Uploads(ca == 2 ? oa : ob), 0);
}

TEST_F(PipelineFaultTest, TwoRunsStartedTogetherWithWaitRunOneAfterTheOther) {
  const int files = InboxFiles(dir_ + "/inbox");
  auto args = PipelineArgs();
  args.push_back("--wait");
  pid_t a = StartPipeline(args, dir_ + "/a.out", dir_ + "/a.err");
  pid_t b = StartPipeline(args, dir_ + "/b.out", dir_ + "/b.err");
  int ca = Wait(a), cb = Wait(b);
  const std::string oa = Slurp(dir_ + "/a.out"), ob = Slurp(dir_ + "/b.out");
  EXPECT_EQ(ca, 0) << Slurp(dir_ + "/a.err");
  EXPECT_EQ(cb, 0) << Slurp(dir_ + "/b.err");
  // The second waited for the first, then found the inbox empty (all archived).
  EXPECT_EQ(Uploads(oa) + Uploads(ob), files) << oa << ob;
  EXPECT_TRUE(Uploads(oa) == 0 || Uploads(ob) == 0) << oa << ob;
  EXPECT_EQ(InboxFiles(dir_ + "/inbox"), 0);
  auto ind = RunCommand({BinDir() + "/pipeline/carestat", "indicators", "--la", "301", "--period", "2015-16",
                         "--json", "--target", metrics_->address()});
  EXPECT_NE(ind.out.find("\"referrals\": 3255"), std::string::npos) << ind.out << ind.err;
  EXPECT_NE(ind.out.find("\"contacts\": 11393"), std::string::npos) << ind.out;
}


TEST_F(PipelineFaultTest, ALoopingPipelineIngestsAChangingInboxUnattendedAndStopsOnSigterm) {
  const std::string inbox = dir_ + "/live", out = dir_ + "/live-out";
  fs::create_directories(inbox);
  std::vector<std::string> args = {BinDir() + "/pipeline/carestat", "pipeline", "--inbox", inbox, "--out", out,
                                   "--ingestion", ingestion_->address(), "--metrics", metrics_->address(),
                                   "--reporting", reporting_->address(), "--settle", "1", "--loop", "1"};
  pid_t loop = StartPipeline(args, dir_ + "/loop.out", dir_ + "/loop.err");
  auto contacts = [&]() -> std::string {
    auto r = RunCommand({BinDir() + "/pipeline/carestat", "indicators", "--la", "999", "--period", "2015-16",
                         "--json", "--target", metrics_->address()});
    auto at = r.out.find("\"contacts\": ");
    if (at == std::string::npos) return "";
    at += 12;
    return r.out.substr(at, r.out.find_first_of(",}\n", at) - at);
  };
  auto wait_for = [&](const std::string& want) {
    for (int i = 0; i < 120; ++i) {
      if (contacts() == want) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return false;
  };
  auto put = [&](const std::string& name, int rows) {
    fs::create_directories(inbox + "/999/2016");
    std::ofstream f(inbox + "/999/2016/" + name);
    f << "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\n";
    for (int i = 0; i < rows; ++i) f << "L" << i << ",a) Male,a) WBRI,01/02/2010,5,0" << 1 + i % 9 << "/12/2015,q) 6: Police\n";
  };
  // A file arrives: the next runs take it once it has settled.
  put("contacts.csv", 3);
  EXPECT_TRUE(wait_for("3")) << Slurp(dir_ + "/loop.err");
  // A corrected export replaces the return; a broken one is quarantined and the loop goes on.
  put("contacts-corrected.csv", 5);
  fs::create_directories(inbox + "/999/2016");
  std::ofstream(inbox + "/999/2016/broken.xml") << "<Message><Header>";
  EXPECT_TRUE(wait_for("5")) << Slurp(dir_ + "/loop.err");
  for (int i = 0; i < 60 && !fs::exists(out + "/quarantine/999/2016/broken.xml"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  EXPECT_TRUE(fs::exists(out + "/quarantine/999/2016/broken.xml.report.txt"));
  EXPECT_TRUE(fs::exists(out + "/archive/999/2016/contacts.csv"));
  EXPECT_TRUE(fs::exists(out + "/archive/999/2016/contacts-corrected.csv"));
  EXPECT_TRUE(fs::exists(out + "/999/2015-16/annual-report.html"));
  // SIGTERM stops it between runs, promptly.
  const auto t0 = std::chrono::steady_clock::now();
  ::kill(loop, SIGTERM);
  int status = 0;
  ::waitpid(loop, &status, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(30));
  ASSERT_TRUE(WIFEXITED(status)) << "killed by a signal instead of stopping";
  EXPECT_NE(Slurp(dir_ + "/loop.err").find("stopped"), std::string::npos) << Slurp(dir_ + "/loop.err");
}


TEST_F(PipelineFaultTest, ARecomputeLeftUndoneByOneRunIsDoneByTheNext) {
  // Metrics is away for longer than the run retries: the files are ingested and archived,
  // the run exits 2, and the LA stays pending in the state directory.
  const std::string metrics_address = metrics_->address();
  metrics_->Stop();
  auto args = PipelineArgs();
  args.back() = "1";  // --attempts 1
  auto first = RunCommand(args);
  EXPECT_EQ(first.exit_code, 2) << first.out << first.err;
  EXPECT_TRUE(fs::exists(dir_ + "/out/archive/301/2016/cin-census.xml"));
  EXPECT_EQ(Slurp(dir_ + "/out/state/pending-recompute"), "301\n");
  // Metrics is back; the inbox is empty (every file known), yet the next run recomputes.
  metrics_ = Server("metrics", {"--data", dir_ + "/met", "--ingestion", ingestion_->address()}, metrics_address);
  ASSERT_TRUE(metrics_->Start());
  auto second = RunCommand(PipelineArgs());
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_NE(second.out.find("recomputed LA 301"), std::string::npos) << second.out;
  EXPECT_FALSE(fs::exists(dir_ + "/out/state/pending-recompute"));
  auto ind = RunCommand({BinDir() + "/pipeline/carestat", "indicators", "--la", "301", "--period", "2015-16",
                         "--json", "--target", metrics_->address()});
  EXPECT_NE(ind.out.find("\"referrals\": 3255"), std::string::npos) << ind.out << ind.err;
  EXPECT_TRUE(fs::exists(dir_ + "/out/301/2015-16/annual-report.html"));
}

}  // namespace
}  // namespace carestat
