// File: runner.h
// One pass of the pipeline: ingest the inbox (ingest_step.h), recompute the LAs whose
// returns changed (retrying while metrics is unavailable), write each LA's reports.
// `carestat run` (embedded) and the scheduled `carestat pipeline` (remote services)
// share it.
//   RunOptions o;  o.ingest.inbox = "inbox";  o.ingest.state_dir = "data/pipeline";  o.out_dir = "out";
//   int code = RunPipeline(e->ingestion(), e->metrics(), e->reporting(), o);
#pragma once

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "pipeline/ingest_step.h"

namespace carestat {

struct RunOptions {
  IngestOptions ingest;
  std::string out_dir;
  bool per_la = true;   // a line per LA recomputed and report written (carestat run: --verbose)
  // One line at the end: files, records, rule issues, LAs, reports, rejected, time
  // (carestat run: a 152-LA run otherwise prints thousands of lines and no total).
  bool summary = false;
};

// Exit code: 0 every file ingested; 1 some file quarantined (its report is written
// beside it in the quarantine folder), refused (two files for one return), skipped (not
// a regular file), kept in the inbox, or a lost return whose archived file is gone too,
// or an inbox narrative.md reporting refused (docs/NARRATIVE.md: the reports are written);
// 2 the run could not be made, stopped part way (ingestion away past the retries, a
// local write failed), or some LA's reports could not be written (each LA is built on
// its own: the others are written, and a failed LA is recomputed on the next run).
int RunPipeline(std::shared_ptr<grpc::Channel> ingestion, std::shared_ptr<grpc::Channel> metrics,
                std::shared_ptr<grpc::Channel> reporting, const RunOptions& options);

}  // namespace carestat
