#include "tests/integration/test_util.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <vector>
#include <mutex>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace carestat {

std::string BinDir() { return CARESTAT_BIN_DIR; }
std::string SharedDir() { return CARESTAT_SHARED_DIR; }

namespace {
// Every directory MakeTempDir made, deleted when the test process exits (not in a forked
// child), unless CARESTAT_KEEP_TEST_DIRS is set to keep them for a look after a failure.
// Some tests write a gigabyte; left behind, a few runs fill the disk.
struct TempDirs {
  std::mutex mu;
  std::vector<std::string> dirs;
  pid_t owner = ::getpid();
  ~TempDirs() {
    if (::getpid() != owner) return;
    const char* keep = std::getenv("CARESTAT_KEEP_TEST_DIRS");
    if (keep != nullptr && *keep != '\0' && std::string(keep) != "0") return;
    std::error_code ec;
    for (const auto& d : dirs) std::filesystem::remove_all(d, ec);
  }
};
TempDirs& Made() {
  static TempDirs dirs;
  return dirs;
}
}  // namespace

std::string MakeTempDir(const std::string& name) {
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  std::string dir = testing::TempDir() + "/carestat_" + std::to_string(::getpid()) + "_" +
                    (info ? info->name() : "x") + "_" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::lock_guard<std::mutex> lock(Made().mu);
  Made().dirs.push_back(dir);
  return dir;
}

namespace {
std::vector<char*> CArgs(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}
}  // namespace

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Kill();
  if (out_fd_ >= 0) ::close(out_fd_);
}

bool ServerProcess::Start() { return StartAndWaitFor(" listening on ", 20); }

bool ServerProcess::StartAndWaitFor(const std::string& marker, int seconds) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return false;
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(pipe_fds[1], 1);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    auto args = CArgs(argv_);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  out_fd_ = pipe_fds[0];
  if (marker == " listening on ") {
    // A server's first line is its listening line: anything else means it did not start.
    const std::string line = ReadLine(seconds);
    auto at = line.find(marker);
    if (at == std::string::npos) return false;
    address_ = line.substr(at + marker.size());
    return true;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    const int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::seconds>(deadline - std::chrono::steady_clock::now()).count());
    const std::string line = ReadLine(std::max(left, 1));
    if (auto at = line.find(marker); at != std::string::npos) {
      address_ = line.substr(at + marker.size());
      return true;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // ended without printing it
      pid_ = -1;
      return false;
    }
  }
  return false;
}

std::string ServerProcess::ReadLine(int seconds) {
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (out_fd_ >= 0 && std::chrono::steady_clock::now() < deadline) {
    pollfd p{out_fd_, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    char c;
    if (::read(out_fd_, &c, 1) != 1) break;
    if (c == '\n') break;
    line.push_back(c);
  }
  return line;
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

CommandResult RunCommand(const std::vector<std::string>& argv) {
  std::string base = MakeTempDir("cmd");
  std::string out_path = base + "/stdout", err_path = base + "/stderr";
  CommandResult r;
  pid_t pid = ::fork();
  if (pid == 0) {
    int o = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(o, 1);
    ::dup2(e, 2);
    auto args = CArgs(argv);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::stringstream so, se;
  so << std::ifstream(out_path).rdbuf();
  se << std::ifstream(err_path).rdbuf();
  r.out = so.str();
  r.err = se.str();
  return r;
}

std::string CarestatBin() { return BinDir() + "/pipeline/carestat"; }

std::string ServerBin(const std::string& service) {
  return BinDir() + "/services/" + service + "/carestat-" + service;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteAll(const std::string& path, const std::string& content) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

}  // namespace carestat
