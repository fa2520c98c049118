#include "pipeline/inbox.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>


#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/log.h"  // Utf8SequenceAt
#include "services/common/status.h"
#include "services/ingestion/formats/format.h"

namespace carestat {
namespace fs = std::filesystem;

namespace {
bool IsLaCode(const std::string& s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool IsYear(const std::string& s, int* year) {
  return s.size() == 4 && absl::SimpleAtoi(s, year) && *year >= 2000 && *year <= 2100;
}
bool IsReturnFile(const fs::path& p) {
  const std::string name = p.filename().string();
  if (name.empty() || name[0] == '.' || name == kNarrativeFileName) return false;
  const std::string ext = p.extension().string();
  return ext != ".ready" && ext != ".partial" && ext != ".tmp";
}
std::string Errno(int e) { return std::strerror(e); }

// The type of an entry without following a link; false when it cannot be read.
bool LinkMode(const fs::path& p, mode_t* mode) {
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0) return false;
  *mode = st.st_mode;
  return true;
}

// `root` with any trailing separator dropped, lexically normal.
fs::path NormalRoot(const std::string& root) {
  fs::path r = fs::path(root).lexically_normal();
  if (!r.has_filename() && r.has_parent_path() && r != r.root_path()) r = r.parent_path();
  return r;
}

absl::Status WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(Errno(errno));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return absl::OkStatus();
}
}  // namespace

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

std::string FileTypeName(mode_t mode) {
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISREG(mode)) return "a regular file";
  return "not a regular file";
}

std::string SafeName(absl::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  const std::string_view text(s.data(), s.size());
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    const size_t n = Utf8SequenceAt(text, i, &cp);
    if (n == 0 || cp < 0x20 || cp == 0x7f) {  // not UTF-8, or a control character
      const unsigned char c = static_cast<unsigned char>(s[i]);
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
      ++i;
      continue;
    }
    out.append(s.data() + i, n);
    i += n;
  }
  return out;
}

bool LaAndYearFromPath(const std::string& path, std::string* la, int* year) {
  fs::path p = fs::absolute(path).lexically_normal();
  std::string y = p.parent_path().filename().string();
  std::string l = p.parent_path().parent_path().filename().string();
  if (!IsLaCode(l) || !IsYear(y, year)) return false;
  *la = l;
  return true;
}

std::vector<InboxFile> ScanInbox(const std::string& inbox, std::vector<std::string>* problems,
                                 std::vector<std::string>* skipped) {
  if (!skipped) skipped = problems;
  std::vector<InboxFile> out;
  std::error_code ec;
  if (!fs::is_directory(inbox, ec)) {
    problems->push_back(absl::StrCat(inbox, " is not a folder: expected INBOX/<LA code>/<collection year>/files"));
    return out;
  }
  // Names relative to the inbox, lexically: fs::relative would follow the links it reports.
  const fs::path base = NormalRoot(inbox);
  auto skip = [&](const fs::path& p, mode_t mode, const std::string& why) {
    skipped->push_back(absl::StrCat(SafeName(p.lexically_relative(base).string()), ": ", FileTypeName(mode),
                                    ", not read (", why, ")"));
  };
  // A folder that cannot be listed is said, not passed over as empty.
  auto list = [&](const fs::path& dir) {
    std::error_code lec;
    fs::directory_iterator it(dir, lec);
    if (lec) {
      skipped->push_back(absl::StrCat(SafeName(dir.lexically_relative(base).string()), ": cannot be read (",
                                      lec.message(), "); nothing in it was taken"));
      return fs::directory_iterator();
    }
    return it;
  };
  for (const auto& la_dir : list(base)) {
    const std::string la = la_dir.path().filename().string();
    mode_t mode = 0;
    if (la.empty() || la[0] == '.' || !LinkMode(la_dir.path(), &mode)) continue;
    if (S_ISLNK(mode)) {
      skip(la_dir.path(), mode, "the inbox takes real folders and regular files only");
      continue;
    }
    if (!S_ISDIR(mode)) {
      problems->push_back(absl::StrCat(SafeName(la_dir.path().string()),
                                       ": not in an LA and year folder (INBOX/<LA code>/<collection year>/); skipped"));
      continue;
    }
    if (!IsLaCode(la)) {
      problems->push_back(absl::StrCat(SafeName(la_dir.path().string()),
                                       ": not a three-digit LA code folder (e.g. 301); skipped"));
      continue;
    }
    for (const auto& year_dir : list(la_dir.path())) {
      int year = 0;
      const std::string y = year_dir.path().filename().string();
      if (y.empty() || y[0] == '.' || !LinkMode(year_dir.path(), &mode)) continue;
      if (S_ISLNK(mode)) {
        skip(year_dir.path(), mode, "the inbox takes real folders and regular files only");
        continue;
      }
      if (!S_ISDIR(mode)) {
        problems->push_back(absl::StrCat(SafeName(year_dir.path().string()),
                                         ": not in a collection year folder (INBOX/<LA code>/<year>/); skipped"));
        continue;
      }
      if (!IsYear(y, &year)) {
        problems->push_back(absl::StrCat(SafeName(year_dir.path().string()),
                                         ": not a collection year folder (e.g. 2016 for 2015-16); skipped"));
        continue;
      }
      for (const auto& f : list(year_dir.path())) {
        if (!IsReturnFile(f.path()) || !LinkMode(f.path(), &mode)) continue;
        if (!S_ISREG(mode)) {
          skip(f.path(), mode, S_ISLNK(mode) ? "links are never followed: put the file itself in the inbox"
                                             : "only regular files are returns");
          continue;
        }
        out.push_back(InboxFile{la, year, f.path().string(), f.path().lexically_relative(base).string()});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const InboxFile& a, const InboxFile& b) {
    return std::tie(a.la, a.collection_year, a.name) < std::tie(b.la, b.collection_year, b.name);
  });
  return out;
}

absl::StatusOr<Fd> OpenRegularFile(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int e = errno;
    mode_t mode = 0;
    if ((e == ELOOP || e == ENXIO) && LinkMode(path, &mode)) {
      return absl::FailedPreconditionError(
          absl::StrCat(SafeName(path), " is ", FileTypeName(mode), ": only regular files are read"));
    }
    return absl::NotFoundError(absl::StrCat("cannot open ", SafeName(path), ": ", Errno(e)));
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return absl::InternalError(absl::StrCat("cannot stat ", SafeName(path), ": ", Errno(errno)));
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(SafeName(path), " is ", FileTypeName(st.st_mode), ": only regular files are read"));
  }
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags >= 0) ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

