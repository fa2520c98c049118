// File: args.h
// Command-line flags of the form --name value, --name=value and bare --switch, with
// positional arguments kept in order.
//   Args a(argc, argv, /*switches=*/{"json", "help"});
//   std::string la = a.Get("la", "301");
//   if (auto bad = a.Unknown({"la", "json", "help"})) { ... *bad names the flag ... }
// With flagfiles (the servers), --flagfile FILE reads flags from FILE in Abseil's
// flagfile format, at its place on the command line (so flags after it override it):
//   # carestat-ingestion.flags
//   --listen=0.0.0.0:7401
//   --data=/var/lib/carestat/ingestion
//   --plaintext
// One flag per line, --name=value (the value is the rest of the line, spaces and all) or
// a bare --switch; blank lines and lines starting with # are skipped; a file may name
// another with --flagfile. A flag the program does not know, or a line that is not a
// flag, is reported with the file and line (Problem).
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
  Args(int argc, char** argv, const std::set<std::string>& switches, int first = 1, bool flagfiles = false);
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  const std::vector<std::string>& positional() const { return positional_; }
  // A flag that is not in `known`, a flag that wanted a value and had none, or a
  // flagfile that could not be read or holds a line that is not a flag.
  std::optional<std::string> Problem(const std::set<std::string>& known) const;

 private:
  struct Token {
    std::string text;
    std::string origin;   // "" on the command line, else "FILE line N"
  };
  void Expand(const std::string& path, const std::string& from, int depth, std::vector<Token>* out);
  std::map<std::string, std::string> values_;
  std::map<std::string, std::string> origins_;
  std::vector<std::string> positional_;
  std::string missing_value_;
  std::string file_problem_;
};

}  // namespace carestat
