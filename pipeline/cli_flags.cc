#include "pipeline/cli_flags.h"

#include "absl/flags/flag.h"

// The usage is each command's --help; these strings say what a flag is for whoever
// reads this file or Abseil's reflection.
ABSL_FLAG(std::optional<std::string>, inbox, std::nullopt, "INBOX: the returns to ingest (run, pipeline)");
ABSL_FLAG(std::optional<std::string>, out, std::nullopt,
          "OUT: where reports (run, pipeline), returns (synth) or certificates (certs) are written");
ABSL_FLAG(std::optional<std::string>, data, std::nullopt,
          "DIR: the data directory of an embedded run (default: the command's)");
ABSL_FLAG(std::optional<std::string>, http_listen, std::nullopt,
          "HOST:PORT: run --serve's dashboard (default 127.0.0.1:0)");
ABSL_FLAG(std::optional<std::string>, ingestion, std::nullopt, "HOST:PORT: the ingestion server (pipeline)");
ABSL_FLAG(std::optional<std::string>, metrics, std::nullopt, "HOST:PORT: the metrics server (pipeline)");
ABSL_FLAG(std::optional<std::string>, reporting, std::nullopt, "HOST:PORT: the reporting server (pipeline)");
ABSL_FLAG(std::optional<std::string>, state, std::nullopt, "DIR: the pipeline's manifest and lock (default OUT/state)");
ABSL_FLAG(std::optional<std::string>, archive, std::nullopt, "DIR: files ingested (default OUT/archive)");
ABSL_FLAG(std::optional<std::string>, quarantine, std::nullopt, "DIR: files refused (default OUT/quarantine)");
ABSL_FLAG(std::optional<std::string>, metrics_file, std::nullopt,
          "FILE: the pipeline's runs for node_exporter's textfile collector");
ABSL_FLAG(std::optional<std::string>, la, std::nullopt, "LA: a local authority code, like 301");
ABSL_FLAG(std::optional<std::string>, year, std::nullopt,
          "YEAR: a financial year like 2015-16 (or a collection year where the command says)");
ABSL_FLAG(std::optional<std::string>, rules, std::nullopt, "CODES: rule codes, comma-separated (validate)");
ABSL_FLAG(std::optional<std::string>, format, std::nullopt, "FORMAT: the output format (default: the command's)");
ABSL_FLAG(std::optional<std::string>, o, std::nullopt, "FILE: where to write (-o FILE)");
ABSL_FLAG(std::optional<std::string>, previous, std::nullopt, "FILES: last year's SSDA903 tables, or auto (validate)");
ABSL_FLAG(std::optional<std::string>, postcodes, std::nullopt, "FILE: the ONS postcode lookup (validate)");
ABSL_FLAG(std::optional<std::string>, providers, std::nullopt, "FILES: Ofsted's provider lists (validate)");
ABSL_FLAG(std::optional<std::string>, period, std::nullopt, "PERIOD: a financial year 2015-16 or a month 2015-06");
ABSL_FLAG(std::optional<std::string>, month, std::nullopt, "MONTH: a calendar month 2011-12 (children)");
ABSL_FLAG(std::optional<std::string>, target, std::nullopt, "HOST:PORT: a server to ask instead of --data");
ABSL_FLAG(std::optional<std::string>, indicator, std::nullopt, "ID: an indicator of the catalogue");
ABSL_FLAG(std::optional<std::string>, from, std::nullopt,
          "YEAR: the first year (series), or the backup to restore (restore)");
ABSL_FLAG(std::optional<std::string>, to, std::nullopt,
          "YEAR: the last year (series), or the backup's new directory (backup)");
ABSL_FLAG(std::optional<std::string>, breakdown, std::nullopt, "B: a breakdown of the indicator, like category=NEG");
ABSL_FLAG(std::optional<std::string>, ingestion_data, std::nullopt, "DIR: an ingestion server's data directory");
ABSL_FLAG(std::optional<std::string>, narrative, std::nullopt, "FILE: the council's narrative file (report)");
ABSL_FLAG(std::optional<std::string>, profile, std::nullopt,
          "NAME: the synthetic borough (synth; default barking-and-dagenham)");
