// File: forecast_cmd.h
// `carestat forecast`: the looked-after demand and cost model (docs/FORECAST.md).
#pragma once

#include "services/common/args.h"

namespace carestat {

// Exit codes as every command: 0 printed, 1 ran but failed, 2 unusable input or arguments.
int ForecastCommand(const Args& a);

}  // namespace carestat
