// File: flags.h
// The servers' flags, on Abseil's flags library: each is an ABSL_FLAG, typed (Abseil
// parses and checks a number, a bool), read with absl::GetFlag. The flags every server
// shares are defined in flags.cc; each server defines its own in its main.cc:
//   ABSL_FLAG(std::optional<std::string>, data, std::nullopt, "DIR: the store");
//   int main(int argc, char** argv) {
//     std::set<std::string> known = {"listen", "data"};       // its own, dashed
//     known.insert(ServerFlagNames().begin(), ServerFlagNames().end());
//     ServerCommandLine line = ParseServerFlags(argc, argv, known);
//     if (line.help) ...;                                   // --help wins over a bad flag
//     if (!line.problem.ok()) { print its message, "(see --help)"; return 2; }
//     auto sec = ServerSecurityFromFlags();
//
// Why not absl::ParseCommandLine: Abseil 20220623 (Debian 12) names a flag by its C
// identifier (--tls_cert), while every documented command line, unit, Compose and
// Kubernetes file says --tls-cert; it exits 1 on a bad flag where carestat exits 2; and
// its --flagfile errors name neither the file nor the line. So the command line is read
// here (flagfiles expanded by ExpandFlagfiles in args.h, each token keeping its file and
// line), each dashed name is looked up as its identifier (--tls-cert is FLAGS_tls_cert)
// and its value handed to Abseil's own parser (CommandLineFlag::ParseFrom). The usage
// stays each server's hand-written --help, which groups and explains the flags better
// than Abseil's list of identifiers would.
//
// The rules: --name=value, --name value (on the command line only), a bare --switch
// for a bool (--switch=false too); in a flagfile one --name=value or --switch per line.
// Later flags override earlier ones. A name not in the server's `known` set, a missing
// or ill-typed value, or a word that is not a flag is an error naming the flag and,
// from a flagfile, its file and line.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/security.h"
#include "services/common/server.h"

namespace carestat {

// The flags every server takes (flags.cc): ServerSecurityHelp's and ServeHelp's;
// ClientSecurityFlags() (security.h) too for a server that calls another.
const std::set<std::string>& ServerFlagNames();

struct ServerCommandLine {
  bool help = false;     // --help or -h
  bool version = false;  // --version
  absl::Status problem;  // the first bad flag, INVALID_ARGUMENT
};
// Sets the Abseil flags from argv as described above. Every name in `known` must be an
// ABSL_FLAG of this binary (its dashed form). Reads the whole command line even after a
// problem, so that --help and --version still count. Call once, before any flag is read.
ServerCommandLine ParseServerFlags(int argc, char** argv, const std::set<std::string>& known);

// The shared flags' values, checked (ranges, pairs) as ServerSecurity and ServeHooks want them.
absl::StatusOr<ServerSecurity> ServerSecurityFromFlags();
// Outbound (a server's calls to another): flags only, never the environment.
absl::StatusOr<ClientSecurity> ClientSecurityFromFlags();
ServeHooks ServeHooksFromFlags();
// --log-format text|json, applied at once; INVALID_ARGUMENT naming the flag otherwise.
absl::Status ApplyLogFormatFlag();

}  // namespace carestat
