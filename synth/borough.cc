// The profile's synthetic borough (WriteSynthBorough), and writing a file.
#include "synth/synth.h"

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "synth/model.h"

namespace carestat {
namespace synth {

absl::Status IoError(int error, const std::string& what, const std::string& path) {
  return absl::Status(absl::ErrnoToStatusCode(error),
                      absl::StrCat("synth: cannot ", what, " ", path, ": ", std::strerror(error)));
}

absl::Status WriteFile(const std::string& path, const std::string& content) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return IoError(errno, "open", path);
  const size_t written = std::fwrite(content.data(), 1, content.size(), f);
  const int write_error = written == content.size() ? 0 : errno;
  // fclose flushes; a full disk may only show here.
  const int close_result = std::fclose(f);
  if (write_error != 0) return IoError(write_error, "write", path);
  if (close_result != 0) return IoError(errno, "write", path);
  return absl::OkStatus();
}


}  // namespace synth

absl::StatusOr<SynthSummary> WriteSynthBorough(const SynthOptions& options) {
  using namespace synth;  // the model and the profile
  if (options.profile != kProfile) {
    return absl::InvalidArgumentError(absl::StrCat("synth: unknown profile '", options.profile,
                                                   "'; the known profile is '", kProfile, "'"));
  }
  if (options.out_dir.empty()) {
    return absl::InvalidArgumentError("synth: out_dir is empty; name the inbox to write into");
  }

  Borough b(options.seed);
  if (absl::Status s = b.Build(); !s.ok()) return s;

  SynthSummary summary;
  for (int fy = kFirstFy; fy <= kLastFy; ++fy) {
    const std::filesystem::path dir = std::filesystem::path(options.out_dir) / kLaCode / std::to_string(fy + 1);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return absl::Status(absl::ErrnoToStatusCode(ec.value()),
                          absl::StrCat("synth: cannot create directory ", dir.string(), ": ", ec.message()));
    }
    const std::pair<const char*, std::string> files[] = {
        {kContactsFile, b.ContactsCsv(fy)},        {kCensusFile, b.CensusXml(fy)},
        {"header.csv", b.HeaderCsv(fy)},           {"episodes.csv", b.EpisodesCsv(fy)},
        {"oc3.csv", b.Oc3Csv(fy)},                 {"ad1.csv", b.Ad1Csv(fy)},
        {"placed_adoption.csv", b.PlacedAdoptionCsv(fy)}, {"local-measures.csv", b.LocalMeasuresCsv(fy)},
    };
    for (const auto& [name, content] : files) {
      if (content.empty()) continue;
      if (absl::Status s = WriteFile((dir / name).string(), content); !s.ok()) return s;
      ++summary.files;
    }
    for (const auto& [list, name] : kAnnexAFiles) {
      if (absl::Status s = WriteFile((dir / name).string(), b.AnnexAList(list, fy)); !s.ok()) return s;
      ++summary.files;
    }
  }
  summary.contacts = b.contacts();
  summary.referrals = b.referrals();
  summary.children = b.children();
  summary.care_episodes = b.care_episodes();
  summary.cp_plans = b.cp_plans();
  return summary;
}

}  // namespace carestat
