// File: inbox.h
// The inbox layout INBOX/<LA code>/<collection year>/<files>, the client side of an
// upload, and the file-system rules the pipeline keeps: only regular files are read (a
// symbolic link, FIFO, device or folder is skipped and reported), each read goes through
// one descriptor opened with O_NOFOLLOW, and every path the CLI writes is proven to be
// under its root before it is written.
//   std::vector<std::string> problems, skipped;
//   for (const InboxFile& f : ScanInbox("/srv/inbox", &problems, &skipped)) {
//     auto fd = OpenRegularFile(f.path);  UploadFile(stub, f, 600, fd->get());
//   }
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/sha256.h"  // Sha256Fd
#include "carestat/v1/ingestion.grpc.pb.h"

namespace carestat {

// The council's narrative for the year's reports (docs/NARRATIVE.md), kept beside the
// returns as INBOX/<LA>/<year>/narrative.md: not a return, so never uploaded; the run
// gives it to reporting instead.
inline constexpr char kNarrativeFileName[] = "narrative.md";

struct InboxFile {
  std::string la;
  int collection_year = 0;
  std::string path;
  std::string name;   // path relative to the inbox, for messages (raw bytes: render with SafeName)
};

// Files under INBOX/<LA>/<year>/ in a stable order (LA, year, name). Folders that do
// not fit the layout are described in `problems`; hidden files (".x"), and marker files
// ending in .ready, .partial or .tmp, are not returns. Every other entry that is not a
// regular file (a symbolic link, also to a folder; a folder inside a year folder; a
// FIFO, socket or device) is not read and is described with why in `skipped` (in
// `problems` when `skipped` is null).
std::vector<InboxFile> ScanInbox(const std::string& inbox, std::vector<std::string>* problems,
                                 std::vector<std::string>* skipped = nullptr);

// Infers LA and collection year from a path like .../301/2016/file.xml.
bool LaAndYearFromPath(const std::string& path, std::string* la, int* year);

// A file name as messages, logs and protobuf strings may carry it: valid UTF-8 is kept,
// each byte that is not (or is a control character) is written \xNN.
std::string SafeName(absl::string_view name);

// "a symbolic link", "a folder", "a FIFO", ... for a stat mode.
std::string FileTypeName(mode_t mode);

// An open file descriptor, closed with the object.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

// Opens `path` for reading only if it is a regular file and not a symbolic link
// (O_NOFOLLOW, O_NONBLOCK so a FIFO never blocks, then fstat of the opened file). The
// error names the path and what it is instead.
absl::StatusOr<Fd> OpenRegularFile(const std::string& path);


// The dataset ("cin-census", "annex-a-list-3", ...) the file's first 64 KiB show, or
// empty when the format is not recognised.
std::string DatasetOfFd(int fd);

// Streams a file to the ingestion service in 1 MiB chunks with a deadline, from `fd`
// when it is given (else the file is opened with OpenRegularFile). The header carries
// SafeName(file.name).
absl::StatusOr<v1::UploadResponse> UploadFile(v1::Ingestion::Stub& stub, const InboxFile& file,
                                              int deadline_seconds = 600, int fd = -1);

// OK when `path` is lexically under `root` (no "..", not the root itself) and no
// component below the root that exists is a symbolic link.
absl::Status CheckUnderRoot(const std::string& root, const std::string& path);

// Creates `dir` (under `root`, checked as CheckUnderRoot does) and the folders between.
// With private_mode each of them, and the root, is made 0700 whatever the umask.
absl::Status MakeDirsUnder(const std::string& root, const std::string& dir, bool private_mode);

// Writes `content` to `path` under `root`: beside it then renamed, fsynced, never
// through a symbolic link; 0600 with private_mode. The error names the path and why
// (e.g. "No space left on device"); a failed write leaves no partial file.
absl::Status WriteFileUnder(const std::string& root, const std::string& path, const std::string& content,
                            bool private_mode);

// Moves the inbox file open as `fd` from `from` to `to` under `root` (0600, folders
// 0700), across file systems if need be. On any failure the file stays at `from`.
absl::Status MoveFileUnder(const std::string& root, const std::string& from, const std::string& to, int fd);

}  // namespace carestat
