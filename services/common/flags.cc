#include "services/common/flags.h"

#include <cstdint>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "services/common/log.h"

// Every server's. The defaults of the limits are ServerSecurity's own, so that the
// struct stays the one place that says them.
ABSL_FLAG(std::string, tls_cert, "", "serve TLS with this certificate (PEM)");
ABSL_FLAG(std::string, tls_key, "", "the certificate's key (PEM)");
ABSL_FLAG(std::string, tls_client_ca, "", "require client certificates signed by this CA");
ABSL_FLAG(bool, plaintext, false, "serve without TLS, on a loopback address only");
ABSL_FLAG(std::string, tokens, "", "the tokens file: require a bearer token on every call");
ABSL_FLAG(std::string, audit_log, "", "append one JSON line per call to this file");
ABSL_FLAG(int64_t, audit_max_bytes, carestat::ServerSecurity().audit_max_bytes, "rotate the audit log past this size");
ABSL_FLAG(int64_t, audit_keep, carestat::ServerSecurity().audit_keep, "rotated audit files kept");
ABSL_FLAG(int64_t, max_upload_bytes, carestat::ServerSecurity().max_upload_bytes, "largest file accepted");
ABSL_FLAG(int64_t, max_concurrent_uploads, carestat::ServerSecurity().max_concurrent_uploads,
          "uploads at once per principal");
ABSL_FLAG(int64_t, max_message_bytes, carestat::ServerSecurity().max_message_bytes, "largest single gRPC message");
ABSL_FLAG(double, stream_idle_seconds, carestat::ServerSecurity().stream_idle_ms / 1000.0,
          "close a stream idle this long");
ABSL_FLAG(int64_t, max_streams_per_principal, carestat::ServerSecurity().max_streams_per_principal,
          "open streams per principal");
ABSL_FLAG(int64_t, max_streams, carestat::ServerSecurity().max_streams, "open streams in all");
ABSL_FLAG(int64_t, max_threads, carestat::ServerSecurity().max_threads, "threads serving calls");
ABSL_FLAG(std::optional<std::string>, health_listen, std::nullopt, "HOST:PORT: grpc.health.v1 alone, plaintext");
ABSL_FLAG(std::optional<std::string>, metrics_listen, std::nullopt, "HOST:PORT: Prometheus' text format");
ABSL_FLAG(std::string, log_format, "text", "text or json");
// A server's calls to another (metrics to ingestion, reporting to metrics).
ABSL_FLAG(std::optional<std::string>, tls_ca, std::nullopt, "verify the server's certificate against this CA");
ABSL_FLAG(std::optional<std::string>, tls_client_cert, std::nullopt, "present this client certificate");
ABSL_FLAG(std::optional<std::string>, tls_client_key, std::nullopt, "the client certificate's key");
ABSL_FLAG(std::optional<std::string>, token_file, std::nullopt, "the bearer token, from this file");

