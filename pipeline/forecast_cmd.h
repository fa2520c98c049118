// File: forecast_cmd.h
// `carestat forecast`: the looked-after demand and cost model (docs/FORECAST.md), from
// SSDA903 folders (--ssda903 DIR) or an LA's stored returns through metrics' Forecast RPC
// (--la with --data or --target): the same request, the same printing, the same figures.
#pragma once

#include <functional>
#include <set>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "carestat/v1/metrics.grpc.pb.h"
#include "services/common/flags.h"

namespace carestat {

using ForecastRpc = std::function<grpc::Status(const v1::ForecastRequest&, v1::ForecastResponse*)>;
// Opens the store (--data) or dials the server (--target) of the command line and returns the call.
using ForecastConnect = std::function<absl::StatusOr<ForecastRpc>(const CommandLine&)>;

// Exit codes as every command: 0 printed, 1 ran but failed, 2 unusable input or arguments.
// `connect_flags` are the flags `connect` reads (--data, --target, TLS and token flags).
// argv is carestat's own: the command's flags start at argv[2].
int ForecastCommand(int argc, char** argv, const std::set<std::string>& connect_flags, const ForecastConnect& connect);

}  // namespace carestat
