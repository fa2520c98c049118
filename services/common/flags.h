// File: flags.h
// Every carestat command line, on Abseil's flags library: the servers' and the carestat
// CLI's. Each flag is an ABSL_FLAG, typed (Abseil parses and checks a number, a bool),
// read with absl::GetFlag. The flags every server shares are defined in flags.cc; each
// server defines its own in its main.cc, and the CLI its own in pipeline/cli_flags.cc:
//   ABSL_FLAG(std::optional<std::string>, data, std::nullopt, "DIR: the store");
//   int main(int argc, char** argv) {
//     std::set<std::string> known = {"listen", "data"};       // its own, dashed
//     known.insert(ServerFlagNames().begin(), ServerFlagNames().end());
//     ServerCommandLine line = ParseServerFlags(argc, argv, known);
//     if (line.help) ...;                                   // --help wins over a bad flag
//     if (!line.problem.ok()) { print its message, "(see --help)"; return 2; }
//     auto sec = ServerSecurityFromFlags();
// The CLI reads `carestat COMMAND ...` the same way, from argv[2], with each command's own
// `known` set (a flag of another command is an unknown flag here, though the binary
// defines it), positional arguments kept (validate FILE...) and -o FILE for --o FILE
// (CliSyntax()); its commands read presence and values through the CommandLine:
//   CommandLine a = ParseFlags(argc, argv, 2, {"la", "json", "o"}, CliSyntax());
//   if (a.Has(FLAGS_la)) ... a.Get(FLAGS_data, "data") ... absl::GetFlag(FLAGS_json)
//
// Why not absl::ParseCommandLine: Abseil 20220623 (Debian 12) names a flag by its C
// identifier (--tls_cert), while every documented command line, unit, Compose and
// Kubernetes file says --tls-cert; it exits 1 on a bad flag where carestat exits 2; its
// --flagfile errors name neither the file nor the line; it has one set of flags per
// binary where the CLI's commands each take their own; and it has no -o. So the command
// line is read here (flagfiles expanded by ExpandFlagfiles below, each token keeping its
// file and line), each dashed name is looked up as its identifier (--tls-cert is
// FLAGS_tls_cert) and its value handed to Abseil's own parser (CommandLineFlag::ParseFrom).
// The usage stays each program's and command's hand-written --help, which groups and
// explains the flags better than Abseil's list of identifiers would.
//
// The rules: --name=value, --name value (on the command line only), a bare --switch
// for a bool (--switch=false too); in a flagfile one --name=value or --switch per line.
// Later flags override earlier ones. A name not in the `known` set, a missing or
// ill-typed value, or (for the servers) a word that is not a flag is an error naming
// the flag and, from a flagfile, its file and line.
//
// Flagfiles: --flagfile FILE (or --flagfile=FILE) reads flags from FILE in Abseil's
// flagfile format, at its place on the command line (so flags after it override it):
//   # carestat-ingestion.flags
//   --listen=0.0.0.0:7401
//   --data=/var/lib/carestat/ingestion
//   --plaintext
// One flag per line, --name=value (the value is the rest of the line, spaces and all) or
// a bare --switch; blank lines and lines starting with # are skipped; a file may name
// another with --flagfile.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/security.h"
#include "services/common/server.h"

// flags.cc's flags that the CLI shares with the servers (pipeline/cli_flags.h has its own).
ABSL_DECLARE_FLAG(std::string, audit_log);
ABSL_DECLARE_FLAG(std::string, tokens);
ABSL_DECLARE_FLAG(std::optional<std::string>, metrics_listen);

