#include "services/reporting/render/pdf.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

extern char** environ;

namespace carestat {

namespace {

namespace fs = std::filesystem;

constexpr char kInstall[] = "PDF needs Chromium: apt-get install chromium; or use --format docx";

bool Executable(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// Removes its directory (the page, the browser profile, the PDF) however HtmlToPdf ends.
struct TempDir {
  fs::path path;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The last lines Chromium printed, for an error message. Its D-Bus complaints (no
// session bus in a container or a service) come with every run and are never the cause.
std::string TailOfLog(const fs::path& log) {
  std::vector<std::string> kept;
  for (absl::string_view line : absl::StrSplit(ReadFile(log), '\n', absl::SkipWhitespace())) {
    if (absl::StrContains(line, "dbus/") || absl::StrContains(line, "unexpected operator")) continue;
    kept.emplace_back(absl::StripAsciiWhitespace(line));
  }
  if (kept.size() > 6) kept.erase(kept.begin(), kept.end() - 6);
  return kept.empty() ? "it printed nothing" : absl::StrCat("it printed: ", absl::StrJoin(kept, " | "));
}

}  // namespace

absl::StatusOr<std::string> FindChromium(const std::string& configured) {
  std::string chosen = configured;
  if (chosen.empty()) {
    const char* env = std::getenv("CARESTAT_CHROMIUM");
    if (env != nullptr && *env) chosen = env;
  }
  if (!chosen.empty()) {
    if (chosen.find('/') == std::string::npos) {   // a bare name: look it up on PATH below
    } else if (Executable(chosen)) {
      return chosen;
    } else {
      return absl::FailedPreconditionError(absl::StrCat(kInstall, " (", chosen, " is not an executable file)"));
    }
  }
  const char* path = std::getenv("PATH");
  std::vector<std::string> names;
  if (!chosen.empty()) names = {chosen};
  else names = {"chromium", "chromium-browser", "google-chrome"};
  for (const std::string& name : names) {
    for (absl::string_view dir : absl::StrSplit(path ? path : "", ':', absl::SkipEmpty())) {
      const std::string candidate = absl::StrCat(dir, "/", name);
      if (Executable(candidate)) return candidate;
    }
  }
  return absl::FailedPreconditionError(
      absl::StrCat(kInstall, " (no ", absl::StrJoin(names, ", "), " on PATH)"));
}

absl::StatusOr<std::string> HtmlToPdf(const std::string& html, const PdfOptions& options) {
  absl::StatusOr<std::string> chromium = FindChromium(options.chromium);
  if (!chromium.ok()) return chromium.status();

  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = (fs::path(tmp && *tmp ? tmp : "/tmp") / "carestat-pdf-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    return absl::InternalError(absl::StrCat("cannot make a temporary directory for printing (", pattern, "): ",
                                            std::strerror(errno)));
  TempDir dir{pattern};
  const fs::path page = dir.path / "report.html", pdf = dir.path / "report.pdf", log = dir.path / "chromium.log";
  {
    std::ofstream out(page, std::ios::binary);
    out << html;
    out.close();
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", page.string(), " for printing"));
  }

  // Everything the child needs is made before fork: after it only exec-safe calls run.
  std::vector<std::string> args = {
      *chromium, "--headless", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
      "--no-default-browser-check", "--disable-extensions", "--disable-background-networking", "--disable-sync",
      absl::StrCat("--user-data-dir=", (dir.path / "profile").string()),
      // Page numbers come from the page's own @page rules; Chromium's header and footer
      // would print the temporary file's path and today's date.
      "--no-pdf-header-footer", absl::StrCat("--print-to-pdf=", pdf.string())};
  // Chromium refuses to start as root with its sandbox; as any other user it keeps it.
  if (::geteuid() == 0) args.push_back("--no-sandbox");
  args.push_back(absl::StrCat("file://", page.string()));
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Its caches and settings go in the temporary directory, not the user's home.
  std::vector<std::string> env_strings;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const absl::string_view v(*e);
    if (absl::StartsWith(v, "XDG_CONFIG_HOME=") || absl::StartsWith(v, "XDG_CACHE_HOME=")) continue;
    env_strings.emplace_back(v);
  }
  env_strings.push_back(absl::StrCat("XDG_CONFIG_HOME=", (dir.path / "config").string()));
  env_strings.push_back(absl::StrCat("XDG_CACHE_HOME=", (dir.path / "cache").string()));
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  const std::string log_path = log.string();

  const pid_t pid = ::fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("cannot start ", *chromium, ": ", std::strerror(errno)));
  if (pid == 0) {
    // Its own process group, so a timeout kills the browser and every helper it started.
    ::setpgid(0, 0);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    if (log_fd >= 0) {
      ::dup2(log_fd, 1);
      ::dup2(log_fd, 2);
    }
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);   // also here, so the group exists before any kill below

  // Waits without reaping (WNOWAIT): while Chromium is a zombie its process group id
  // cannot be reused, so killing what is left of the group afterwards is safe.
  const absl::Time deadline = absl::Now() + options.timeout;
  siginfo_t info;
  bool exited = false;
  while (true) {
    std::memset(&info, 0, sizeof info);
    if (::waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid) {
      exited = true;
      break;
    }
    if (absl::Now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ::kill(-pid, SIGKILL);   // helpers still running (or, on a timeout, everything)
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!exited) {
    return absl::DeadlineExceededError(absl::StrCat("Chromium (", *chromium, ") did not finish printing within ",
                                                    absl::FormatDuration(options.timeout), " and was killed; ",
                                                    TailOfLog(log)));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && ReadFile(log).empty())
    return absl::FailedPreconditionError(absl::StrCat(kInstall, " (", *chromium, " could not be run)"));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const std::string how = WIFEXITED(status) ? absl::StrCat("exited with status ", WEXITSTATUS(status))
                                              : absl::StrCat("was killed by signal ", WTERMSIG(status));
    return absl::InternalError(absl::StrCat("Chromium (", *chromium, ") ", how, " while printing the PDF; ",
                                            TailOfLog(log)));
  }
  std::string bytes = ReadFile(pdf);
  if (bytes.rfind("%PDF-", 0) != 0)
    return absl::InternalError(absl::StrCat("Chromium (", *chromium, ") exited without writing a PDF; ", TailOfLog(log)));
  return bytes;
}

}  // namespace carestat