namespace carestat {

const std::set<std::string>& ServerFlagNames() {
  static const std::set<std::string> k = {
      "tls-cert", "tls-key", "tls-client-ca", "plaintext", "tokens", "audit-log", "audit-max-bytes",
      "audit-keep", "max-upload-bytes", "max-concurrent-uploads", "max-message-bytes", "stream-idle-seconds",
      "max-streams-per-principal", "max-streams", "max-threads", "health-listen", "metrics-listen", "log-format"};
  return k;
}

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

// What a value of the flag's type looks like, for the message of one that does not parse.
std::string Expected(const absl::CommandLineFlag& flag) {
  if (flag.IsOfType<bool>()) return "true or false";
  if (flag.IsOfType<int32_t>() || flag.IsOfType<int64_t>() || flag.IsOfType<std::optional<int32_t>>() ||
      flag.IsOfType<std::optional<int64_t>>()) {
    return "a whole number";
  }
  if (flag.IsOfType<uint64_t>() || flag.IsOfType<std::optional<uint64_t>>()) return "a whole number, 0 or more";
  if (flag.IsOfType<double>() || flag.IsOfType<std::optional<double>>()) return "a number";
  return "a valid value";
}

std::string Dashed(absl::string_view identifier) { return absl::StrReplaceAll(identifier, {{"_", "-"}}); }

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

FlagSyntax CliSyntax() {
  FlagSyntax s;
  s.positional = true;
  s.short_names = {{"-o", "o"}};
  s.version = false;
  return s;
}

bool CommandLine::Has(const absl::CommandLineFlag& flag) const { return Has(Dashed(flag.Name())); }

std::string CommandLine::Get(const absl::Flag<std::optional<std::string>>& flag, const std::string& fallback) const {
  return Value(flag).value_or(fallback);
}

std::string CommandLine::Get(const absl::Flag<std::string>& flag, const std::string& fallback) const {
  return Has(flag) ? absl::GetFlag(flag) : fallback;
}

std::optional<std::string> CommandLine::Value(const absl::Flag<std::optional<std::string>>& flag) const {
  if (!Has(flag)) return std::nullopt;
  return absl::GetFlag(flag).value_or("");
}

CommandLine ParseFlags(int argc, char** argv, int first, const std::set<std::string>& known,
                       const FlagSyntax& syntax) {
  CommandLine line;
  std::string problem;
  auto note = [&problem](std::string why) {
    if (problem.empty()) problem = std::move(why);
  };
  for (const std::string& name : known) {
    if (absl::FindCommandLineFlag(absl::StrReplaceAll(name, {{"-", "_"}})) == nullptr) {
      note("carestat bug: --" + name + " is known but has no ABSL_FLAG");
    }
  }
  std::string file_problem;
  const std::vector<FlagToken> tokens = ExpandFlagfiles(argc, argv, first, &file_problem);
  note(file_problem);
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& a = tokens[i].text;
    const bool from_file = !tokens[i].origin.empty();
    const std::string where = from_file ? " (" + tokens[i].origin + ")" : "";
    // Not Abseil flags: absl's usage library (linked by whatever uses absl::flags_parse)
    // registers --help and --version itself, and a name registered twice aborts.
    if (a == "-h" || a == "--help") {
      line.help = true;
      continue;
    }
    if (a == "--version" && syntax.version) {
      line.version = true;
      continue;
    }
    std::string name, value;
    bool has_value = false;
    std::string written;  // the flag as the message names it: --name, or -o
    bool short_name = false;
    if (auto s = syntax.short_names.find(a); s != syntax.short_names.end() && !from_file) {
      name = s->second;
      written = a;
      short_name = true;
    } else if (a.size() > 2 && a.rfind("--", 0) == 0) {
      name = a.substr(2);
      const size_t eq = name.find('=');
      has_value = eq != std::string::npos;
      if (has_value) {
        value = name.substr(eq + 1);
        name.resize(eq);
      }
      written = "--" + name;
    } else if (syntax.positional && !from_file) {
      line.positional.push_back(a);
      continue;
    } else {
      note("unexpected argument '" + EscapeForLog(a, 200) + "': flags are --name=value or --name value");
      continue;
    }
    // Abseil knows a flag by its C identifier: --tls-cert is FLAGS_tls_cert. The dashed
    // name is the only one carestat documents; the identifier is not accepted.
    absl::CommandLineFlag* flag =
        known.count(name) ? absl::FindCommandLineFlag(absl::StrReplaceAll(name, {{"-", "_"}})) : nullptr;
    if (flag == nullptr) {
      // A space inside the name: a flagfile line written --name value.
      const size_t space = name.find_first_of(" \t");
      if (from_file && space != std::string::npos && known.count(name.substr(0, space))) {
        note(absl::StrCat("--", name.substr(0, space), where.substr(0, where.size() - 1), ": write --",
                          name.substr(0, space), "=", absl::StripLeadingAsciiWhitespace(name.substr(space)),
                          ") needs a value"));
      } else {
        note("unknown flag " + EscapeForLog(written, 200) + where);
      }
      continue;
    }
    if (!has_value) {
      if (flag->IsOfType<bool>() && !short_name) {  // a switch
        value = "true";
      } else if (!from_file && i + 1 < tokens.size() && tokens[i + 1].origin.empty()) {
        value = tokens[++i].text;
      } else {
        note(from_file ? absl::StrCat(written, where.substr(0, where.size() - 1), ": write ", written,
                                      "=VALUE) needs a value")
                       : written + " needs a value");
        continue;
      }
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      note(absl::StrCat(written, where, ": '", EscapeForLog(value, 200), "' is not ", Expected(*flag)));
      continue;
    }
    line.given.insert(name);
  }
  if (!problem.empty()) line.problem = absl::InvalidArgumentError(problem);
  return line;
}

