// File: test_util.h
// Helpers for tests that run carestat's binaries: a server child process on port 0
// whose port is read from its first line, and a command runner that captures output.
//   ServerProcess ing({bin + "/services/ingestion/carestat-ingestion", "--listen", "127.0.0.1:0", "--data", dir});
//   ASSERT_TRUE(ing.Start());  ing.address() == "127.0.0.1:41234"
//   CommandResult r = RunCommand({bin + "/pipeline/carestat", "validate", path});
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace carestat {

class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> argv) : argv_(std::move(argv)) {}
  ~ServerProcess();
  // Starts the process and waits (up to 20 s) for "... listening on HOST:PORT".
  bool Start();
  // Starts the process and waits (up to `seconds`) for a line holding `marker` (lines
  // before it are skipped); address() is then the rest of that line after the marker.
  // For programs that print something else first (carestat run --serve).
  bool StartAndWaitFor(const std::string& marker, int seconds);
  // SIGTERM, then waits; returns the exit status (0 for a clean shutdown).
  int Stop();
  void Kill();  // SIGKILL
  const std::string& address() const { return address_; }
  // The next line the server prints after the first ("" after `seconds` or at its end).
  std::string ReadLine(int seconds = 20);
  pid_t pid() const { return pid_; }

 private:
  std::vector<std::string> argv_;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string address_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CommandResult RunCommand(const std::vector<std::string>& argv);

// A fresh directory under the test temp dir, unique to this process and test, deleted
// when the test process exits (set CARESTAT_KEEP_TEST_DIRS=1 to keep it).
std::string MakeTempDir(const std::string& name);

std::string BinDir();     // the build tree
std::string CarestatBin();                          // BinDir()/pipeline/carestat
std::string ServerBin(const std::string& service);  // "ingestion": .../carestat-ingestion

// A whole file's bytes ("" when it cannot be read), and a file written whole (its folder
// made first), for tests that prepare and inspect files.
std::string ReadAll(const std::string& path);
void WriteAll(const std::string& path, const std::string& content);
std::string SharedDir();  // ../shared beside the repository

}  // namespace carestat