std::string DatasetOfFd(int fd) {
  std::string head(64 << 10, '\0');
  size_t got = 0;
  while (got < head.size()) {
    ssize_t n = ::pread(fd, head.data() + got, head.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  head.resize(got);
  Detected d = DetectFormat(head);
  return d.format == Format::kUnknown ? std::string() : d.dataset;
}

absl::StatusOr<v1::UploadResponse> UploadFile(v1::Ingestion::Stub& stub, const InboxFile& file,
                                              int deadline_seconds, int fd) {
  Fd own;
  if (fd < 0) {
    auto opened = OpenRegularFile(file.path);
    if (!opened.ok()) return opened.status();
    own = std::move(*opened);
    fd = own.get();
  }
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(deadline_seconds));
  v1::UploadResponse resp;
  auto writer = stub.Upload(&ctx, &resp);
  v1::UploadRequest msg;
  auto* h = msg.mutable_header();
  h->set_la(file.la);
  h->set_collection_year(file.collection_year);
  // Protobuf strings must be UTF-8: a name that is not is sent escaped.
  h->set_file_name(SafeName(file.name));
  bool ok = writer->Write(msg);
  std::string buf(1 << 20, '\0');
  off_t offset = 0;
  while (ok) {
    ssize_t n = ::pread(fd, buf.data(), buf.size(), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ctx.TryCancel();
      writer->Finish().ok();
      return absl::DataLossError(absl::StrCat("read failed: ", SafeName(file.path), ": ", Errno(e)));
    }
    if (n == 0) break;
    offset += n;
    msg.Clear();
    msg.set_chunk(buf.data(), static_cast<size_t>(n));
    ok = writer->Write(msg);
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  if (!s.ok()) return FromGrpc(s);
  return resp;
}

absl::Status CheckUnderRoot(const std::string& root, const std::string& path) {
  const fs::path r = NormalRoot(root);
  const fs::path p = fs::path(path).lexically_normal();
  const fs::path rel = p.lexically_relative(r);
  bool ok = !rel.empty() && rel != "." && !rel.is_absolute();
  for (const auto& c : rel) {
    if (c == "..") ok = false;
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("refusing to write ", SafeName(path), ": it is not under ", SafeName(root)));
  }
  fs::path cur = r;
  for (const auto& c : rel) {
    if (c.empty() || c == ".") continue;
    cur /= c;
    struct stat st;
    if (::lstat(cur.c_str(), &st) != 0) break;  // what does not exist yet is created as a real folder or file
    if (S_ISLNK(st.st_mode)) {
      return absl::InvalidArgumentError(absl::StrCat("refusing to write ", SafeName(path), ": ", SafeName(cur.string()),
                                                     " is a symbolic link, and carestat writes only under ",
                                                     SafeName(root), " itself"));
    }
  }
  return absl::OkStatus();
}

absl::Status MakeDirsUnder(const std::string& root, const std::string& dir, bool private_mode) {
  const fs::path r = NormalRoot(root);
  std::error_code ec;
  fs::create_directories(r, ec);
  if (!fs::is_directory(r, ec)) {
    return absl::InternalError(absl::StrCat("cannot create the folder ", SafeName(r.string()),
                                            ec ? ": " + ec.message() : ""));
  }
  if (private_mode && ::chmod(r.c_str(), 0700) != 0) {
    return absl::InternalError(absl::StrCat("cannot make ", SafeName(r.string()), " private (0700): ", Errno(errno)));
  }
  const fs::path d = fs::path(dir).lexically_normal();
  if (NormalRoot(dir) == r) return absl::OkStatus();
  if (auto s = CheckUnderRoot(root, dir); !s.ok()) return s;
  fs::path cur = r;
  for (const auto& c : d.lexically_relative(r)) {
    if (c.empty() || c == ".") continue;
    cur /= c;
    if (::mkdir(cur.c_str(), private_mode ? 0700 : 0777) != 0 && errno != EEXIST) {
      return absl::InternalError(absl::StrCat("cannot create the folder ", SafeName(cur.string()), ": ", Errno(errno)));
    }
    struct stat st;
    if (::lstat(cur.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return absl::InvalidArgumentError(absl::StrCat("refusing to write under ", SafeName(cur.string()), ": it is ",
                                                     FileTypeName(st.st_mode), ", not a folder"));
    }
    if (private_mode && (st.st_mode & 07777) != 0700 && ::chmod(cur.c_str(), 0700) != 0) {
      return absl::InternalError(absl::StrCat("cannot make ", SafeName(cur.string()), " private (0700): ", Errno(errno)));
    }
  }
  return absl::OkStatus();
}

absl::Status WriteFileUnder(const std::string& root, const std::string& path, const std::string& content,
                            bool private_mode) {
  if (auto s = MakeDirsUnder(root, fs::path(path).parent_path().string(), private_mode); !s.ok()) return s;
  if (auto s = CheckUnderRoot(root, path); !s.ok()) return s;
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());  // a leftover of a run that stopped; never followed (unlink removes a link itself)
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, private_mode ? 0600 : 0666));
  if (fd.get() < 0) return absl::InternalError(absl::StrCat("cannot write ", SafeName(path), ": ", Errno(errno)));
  auto fail = [&](const std::string& why) {
    ::unlink(tmp.c_str());
    return absl::InternalError(absl::StrCat("cannot write ", SafeName(path), ": ", why, "; nothing of it was kept"));
  };
  if (private_mode && ::fchmod(fd.get(), 0600) != 0) return fail(Errno(errno));
  if (auto s = WriteAll(fd.get(), content.data(), content.size()); !s.ok()) return fail(std::string(s.message()));
  if (::fsync(fd.get()) != 0) return fail(Errno(errno));
  const int raw = fd.get();
  fd = Fd();
  (void)raw;
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail(Errno(errno));
  return absl::OkStatus();
}