ServerCommandLine ParseServerFlags(int argc, char** argv, const std::set<std::string>& known) {
  return ParseFlags(argc, argv, 1, known);
}

absl::StatusOr<ServerSecurity> ServerSecurityFromFlags() {
  ServerSecurity s;
  s.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  s.tls_key = absl::GetFlag(FLAGS_tls_key);
  s.tls_client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  s.plaintext = absl::GetFlag(FLAGS_plaintext);
  s.tokens_file = absl::GetFlag(FLAGS_tokens);
  s.audit_log = absl::GetFlag(FLAGS_audit_log);
  // Abseil has parsed each number; the ranges are carestat's.
  auto in = [](const char* flag, const absl::Flag<int64_t>& f, int64_t min, int64_t max, auto* out) -> absl::Status {
    const int64_t v = absl::GetFlag(f);
    if (v < min || v > max) {
      return absl::InvalidArgumentError(absl::StrCat("--", flag, " must be a whole number from ", min, " to ", max));
    }
    *out = static_cast<std::remove_pointer_t<decltype(out)>>(v);
    return absl::OkStatus();
  };
  const double idle = absl::GetFlag(FLAGS_stream_idle_seconds);
  if (!(idle >= 0.1 && idle <= 86400)) {
    return absl::InvalidArgumentError("--stream-idle-seconds must be a number of seconds from 0.1 to 86400");
  }
  s.stream_idle_ms = static_cast<int64_t>(idle * 1000);
  for (auto st : {in("audit-max-bytes", FLAGS_audit_max_bytes, 1024, int64_t{1} << 50, &s.audit_max_bytes),
                  in("audit-keep", FLAGS_audit_keep, 1, 1000, &s.audit_keep),
                  in("max-upload-bytes", FLAGS_max_upload_bytes, 1, int64_t{1} << 50, &s.max_upload_bytes),
                  in("max-concurrent-uploads", FLAGS_max_concurrent_uploads, 1, 10000, &s.max_concurrent_uploads),
                  in("max-message-bytes", FLAGS_max_message_bytes, 2 << 20, int64_t{1} << 30, &s.max_message_bytes),
                  in("max-streams-per-principal", FLAGS_max_streams_per_principal, 1, 100000,
                     &s.max_streams_per_principal),
                  in("max-streams", FLAGS_max_streams, 1, 100000, &s.max_streams),
                  in("max-threads", FLAGS_max_threads, 8, 100000, &s.max_threads)}) {
    if (!st.ok()) return st;
  }
  if (s.max_threads <= s.max_streams) {
    return absl::InvalidArgumentError(absl::StrCat("--max-threads (", s.max_threads, ") must be more than --max-streams (",
                                                   s.max_streams, "): each open stream holds a thread, and other "
                                                   "calls need some too"));
  }
  return s;
}

absl::StatusOr<ClientSecurity> ClientSecurityFromFlags() {
  return ClientSecurityFrom(absl::GetFlag(FLAGS_tls_ca), absl::GetFlag(FLAGS_tls_client_cert),
                            absl::GetFlag(FLAGS_tls_client_key), absl::GetFlag(FLAGS_token_file), /*use_env=*/false);
}

absl::StatusOr<ClientSecurity> ClientSecurityFromFlagsOrEnv(const CommandLine& line) {
  return ClientSecurityFrom(line.Value(FLAGS_tls_ca), line.Value(FLAGS_tls_client_cert),
                            line.Value(FLAGS_tls_client_key), line.Value(FLAGS_token_file), /*use_env=*/true);
}

ServeHooks ServeHooksFromFlags() {
  ServeHooks hooks;
  hooks.health_listen = absl::GetFlag(FLAGS_health_listen).value_or("");
  hooks.metrics_listen = absl::GetFlag(FLAGS_metrics_listen).value_or("");
  return hooks;
}

absl::Status ApplyLogFormatFlag() {
  const std::string format = absl::GetFlag(FLAGS_log_format);
  if (!SetLogFormatByName(format)) {
    return absl::InvalidArgumentError("--log-format must be text or json, not '" + EscapeForLog(format, 100) + "'");
  }
  return absl::OkStatus();
}

}  // namespace carestat
