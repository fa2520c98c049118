#include "services/common/args.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/log.h"
#include "services/common/security.h"

namespace carestat {

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