ABSL_FLAG(std::optional<std::string>, years, std::nullopt, "YEARS: collection years (synth --las)");
ABSL_FLAG(std::optional<std::string>, annex_a, std::nullopt, "LISTS: 1 or all (synth --las; default 1)");
ABSL_FLAG(std::optional<std::string>, hosts, std::nullopt, "HOSTS: more names for the server certificate (certs)");
ABSL_FLAG(std::optional<std::string>, principal, std::nullopt, "NAME: a client certificate's or token's principal");
ABSL_FLAG(std::optional<std::string>, roles, std::nullopt, "ROLES: a token's roles, comma-separated (token)");
ABSL_FLAG(std::optional<std::string>, originals, std::nullopt, "DIRS: where the original files are (rekey)");
ABSL_FLAG(std::optional<std::string>, manifest, std::nullopt, "FILE: the pipeline's manifest (verify)");
ABSL_FLAG(std::optional<std::string>, metrics_data, std::nullopt, "DIR: a metrics server's data directory (init)");
ABSL_FLAG(std::optional<std::string>, reporting_data, std::nullopt, "DIR: a reporting server's data directory (init)");
ABSL_FLAG(std::optional<std::string>, dataset, std::nullopt, "NAME: a dataset's rules (rules)");
ABSL_FLAG(std::optional<std::string>, explain, std::nullopt, "CODE: one rule in full (rules)");
ABSL_FLAG(std::optional<std::string>, ssda903, std::nullopt, "DIR: SSDA903 CSV folders to forecast from (forecast)");
ABSL_FLAG(std::optional<std::string>, reference_start, std::nullopt, "DATE: the forecast's reference window");
ABSL_FLAG(std::optional<std::string>, reference_end, std::nullopt, "DATE: the forecast's reference window");
ABSL_FLAG(std::optional<std::string>, costs, std::nullopt, "FILE: placement costs (forecast)");
ABSL_FLAG(std::optional<std::string>, adjust, std::nullopt, "FILE: adjustments to the forecast");
ABSL_FLAG(std::optional<std::string>, service, std::nullopt, "NAME: one service to ask about (health)");
ABSL_FLAG(bool, json, false, "print JSON");
ABSL_FLAG(bool, list, false, "list the catalogue (indicators)");
ABSL_FLAG(bool, publish, false, "DfE disclosure control (report)");
ABSL_FLAG(bool, wait, false, "wait for another run's lock (pipeline)");
ABSL_FLAG(bool, dry_run, false, "only check (rekey)");
ABSL_FLAG(bool, delete_old, false, "delete the old directory once swapped (rekey)");
ABSL_FLAG(bool, accept_loss, false, "go on with the returns a damaged store still holds (run)");
ABSL_FLAG(bool, force, false, "replace an existing file (narrative)");
ABSL_FLAG(bool, csv, false, "print CSV (forecast)");
ABSL_FLAG(bool, backtest, false, "the forecast's backtest alone (forecast)");
ABSL_FLAG(bool, serve, false, "serve the dashboard afterwards (run)");
ABSL_FLAG(bool, monthly, false, "calendar months (series)");
ABSL_FLAG(bool, rolling, false, "rolling 12 months (series)");
ABSL_FLAG(bool, init, false, "create the stores on purpose (run)");
ABSL_FLAG(bool, verbose, false, "a line per file (run)");
ABSL_FLAG(int32_t, settle, 30, "SECONDS: how long a file must be unmodified (pipeline)");
ABSL_FLAG(int32_t, attempts, 6, "N: tries of a busy or unavailable service per file (pipeline)");
ABSL_FLAG(int32_t, loop, 0, "SECONDS: repeat the run this often, 0 once (pipeline)");
ABSL_FLAG(int32_t, collection_year, 0, "YEAR: the year the return ends, like 2016 (validate)");
ABSL_FLAG(int32_t, las, 0, "N: how many LAs, 1 to 152 (synth)");
ABSL_FLAG(int32_t, threads, 0, "N: threads writing (synth; default the command's)");
ABSL_FLAG(int32_t, days, 0, "N: how long leaf certificates are valid (certs; default the command's)");
ABSL_FLAG(int32_t, horizon_months, 12, "N: months to project (forecast)");
ABSL_FLAG(int32_t, step_days, 1, "N: days between projected points (forecast)");
ABSL_FLAG(int32_t, runs, 200, "N: simulations for the band (forecast)");
ABSL_FLAG(std::optional<uint64_t>, seed, std::nullopt, "N: the random seed (synth, forecast; default the command's)");
ABSL_FLAG(double, scale, 1, "F: the national synthetic year's size (synth; default the command's)");
ABSL_FLAG(double, timeout, 5, "SECONDS: how long to wait for an answer (health)");

namespace carestat {

CommandLine ParseCommandFlags(int argc, char** argv, const std::set<std::string>& known) {
  return ParseFlags(argc, argv, 2, known, CliSyntax());
}

}  // namespace carestat
