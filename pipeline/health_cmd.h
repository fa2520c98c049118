// File: health_cmd.h
// `carestat health --target HOST:PORT`: whether a carestat server is serving, and why
// not, for scripts, cron jobs and Compose healthchecks (Kubernetes asks grpc.health.v1
// itself). Exit 0 SERVING, 1 NOT_SERVING or no answer, 2 unusable arguments.
#pragma once

#include "services/common/args.h"

namespace carestat {

int HealthCommand(const Args& a);

}  // namespace carestat
