// Indicator family: to be written; computes nothing yet, so its indicators have no points.
#include "services/metrics/indicators/context.h"

namespace carestat {

void ComputeAdoption(const FamilyInput&, PointWriter&) {}

}  // namespace carestat
