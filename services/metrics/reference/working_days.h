// File: working_days.h
// England and Wales working days (Monday to Friday less bank holidays) from the shipped,
// dated table reference/bank_holidays.csv (2005 to 2030).
//   const WorkingDays& wd = WorkingDays::Shipped();
//   wd.Between(DayNumber(2016, 3, 24), DayNumber(2016, 3, 29)) == 1   // Easter in between
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "absl/status/statusor.h"

namespace carestat {

class WorkingDays {
 public:
  // Reads "date,name,source" CSV ('#' lines are comments).
  static absl::StatusOr<WorkingDays> Parse(const std::string& csv);
  static const WorkingDays& Shipped();

  bool IsWorkingDay(int32_t day) const;
  // The working days after `from` up to and including `to` (INDICATORS.md): the same
  // day is 0 and Friday to Monday is 1. Negative when `to` is before `from`.
  int Between(int32_t from, int32_t to) const;
  int32_t first_day() const { return first_; }
  int32_t last_day() const { return last_; }

 private:
  std::set<int32_t> holidays_;
  int32_t first_ = 0, last_ = 0;
};

}  // namespace carestat