namespace carestat {

// The flags every server takes (flags.cc): ServerSecurityHelp's and ServeHelp's;
// ClientSecurityFlags() (security.h) too for a server that calls another.
const std::set<std::string>& ServerFlagNames();

// One argument after --flagfile expansion: its text, and "" when it was on the command
// line or "FILE line N" when it came from a flagfile.
struct FlagToken {
  std::string text;
  std::string origin;
};
// argv[first..] with each --flagfile FILE (or --flagfile=FILE) replaced, where it stands,
// by FILE's flags in the format above. A file that cannot be read, nests too deep or
// holds a line that is not a flag sets *problem (naming the file and line) and stops
// the expansion.
std::vector<FlagToken> ExpandFlagfiles(int argc, char** argv, int first, std::string* problem);

// How a command line is written beyond --name=value: the servers' (the default: every
// word a flag, --version answered) or the CLI's (CliSyntax()).
struct FlagSyntax {
  // Words that are not flags are kept, in order, in CommandLine::positional
  // (carestat validate FILE...); without, each is an error.
  bool positional = false;
  // Single-dash names, each for the flag it stands for: {"-o", "o"} reads -o FILE as --o FILE.
  std::map<std::string, std::string> short_names;
  // --version sets CommandLine::version; without, it is a flag like any other.
  bool version = true;
};
// carestat COMMAND's: positional arguments, -o FILE, and no --version after a command.
FlagSyntax CliSyntax();

struct CommandLine {
  bool help = false;     // --help or -h
  bool version = false;  // --version (FlagSyntax::version)
  absl::Status problem;  // the first bad flag, INVALID_ARGUMENT
  std::vector<std::string> positional;
  std::set<std::string> given;  // the dashed names of the flags set, from the line or a flagfile

  // Whether the command line (or a flagfile) set this flag, whatever its value: --data=
  // counts, though an optional flag reads an empty value as no value.
  bool Has(const std::string& dashed_name) const { return given.count(dashed_name) > 0; }
  bool Has(const absl::CommandLineFlag& flag) const;
  template <typename T>
  bool Has(const absl::Flag<T>& flag) const {
    return Has(absl::GetFlagReflectionHandle(flag));
  }
  // A string flag's value as given, or `fallback` when the line did not set it: --data=
  // gives "" (Abseil's nullopt for an optional flag), so an explicitly empty value is
  // checked as the empty string it is rather than silently taking the default.
  std::string Get(const absl::Flag<std::optional<std::string>>& flag, const std::string& fallback = "") const;
  std::string Get(const absl::Flag<std::string>& flag, const std::string& fallback = "") const;
  // The same as an optional: nullopt when not set, "" for --name=.
  std::optional<std::string> Value(const absl::Flag<std::optional<std::string>>& flag) const;
};
// Sets the Abseil flags from argv[first..] as described above. Every name in `known` must
// be an ABSL_FLAG of this binary (its dashed form). Reads the whole command line even
// after a problem, so that --help and --version still count. Call once, before any flag
// is read.
CommandLine ParseFlags(int argc, char** argv, int first, const std::set<std::string>& known,
                       const FlagSyntax& syntax = {});
// A server's whole command line (argv[1..], the servers' syntax).
using ServerCommandLine = CommandLine;
ServerCommandLine ParseServerFlags(int argc, char** argv, const std::set<std::string>& known);

// The shared flags' values, checked (ranges, pairs) as ServerSecurity and ServeHooks want them.
absl::StatusOr<ServerSecurity> ServerSecurityFromFlags();
// Outbound (a server's calls to another): flags only, never the environment.
absl::StatusOr<ClientSecurity> ClientSecurityFromFlags();
// The CLI's --target: each of ClientSecurityFlags() as `line` set it (--tls-ca= too),
// else from the environment (security.h: CARESTAT_TLS_CA, CARESTAT_TOKEN, ...).
absl::StatusOr<ClientSecurity> ClientSecurityFromFlagsOrEnv(const CommandLine& line);
ServeHooks ServeHooksFromFlags();
// --log-format text|json, applied at once; INVALID_ARGUMENT naming the flag otherwise.
absl::Status ApplyLogFormatFlag();

}  // namespace carestat
