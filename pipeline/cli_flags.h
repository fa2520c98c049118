// File: cli_flags.h
// The carestat CLI's flags: one ABSL_FLAG per name for all its commands (cli_flags.cc),
// read by the command that knows it (flags.h's ParseFlags refuses a flag of another
// command). A flag has a real type where one fits every command that takes it (switches
// are bools; counts and seconds numbers, whose ranges the command checks), and is an
// optional string where its default differs by command or comes from another flag
// (--data, --format, --state from --out): the command then reads a.Get(FLAGS_x, its
// default) or a.Has(FLAGS_x). flags.h declares the flags the CLI shares with the servers
// (--tls-ca, --tls-client-cert, --tls-client-key, --token-file, --audit-log,
// --metrics-listen, --tokens), defined once in services/common/flags.cc.
//   int Verify(int argc, char** argv) {
//     const CommandLine a = ParseCommandFlags(argc, argv, {"data", "manifest", "json"});
//     if (a.help) { print the command's usage; return 0; }
//     if (!a.problem.ok()) return Usage("verify", a.problem);    // names the flag; exit 2
//     if (!a.Has(FLAGS_data)) ...;  absl::GetFlag(FLAGS_json) ...
// --help (-h) is no flag of these: the parser answers it (flags.h says why).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "absl/flags/declare.h"
#include "services/common/flags.h"

ABSL_DECLARE_FLAG(std::optional<std::string>, inbox);
ABSL_DECLARE_FLAG(std::optional<std::string>, out);
ABSL_DECLARE_FLAG(std::optional<std::string>, data);
ABSL_DECLARE_FLAG(std::optional<std::string>, http_listen);
ABSL_DECLARE_FLAG(std::optional<std::string>, ingestion);
ABSL_DECLARE_FLAG(std::optional<std::string>, metrics);
ABSL_DECLARE_FLAG(std::optional<std::string>, reporting);
ABSL_DECLARE_FLAG(std::optional<std::string>, state);
ABSL_DECLARE_FLAG(std::optional<std::string>, archive);
ABSL_DECLARE_FLAG(std::optional<std::string>, quarantine);
ABSL_DECLARE_FLAG(std::optional<std::string>, metrics_file);
ABSL_DECLARE_FLAG(std::optional<std::string>, la);
ABSL_DECLARE_FLAG(std::optional<std::string>, year);
ABSL_DECLARE_FLAG(std::optional<std::string>, rules);
ABSL_DECLARE_FLAG(std::optional<std::string>, format);
ABSL_DECLARE_FLAG(std::optional<std::string>, o);
ABSL_DECLARE_FLAG(std::optional<std::string>, previous);
ABSL_DECLARE_FLAG(std::optional<std::string>, postcodes);
ABSL_DECLARE_FLAG(std::optional<std::string>, providers);
ABSL_DECLARE_FLAG(std::optional<std::string>, period);
ABSL_DECLARE_FLAG(std::optional<std::string>, month);
ABSL_DECLARE_FLAG(std::optional<std::string>, target);
ABSL_DECLARE_FLAG(std::optional<std::string>, indicator);
ABSL_DECLARE_FLAG(std::optional<std::string>, from);
ABSL_DECLARE_FLAG(std::optional<std::string>, to);
ABSL_DECLARE_FLAG(std::optional<std::string>, breakdown);
ABSL_DECLARE_FLAG(std::optional<std::string>, ingestion_data);
ABSL_DECLARE_FLAG(std::optional<std::string>, narrative);
ABSL_DECLARE_FLAG(std::optional<std::string>, profile);
ABSL_DECLARE_FLAG(std::optional<std::string>, years);
ABSL_DECLARE_FLAG(std::optional<std::string>, annex_a);
ABSL_DECLARE_FLAG(std::optional<std::string>, hosts);
ABSL_DECLARE_FLAG(std::optional<std::string>, principal);
ABSL_DECLARE_FLAG(std::optional<std::string>, roles);
ABSL_DECLARE_FLAG(std::optional<std::string>, originals);
ABSL_DECLARE_FLAG(std::optional<std::string>, manifest);
ABSL_DECLARE_FLAG(std::optional<std::string>, metrics_data);
ABSL_DECLARE_FLAG(std::optional<std::string>, reporting_data);
ABSL_DECLARE_FLAG(std::optional<std::string>, dataset);
ABSL_DECLARE_FLAG(std::optional<std::string>, explain);
ABSL_DECLARE_FLAG(std::optional<std::string>, ssda903);
ABSL_DECLARE_FLAG(std::optional<std::string>, reference_start);
ABSL_DECLARE_FLAG(std::optional<std::string>, reference_end);
ABSL_DECLARE_FLAG(std::optional<std::string>, costs);
ABSL_DECLARE_FLAG(std::optional<std::string>, adjust);
ABSL_DECLARE_FLAG(std::optional<std::string>, service);
ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(bool, list);
ABSL_DECLARE_FLAG(bool, publish);
ABSL_DECLARE_FLAG(bool, wait);
ABSL_DECLARE_FLAG(bool, dry_run);
ABSL_DECLARE_FLAG(bool, delete_old);
ABSL_DECLARE_FLAG(bool, accept_loss);
ABSL_DECLARE_FLAG(bool, force);
ABSL_DECLARE_FLAG(bool, csv);
ABSL_DECLARE_FLAG(bool, backtest);
ABSL_DECLARE_FLAG(bool, serve);
ABSL_DECLARE_FLAG(bool, monthly);
ABSL_DECLARE_FLAG(bool, rolling);
ABSL_DECLARE_FLAG(bool, init);
ABSL_DECLARE_FLAG(bool, verbose);
ABSL_DECLARE_FLAG(int32_t, settle);
ABSL_DECLARE_FLAG(int32_t, attempts);
ABSL_DECLARE_FLAG(int32_t, loop);
ABSL_DECLARE_FLAG(int32_t, collection_year);
ABSL_DECLARE_FLAG(int32_t, las);
ABSL_DECLARE_FLAG(int32_t, threads);
ABSL_DECLARE_FLAG(int32_t, days);
ABSL_DECLARE_FLAG(int32_t, horizon_months);
ABSL_DECLARE_FLAG(int32_t, step_days);
ABSL_DECLARE_FLAG(int32_t, runs);
ABSL_DECLARE_FLAG(std::optional<uint64_t>, seed);
ABSL_DECLARE_FLAG(double, scale);
ABSL_DECLARE_FLAG(double, timeout);

namespace carestat {

// `carestat COMMAND ...`: argv[2..] read with the CLI's syntax (positional arguments,
// -o FILE, --flagfile FILE) against the command's own flags.
CommandLine ParseCommandFlags(int argc, char** argv, const std::set<std::string>& known);

}  // namespace carestat
