// The local measures file: the profile's figures that no DfE return carries.
#include "synth/model.h"

namespace carestat::synth {

std::string Borough::LocalMeasuresCsv(int fy) const {
  std::string rows;
  for (const LocalMeasure& m : kLocalMeasures) {
    if (m.fy != fy) continue;
    absl::StrAppend(&rows, m.id, ",", kLaCode, ",", FormatPeriod(FinancialYear(fy)), ",", m.value, ",",
                    "seed 001_093648989cbf36ab.txt section ", m.section, "\n");
  }
  return rows.empty() ? "" : "indicator,la,period,value,source\n" + rows;
}


}  // namespace carestat::synth
