// File: health_cmd.h
// `carestat health --target HOST:PORT`: whether a carestat server is serving, and why
// not, for scripts, cron jobs and Compose healthchecks (Kubernetes asks grpc.health.v1
// itself). Exit 0 SERVING, 1 NOT_SERVING or no answer, 2 unusable arguments.
#pragma once

namespace carestat {

// argv is carestat's own: the command's flags start at argv[2].
int HealthCommand(int argc, char** argv);

}  // namespace carestat
