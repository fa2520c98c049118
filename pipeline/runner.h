// File: runner.h
// One pass of the pipeline: upload every inbox file, recompute the LAs whose returns
// changed, write each LA's reports. `carestat run` (embedded) and, later, the
// scheduled `carestat pipeline` (remote services) share it.
//   RunOptions o{.inbox = "inbox", .out_dir = "out"};
//   int code = RunPipeline(e->ingestion(), e->metrics(), e->reporting(), o);
#pragma once

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

namespace carestat {

struct RunOptions {
  std::string inbox;
  std::string out_dir;
};

// Exit code: 0 every file ingested, 1 some file rejected (its report is written to
// OUT/rejected/<LA>/<year>/<file>.report.txt), 2 the run could not be made.
int RunPipeline(std::shared_ptr<grpc::Channel> ingestion, std::shared_ptr<grpc::Channel> metrics,
                std::shared_ptr<grpc::Channel> reporting, const RunOptions& options);

}  // namespace carestat
