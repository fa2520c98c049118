// The dashboard: server-rendered pages over the same answers as the JSON API.
#include "absl/strings/str_cat.h"
#include "services/reporting/render/chart.h"
#include "services/reporting/web/web_internal.h"

namespace carestat::web {

std::vector<Route> PageRoutes() { return {}; }

}  // namespace carestat::web
