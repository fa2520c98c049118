#include "services/common/args.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/log.h"
#include "services/common/security.h"

namespace carestat {

namespace {
constexpr int kMaxFlagfileDepth = 8;

void Expand(const std::string& path, const std::string& from, int depth, std::vector<FlagToken>* out,
            std::string* problem) {
  if (!problem->empty()) return;
  if (depth > kMaxFlagfileDepth) {
    *problem = absl::StrCat(from, "--flagfile ", EscapeForLog(path, 200), ": flagfiles nest more than ",
                            kMaxFlagfileDepth, " deep (does one name itself?)");
    return;
  }
  auto text = ReadSmallFile(path, "flagfile (--flagfile)");
  if (!text.ok()) {
    *problem = absl::StrCat(from, text.status().message());
    return;
  }
  int n = 0;
  for (absl::string_view raw : absl::StrSplit(*text, '\n')) {
    ++n;
    const std::string line(absl::StripAsciiWhitespace(raw));
    if (line.empty() || line[0] == '#') continue;
    const std::string where = absl::StrCat(path, " line ", n);
    if (line.size() < 3 || line.rfind("--", 0) != 0) {
      *problem = absl::StrCat(where, ": '", EscapeForLog(line, 200),
                              "' is not a flag: write one flag per line, as --name=value or --switch");
      return;
    }
    if (line.rfind("--flagfile=", 0) == 0) {
      Expand(line.substr(11), where + ": ", depth + 1, out, problem);
      if (!problem->empty()) return;
      continue;
    }
    out->push_back({line, where});
  }
}
}  // namespace

std::vector<FlagToken> ExpandFlagfiles(int argc, char** argv, int first, std::string* problem) {
  std::vector<FlagToken> tokens;
  for (int i = first; i < argc && problem->empty(); ++i) {
    const std::string a = argv[i];
    if (a == "--flagfile" || a.rfind("--flagfile=", 0) == 0) {
      if (a == "--flagfile" && i + 1 >= argc) {
        *problem = "--flagfile needs a value";
        break;
      }
      Expand(a == "--flagfile" ? argv[++i] : a.substr(11), "", 0, &tokens, problem);
      continue;
    }
    tokens.push_back({a, ""});
  }
  return tokens;
}

Args::Args(int argc, char** argv, const std::set<std::string>& switches, int first, bool flagfiles) {
  std::vector<FlagToken> tokens;
  if (flagfiles) {
    tokens = ExpandFlagfiles(argc, argv, first, &file_problem_);
  } else {
    for (int i = first; i < argc; ++i) tokens.push_back({argv[i], ""});
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& a = tokens[i].text;
    const bool from_file = !tokens[i].origin.empty();
    if (a.size() > 2 && a.rfind("--", 0) == 0) {
      std::string name = a.substr(2);
      auto eq = name.find('=');
      std::string key;
      if (eq != std::string::npos) {
        key = name.substr(0, eq);
        values_[key] = name.substr(eq + 1);
      } else if (switches.count(name)) {
        key = name;
        values_[name] = "true";
      } else if (!from_file && i + 1 < tokens.size() && tokens[i + 1].origin.empty()) {
        key = name;
        values_[name] = tokens[++i].text;
      } else {
        const size_t space = name.find_first_of(" \t");
        missing_value_ = !from_file ? name
                         : space != std::string::npos
                             ? absl::StrCat(name.substr(0, space), " (", tokens[i].origin, ": write --",
                                            name.substr(0, space), "=", absl::StripLeadingAsciiWhitespace(
                                                                            name.substr(space)), ")")
                             : absl::StrCat(name, " (", tokens[i].origin, ": write --", name, "=VALUE)");
        continue;
      }
      if (from_file) origins_[key] = tokens[i].origin;
      else origins_.erase(key);
    } else if (a == "-o" && i + 1 < tokens.size()) {
      values_["o"] = tokens[++i].text;
    } else if (a == "-h") {
      values_["help"] = "true";
    } else {
      positional_.push_back(a);
    }
  }
}

std::string Args::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::optional<std::string> Args::Problem(const std::set<std::string>& known) const {
  if (!file_problem_.empty()) return file_problem_;
  if (!missing_value_.empty()) return "--" + missing_value_ + " needs a value";
  for (const auto& [k, v] : values_) {
    if (!known.count(k)) {
      auto o = origins_.find(k);
      return "unknown flag --" + k + (o == origins_.end() ? "" : " (" + o->second + ")");
    }
  }
  return std::nullopt;
}

}  // namespace carestat
