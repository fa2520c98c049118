// File: status.h
// The one mapping between absl::Status (domain code) and grpc::Status (handlers).
//   grpc::Status Handler(...) { return ToGrpc(domain.DoIt()); }
//   absl::Status s = FromGrpc(stub->Call(&ctx, req, &resp));
#pragma once

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"

namespace carestat {

grpc::Status ToGrpc(const absl::Status& s);
absl::Status FromGrpc(const grpc::Status& s);

}  // namespace carestat
