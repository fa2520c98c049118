// File: args.h
// Command-line flags of the form --name value, --name=value and bare --switch, with
// positional arguments kept in order.
//   Args a(argc, argv, /*switches=*/{"json", "help"});
//   std::string la = a.Get("la", "301");
//   if (auto bad = a.Unknown({"la", "json", "help"})) { ... *bad names the flag ... }
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace carestat {

class Args {
 public:
  // argv[0] (and anything before `first`) is skipped. Names in `switches` take no value.
  Args(int argc, char** argv, const std::set<std::string>& switches, int first = 1);
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  const std::vector<std::string>& positional() const { return positional_; }
  // A flag that is not in `known`, or a flag that wanted a value and had none.
  std::optional<std::string> Problem(const std::set<std::string>& known) const;

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
  std::string missing_value_;
};

}  // namespace carestat
