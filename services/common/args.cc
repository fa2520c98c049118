#include "services/common/args.h"

namespace carestat {

Args::Args(int argc, char** argv, const std::set<std::string>& switches, int first) {
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a.size() > 2 && a.rfind("--", 0) == 0) {
      std::string name = a.substr(2);
      auto eq = name.find('=');
      if (eq != std::string::npos) {
        values_[name.substr(0, eq)] = name.substr(eq + 1);
      } else if (switches.count(name)) {
        values_[name] = "true";
      } else if (i + 1 < argc) {
        values_[name] = argv[++i];
      } else {
        missing_value_ = name;
      }
    } else if (a == "-o" && i + 1 < argc) {
      values_["o"] = argv[++i];
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
  if (!missing_value_.empty()) return "--" + missing_value_ + " needs a value";
  for (const auto& [k, v] : values_) {
    if (!known.count(k)) return "unknown flag --" + k;
  }
  return std::nullopt;
}

}  // namespace carestat
