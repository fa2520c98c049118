// File: run.h
// A whole forecast as the Forecast RPC and `carestat forecast` give it: the episode
// history read from stored records (or a folder), the projection, its band, the cost of
// the next financial year and the backtest, in the protobuf messages both print from, so
// `--la 301` and `--ssda903 DIR` on the same files give the same figures.
//   auto h = HistoryFromRecords(returns, scan);            // errors name return and line
//   v1::LaForecast f = ForecastLa("301", "stored returns", *h, request);
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "carestat/v1/ingestion.pb.h"
#include "carestat/v1/metrics.pb.h"
#include "services/metrics/forecast/demand.h"

namespace carestat::forecast {

// Streams the records of the given returns (as MetricsEngine::RecordScan does).
using RecordScan = std::function<absl::Status(const std::vector<std::string>& return_ids,
                                              const std::function<void(const v1::Record&)>& fn)>;

// The SSDA903 Header and Episodes of an LA's stored returns (CSV tables or the XML
// return), one YearTables per collection year, rows in the order of their files. A
// return whose episodes lost a row for want of a start date (rule 141) is refused: the
// model would silently count fewer children. NotFound when the LA has no SSDA903 return.
absl::StatusOr<EpisodeHistory> HistoryFromRecords(const std::vector<v1::ReturnInfo>& returns, const RecordScan& scan);

// The request's options (defaults filled in); errors name the field.
absl::StatusOr<ForecastOptions> OptionsOf(const v1::ForecastRequest& req);

// The forecast of one history. Refusals (a file the model cannot use, a window with no
// data) are the status; a backtest with too little history is `backtest_error` only.
absl::StatusOr<v1::LaForecast> ForecastLa(const std::string& la, const std::string& source, const EpisodeHistory& h,
                                          const v1::ForecastRequest& req);

}  // namespace carestat::forecast
