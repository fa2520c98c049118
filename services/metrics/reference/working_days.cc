#include "services/metrics/reference/working_days.h"

#include <sstream>

#include "absl/strings/str_cat.h"
#include "reference/embedded.h"
#include "services/common/dates.h"
#include "services/common/log.h"
#include "services/common/reference_csv.h"

namespace carestat {

absl::StatusOr<WorkingDays> WorkingDays::Parse(const std::string& csv) {
  WorkingDays out;
  std::istringstream in(csv);
  std::string line;
  int n = 0;
  bool header = true;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      if (line.rfind("date,", 0) != 0) return absl::InvalidArgumentError("bank holidays: expected header date,name,source");
      continue;
    }
    auto d = ParseIsoDate(line.substr(0, line.find(',')));
    if (!d) return absl::InvalidArgumentError(absl::StrCat("bank holidays line ", n, ": not a date"));
    out.holidays_.insert(*d);
  }
  if (out.holidays_.empty()) return absl::InvalidArgumentError("bank holidays: no dates");
  int y, m, dd;
  CivilFromDays(*out.holidays_.begin(), &y, &m, &dd);
  out.first_ = DayNumber(y, 1, 1);
  CivilFromDays(*out.holidays_.rbegin(), &y, &m, &dd);
  out.last_ = DayNumber(y, 12, 31);
  return out;
}

const WorkingDays& WorkingDays::Shipped() { return ShippedTable<WorkingDays>(kEmbedded_bank_holidays, "bank holiday"); }

bool WorkingDays::IsWorkingDay(int32_t day) const {
  // 1970-01-01 was a Thursday: day 0 -> weekday 3 (Monday 0).
  int weekday = ((day % 7) + 7 + 3) % 7;
  return weekday < 5 && !holidays_.count(day);
}

int WorkingDays::Between(int32_t from, int32_t to) const {
  if (to < from) return -Between(to, from);
  int n = 0;
  for (int32_t d = from + 1; d <= to; ++d) n += IsWorkingDay(d);
  return n;
}

}  // namespace carestat
