#include "services/reporting/reports/year_on_year.h"

#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "services/reporting/format.h"
#include "services/reporting/render/text.h"
#include "services/reporting/reports/rating.h"

namespace carestat {

namespace {

// A figure as a reader sees it: two values that print the same are the same figure.
std::string Printed(const v1::Cell& c, const std::string& unit) {
  return c.has_value() ? FormatValue(c, unit) : std::string();
}

}  // namespace

void AddYearOnYear(v1::AnnualReport* report) {
  v1::YearOnYear* y = report->mutable_year_on_year();
  y->Clear();
  for (const auto& f : report->facts()) {
    if (f.previous_period().empty()) continue;
    if (y->previous_year().empty() && f.period() == report->year()) y->set_previous_year(f.previous_period());
    // Figures neither year has say nothing of the year.
    if (!f.value().has_value() && !f.previous().has_value()) continue;
    v1::YearOnYearRow* row = y->add_rows();
    row->set_section(f.section());
    row->set_indicator(f.indicator());
    row->set_breakdown(f.breakdown());
    row->set_label(f.label());
    row->set_unit(f.unit());
    *row->mutable_previous() = f.previous();
    *row->mutable_value() = f.value();
    *row->mutable_change() = f.change();
    *row->mutable_change_pct() = f.change_pct();
    row->set_direction(DirectionOfTravel(f.previous(), f.value(), f.polarity()));
    switch (row->direction()) {
      case v1::IMPROVING: y->set_improving(y->improving() + 1); break;
      case v1::DETERIORATING: y->set_deteriorating(y->deteriorating() + 1); break;
      case v1::STABLE: y->set_stable(y->stable() + 1); break;
      default: y->set_not_judged(y->not_judged() + 1); break;
    }
  }
  y->set_note(absl::StrCat(
      report->year(), " against ", y->previous_year().empty() ? "the year before" : y->previous_year(), ": ",
      y->improving(), " figures improving, ", y->deteriorating(), " deteriorating, ", y->stable(), " stable, ",
      y->not_judged(), " not judged. ", kDirectionRule,
      " The previous year's report is not stored here, so revisions since it cannot be shown."));
}

v1::AnnualReport ReportSnapshot(const v1::AnnualReport& report) {
  v1::AnnualReport s;
  s.set_la(report.la());
  s.set_year(report.year());
  s.set_generated_unix_ms(report.generated_unix_ms());
  for (const auto& f : report.facts()) {
    v1::Fact* g = s.add_facts();
    g->set_indicator(f.indicator());
    g->set_breakdown(f.breakdown());
    g->set_label(f.label());
    g->set_unit(f.unit());
    g->set_period(f.period());
    v1::Cell* c = g->mutable_value();
    c->set_has_value(f.value().has_value());
    c->set_value(f.value().value());
    c->set_unit(f.value().unit());
  }
  return s;
}

bool SameFigures(const v1::AnnualReport& a, const v1::AnnualReport& b) {
  if (a.la() != b.la() || a.year() != b.year() || a.facts_size() != b.facts_size()) return false;
  for (int i = 0; i < a.facts_size(); ++i) {
    const v1::Fact& x = a.facts(i);
    const v1::Fact& y = b.facts(i);
    if (x.indicator() != y.indicator() || x.breakdown() != y.breakdown() || x.period() != y.period() ||
        Printed(x.value(), x.unit()) != Printed(y.value(), y.unit()))
      return false;
  }
  return true;
}

void CompareWithPreviousReport(const v1::AnnualReport& previous, v1::AnnualReport* report) {
  v1::YearOnYear* y = report->mutable_year_on_year();
  if (previous.la() != report->la()) return;
  std::map<std::tuple<std::string, std::string, std::string>, const v1::Fact*> printed;
  for (const auto& f : previous.facts()) printed[{f.indicator(), f.breakdown(), f.period()}] = &f;
  const std::string name = absl::StrCat("the ", previous.year(), " report");
  const std::string built = DateWords(previous.generated_unix_ms());
  y->set_previous_report(built.empty() ? name : absl::StrCat(name, " built on ", built));
  int revised = 0;
  for (auto& row : *y->mutable_rows()) {
    // The fact's year before is the previous report's year (or three years) for the figure.
    const v1::Fact* fact = nullptr;
    for (const auto& f : report->facts()) {
      if (f.indicator() == row.indicator() && f.breakdown() == row.breakdown()) fact = &f;
    }
    if (fact == nullptr) continue;
    auto it = printed.find({row.indicator(), row.breakdown(), fact->previous_period()});
    if (it == printed.end()) continue;
    const v1::Cell& then = it->second->value();
    *row.mutable_last_report() = then;
    // As printed then, and the same figure as the year before's: published, it is
    // suppressed with it.
    row.mutable_last_report()->clear_ref();
    if (!row.previous().ref().empty()) row.mutable_last_report()->add_derived_from(row.previous().ref());
    const std::string was = Printed(then, row.unit());
    const std::string now = Printed(row.previous(), row.unit());
    if (was == now) continue;
    ++revised;
    if (was.empty()) {
      row.set_revision(absl::StrCat("not in ", name, "; ", now, " now"));
    } else if (now.empty()) {
      row.set_revision(absl::StrCat(was, " in ", name, "; not available now"));
    } else {
      row.set_revision(absl::StrCat("revised from ", was, " in ", name, " to ", now));
    }
  }
  y->set_revised(revised);
  y->set_note(absl::StrCat(
      report->year(), " against ", y->previous_year().empty() ? "the year before" : y->previous_year(), ": ",
      y->improving(), " figures improving, ", y->deteriorating(), " deteriorating, ", y->stable(), " stable, ",
      y->not_judged(), " not judged. ", kDirectionRule, " Against ", y->previous_report(), ": ",
      revised == 0 ? "no figure of the year before has changed since."
                   : absl::StrCat(revised, revised == 1 ? " figure" : " figures",
                                  " of the year before changed since (a return replaced or added later, or revised "
                                  "populations), each marked.")));
}

}  // namespace carestat