absl::Status MoveFileUnder(const std::string& root, const std::string& from, const std::string& to, int fd) {
  if (auto s = MakeDirsUnder(root, fs::path(to).parent_path().string(), true); !s.ok()) return s;
  if (auto s = CheckUnderRoot(root, to); !s.ok()) return s;
  struct stat mine, there;
  if (::fstat(fd, &mine) != 0) return absl::InternalError(absl::StrCat("cannot stat ", SafeName(from), ": ", Errno(errno)));
  if (::lstat(to.c_str(), &there) == 0 && S_ISDIR(there.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat("cannot move ", SafeName(from), " to ", SafeName(to),
                                                   ": that is a folder; the file stays where it is"));
  }
  if (::rename(from.c_str(), to.c_str()) == 0) {
    // The entry moved must be the file that was read (not something put in its place).
    if (::lstat(to.c_str(), &there) != 0 || there.st_ino != mine.st_ino || there.st_dev != mine.st_dev) {
      ::rename(to.c_str(), from.c_str());
      return absl::FailedPreconditionError(absl::StrCat(SafeName(from), " was replaced while it was being read; "
                                                        "it stays in the inbox for the next run"));
    }
    if (::fchmod(fd, 0600) != 0) {
      return absl::InternalError(absl::StrCat("cannot make ", SafeName(to), " private (0600): ", Errno(errno)));
    }
    return absl::OkStatus();
  }
  if (errno != EXDEV) {
    return absl::InternalError(absl::StrCat("cannot move ", SafeName(from), " to ", SafeName(to), ": ", Errno(errno),
                                            "; the file stays where it is"));
  }
  // Another file system: copy from the open file, fsync, rename into place, then remove.
  const std::string tmp = to + ".tmp";
  ::unlink(tmp.c_str());
  Fd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  auto fail = [&](const std::string& why) {
    ::unlink(tmp.c_str());
    return absl::InternalError(absl::StrCat("cannot copy ", SafeName(from), " to ", SafeName(to), ": ", why,
                                            "; the file stays where it is"));
  };
  if (out.get() < 0) return fail(Errno(errno));
  if (::fchmod(out.get(), 0600) != 0) return fail(Errno(errno));
  std::string buf(1 << 20, '\0');
  off_t offset = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf.data(), buf.size(), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Errno(errno));
    if (n == 0) break;
    if (auto s = WriteAll(out.get(), buf.data(), static_cast<size_t>(n)); !s.ok()) return fail(std::string(s.message()));
    offset += n;
  }
  if (::fsync(out.get()) != 0) return fail(Errno(errno));
  out = Fd();
  if (::rename(tmp.c_str(), to.c_str()) != 0) return fail(Errno(errno));
  struct stat src;
  if (::lstat(from.c_str(), &src) == 0 && src.st_ino == mine.st_ino && src.st_dev == mine.st_dev) ::unlink(from.c_str());
  return absl::OkStatus();
}

}  // namespace carestat
