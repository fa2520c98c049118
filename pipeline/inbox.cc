#include "pipeline/inbox.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/status.h"

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
  if (name.empty() || name[0] == '.') return false;
  const std::string ext = p.extension().string();
  return ext != ".ready" && ext != ".partial" && ext != ".tmp";
}
}  // namespace

bool LaAndYearFromPath(const std::string& path, std::string* la, int* year) {
  fs::path p = fs::absolute(path).lexically_normal();
  std::string y = p.parent_path().filename().string();
  std::string l = p.parent_path().parent_path().filename().string();
  if (!IsLaCode(l) || !IsYear(y, year)) return false;
  *la = l;
  return true;
}

std::vector<InboxFile> ScanInbox(const std::string& inbox, std::vector<std::string>* problems) {
  std::vector<InboxFile> out;
  std::error_code ec;
  if (!fs::is_directory(inbox, ec)) {
    problems->push_back(absl::StrCat(inbox, " is not a folder: expected INBOX/<LA code>/<collection year>/files"));
    return out;
  }
  for (const auto& la_dir : fs::directory_iterator(inbox, ec)) {
    const std::string la = la_dir.path().filename().string();
    if (!la_dir.is_directory() || la.empty() || la[0] == '.') continue;
    if (!IsLaCode(la)) {
      problems->push_back(absl::StrCat(la_dir.path().string(),
                                       ": not a three-digit LA code folder (e.g. 301); skipped"));
      continue;
    }
    for (const auto& year_dir : fs::directory_iterator(la_dir.path(), ec)) {
      int year = 0;
      const std::string y = year_dir.path().filename().string();
      if (!year_dir.is_directory() || y.empty() || y[0] == '.') continue;
      if (!IsYear(y, &year)) {
        problems->push_back(absl::StrCat(year_dir.path().string(),
                                         ": not a collection year folder (e.g. 2016 for 2015-16); skipped"));
        continue;
      }
      for (const auto& f : fs::directory_iterator(year_dir.path(), ec)) {
        if (!f.is_regular_file() || !IsReturnFile(f.path())) continue;
        out.push_back(InboxFile{la, year, f.path().string(),
                                fs::relative(f.path(), inbox, ec).string()});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const InboxFile& a, const InboxFile& b) {
    return std::tie(a.la, a.collection_year, a.name) < std::tie(b.la, b.collection_year, b.name);
  });
  return out;
}

absl::StatusOr<v1::UploadResponse> UploadFile(v1::Ingestion::Stub& stub, const InboxFile& file,
                                              int deadline_seconds) {
  std::ifstream in(file.path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", file.path));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(deadline_seconds));
  v1::UploadResponse resp;
  auto writer = stub.Upload(&ctx, &resp);
  v1::UploadRequest msg;
  auto* h = msg.mutable_header();
  h->set_la(file.la);
  h->set_collection_year(file.collection_year);
  h->set_file_name(file.name);
  bool ok = writer->Write(msg);
  std::string buf(1 << 20, '\0');
  while (ok && in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() <= 0) break;
    msg.Clear();
    msg.set_chunk(buf.data(), static_cast<size_t>(in.gcount()));
    ok = writer->Write(msg);
  }
  if (in.bad()) {
    ctx.TryCancel();
    writer->Finish().ok();
    return absl::DataLossError(absl::StrCat("read failed: ", file.path));
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  if (!s.ok()) return FromGrpc(s);
  return resp;
}

}  // namespace carestat
