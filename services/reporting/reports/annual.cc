#include "services/reporting/reports/annual.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "reference/embedded.h"
#include "services/common/dates.h"
#include "services/reporting/format.h"
#include "services/reporting/render/text.h"
#include "services/reporting/reports/coverage.h"
#include "services/reporting/reports/differences.h"
#include "services/reporting/reports/year_on_year.h"
#include "services/reporting/reports/projection.h"
#include "services/reporting/reports/rating.h"

namespace carestat {

std::string LaName(const std::string& la) {
  std::istringstream in(kEmbedded_local_authorities);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = absl::StrSplit(line, ',');
    if (f.size() >= 3 && f[0] == la) return f[2];
  }
  return "";
}

const std::vector<FactSpec>& AnnualFactSpecs() {
  static const std::vector<FactSpec> kFacts = {
      {"Front door and assessment", "referrals", "", "Referrals to children's social care"},
      {"Front door and assessment", "referral_rate", "", "Referral rate per 10,000 children aged 0-17"},
      {"Front door and assessment", "cin_open_year_end", "", "Open social care cases at year end"},
      {"Front door and assessment", "cin_rate", "", "Open social care cases per 10,000 children"},
      {"Front door and assessment", "s47_enquiries", "", "Section 47 enquiries"},
      {"Front door and assessment", "s47_rate", "", "Section 47 enquiries per 10,000 children"},
      {"Front door and assessment", "assessment_timeliness_pct", "",
       "Assessments completed within 45 working days"},
      {"Child protection", "cpp_year_end", "", "Children subject to a child protection plan at year end"},
      {"Child protection", "cpp_rate", "", "Children subject to a plan per 10,000 children"},
      {"Child protection", "cpp_started", "", "Child protection plans started"},
      {"Child protection", "cpp_ceased", "", "Child protection plans ceased"},
      {"Child protection", "cpp_category_pct", "category=EMO", "Plans for emotional abuse"},
      {"Child protection", "cpp_category_pct", "category=NEG", "Plans for neglect"},
      {"Child protection", "cpp_category_pct", "category=PHY", "Plans for physical abuse"},
      {"Child protection", "cpp_category_pct", "category=SAB", "Plans for sexual abuse"},
      {"Child protection", "cpp_category_pct", "category=MUL", "Plans for multiple categories"},
      {"Child protection", "cp_visits_timely_pct", "", "Child protection visits within timescale"},
      {"Child protection", "cp_core_groups_held_pct", "", "Child protection core groups held"},
      {"Looked-after children", "lac_year_end", "", "Looked-after children at year end"},
      {"Looked-after children", "lac_peak", "", "Highest month-end number of looked-after children"},
      {"Looked-after children", "lac_rate", "", "Looked-after children per 10,000 children"},
      {"Looked-after children", "lac_started", "", "Children who came into care"},
      {"Looked-after children", "lac_ceased", "", "Children who left care"},
      {"Looked-after children", "lac_police_protection_started", "", "Children coming into care on police protection"},
      {"Looked-after children", "lac_police_protection_pct", "", "Admissions to care on police protection"},
      {"Looked-after children", "lac_female_pct", "", "Looked-after children who are female"},
      {"Looked-after children", "lac_under10_pct", "", "Looked-after children aged under 10"},
      {"Looked-after children", "lac_ethnicity_pct", "ethnicity=WBRI", "Looked-after children who are White British"},
      {"Care leavers", "care_leavers_18plus", "", "Care leavers aged 18 and over"},
      {"Fostering and placements", "lac_placements", "", "Placements for looked-after children"},
      {"Fostering and placements", "lac_inhouse_foster_children", "", "Children placed with in-house foster carers"},
      {"Fostering and placements", "lac_placed_in_borough_pct", "", "Looked-after children placed in the borough"},
      {"Fostering and placements", "lac_placed_within_20_miles_pct", "",
       "Looked-after children placed within 20 miles"},
      {"Adoption", "adoptions", "", "Children adopted"},
      {"Adoption", "adoption_a1_days_3yr", "",
       "A1: average days from entering care to moving in with the adoptive family (three-year average)"},
      {"Adoption", "adoption_a2_days_3yr", "",
       "A2: average days from court authority to place to a match (three-year average)"},
      {"Workforce", "agency_sw_rate_pct", "", "Social worker posts covered by agency staff"},
  };
  return kFacts;
}

namespace {

struct RowSpec {
  const char* indicator;
  const char* label;
  const char* unit;   // as shown; "" takes the indicator's own unit
};

bool IsThreeYear(const std::string& indicator) {
  return indicator.size() > 4 && indicator.compare(indicator.size() - 4, 4, "_3yr") == 0;
}

// A table of the LA's figures by year, with changes and latest-year comparators.
absl::Status AddTable(SeriesBook& book, v1::AnnualReport* report, const char* id, const char* number,
                      const std::string& title, const std::string& source, int first, int last,
                      const std::vector<RowSpec>& rows, bool changes,
                      const std::vector<std::pair<std::string, std::string>>& comparators) {
  v1::Table* t = report->add_tables();
  t->set_id(id);
  t->set_number(number);
  t->set_title(title);
  t->set_source(source);
  t->set_hide_changes(!changes);
  for (int y = first; y <= last; ++y) t->add_periods(FormatPeriod(FinancialYear(y)));
  for (const auto& [entity, label] : comparators) {
    t->add_comparator_entities(entity);
    t->add_comparator_labels(label);
  }
  for (const auto& spec : rows) {
    v1::TableRow* row = t->add_rows();
    row->set_indicator(spec.indicator);
    row->set_label(spec.label);
    const std::string unit = *spec.unit ? spec.unit : book.Unit(spec.indicator);
    row->set_unit(unit);
    std::map<int, v1::Cell> by_year;
    for (int y = first; y <= last; ++y) {
      auto c = book.Value(spec.indicator, "", y);
      if (!c.ok()) return c.status();
      by_year[y] = *c;
      *row->add_values() = *c;
    }
    if (changes) {
      *row->mutable_change_1y_pct() = PercentChange(by_year[last - 1], by_year[last]);
      *row->mutable_change_5y_pct() = PercentChange(by_year[first], by_year[last]);
    }
    for (const auto& [entity, label] : comparators) {
      auto c = book.Comparator(spec.indicator, "", entity, last);
      if (!c.ok()) return c.status();
      // The comparator columns are rates ("SN Rate"): a count's row has none to show.
      if (!c->has_value() && !c->suppressed() && unit == "count") c->set_missing("not applicable");
      *row->add_comparators() = *c;
    }
  }
  return absl::OkStatus();
}

// metrics' GetBenchmark answers by indicator and year, each asked once. An LA metrics
// cannot benchmark (not a DfE LA code), an indicator it does not know (a local measure)
// or a metrics without GetBenchmark gives none (nullptr); any other failure is returned.
class PublishedBook {
 public:
  PublishedBook(MetricsSource* metrics, std::string la) : metrics_(metrics), la_(std::move(la)) {}
  absl::StatusOr<const v1::LaBenchmark*> Get(const std::string& indicator, int year) {
    auto it = cache_.find({indicator, year});
    if (it == cache_.end()) {
      auto b = metrics_->Benchmark(la_, indicator, FormatPeriod(FinancialYear(year)));
      if (!b.ok() && !absl::IsInvalidArgument(b.status()) && !absl::IsNotFound(b.status()) &&
          !absl::IsUnimplemented(b.status()))
        return b.status();
      it = cache_.emplace(std::make_pair(indicator, year),
                          b.ok() ? std::optional<v1::LaBenchmark>(*b) : std::nullopt).first;
    }
    return it->second ? &*it->second : nullptr;
  }

 private:
  MetricsSource* metrics_;
  std::string la_;
  std::map<std::pair<std::string, int>, std::optional<v1::LaBenchmark>> cache_;
};

// DfE's published figure of a comparator entity ("ENG", "LON", "SN:...") in a benchmark:
// England, the LA's region when it is London, the neighbours' average.
std::optional<double> PublishedComparator(const v1::LaBenchmark& b, const std::string& entity) {
  if (!DfeFiguresHeld(b.status())) return std::nullopt;
  if (entity == "ENG" && b.has_england()) return b.england();
  if (entity == "LON" && b.region_code() == "986" && b.has_region()) return b.region();
  if (entity.rfind("SN:", 0) == 0 && b.has_neighbours_average()) return b.neighbours_average();
  return std::nullopt;
}

absl::Status AddFigure(SeriesBook& book, PublishedBook& published, const std::string& la_label,
                       v1::AnnualReport* report, const char* id, const char* number, const std::string& indicator,
                       const std::string& title, const std::string& y_label, int first, int last) {
  v1::Figure* f = report->add_figures();
  f->set_id(id);
  f->set_number(number);
  f->set_title(title);
  f->set_indicator(indicator);
  f->set_unit(book.Unit(indicator));
  f->set_y_label(y_label);
  f->set_source(
      "carestat: CIN census and SSDA903 returns; comparators as published by DfE (a year with no comparator series "
      "held: DfE's published figure from LAIT, its Local Authority Interactive Tool, whose years start in 2015-16; "
      "statistical neighbours: the average of those with a figure)");
  for (int y = first; y <= last; ++y) f->add_periods(FormatPeriod(FinancialYear(y)));
  v1::FigureSeries* own = f->add_series();
  own->set_entity(book.la());
  own->set_label(la_label);
  for (int y = first; y <= last; ++y) {
    auto c = book.Value(indicator, "", y);
    if (!c.ok()) return c.status();
    *own->add_values() = *c;
  }
  // The seed's order: statistical neighbours, London, England.
  for (const std::string& entity : {"SN:" + book.la(), std::string("LON"), std::string("ENG")}) {
    v1::FigureSeries* s = f->add_series();
    s->set_entity(entity);
    s->set_label(ComparatorLabel(entity));
    for (int y = first; y <= last; ++y) {
      auto c = book.Comparator(indicator, "", entity, y);
      if (!c.ok()) return c.status();
      if (!c->has_value() && !c->suppressed()) {
        auto b = published.Get(indicator, y);
        if (!b.ok()) return b.status();
        if (*b) {
          if (auto v = PublishedComparator(**b, entity)) {
            c->set_has_value(true);
            c->set_value(*v);
          } else {
            c->set_missing(NoDfeFigureWords((*b)->status()));  // why there is none
          }
        }
      }
      *s->add_values() = *c;
    }
  }
  return absl::OkStatus();
}

// A fact for one indicator: this year, last year, change, comparators, target, rating.
absl::StatusOr<v1::Fact> MakeFact(SeriesBook& book, const std::string& section, const std::string& indicator,
                                  const std::string& breakdown, const std::string& label, int year) {
  v1::Fact f;
  f.set_section(section);
  f.set_indicator(indicator);
  f.set_breakdown(breakdown);
  f.set_label(label);
  const std::string unit = book.Unit(indicator);
  f.set_unit(unit);
  f.set_polarity(book.Polarity(indicator));
  const bool three = IsThreeYear(indicator);
  f.set_period(three ? ThreeYearLabel(year) : FormatPeriod(FinancialYear(year)));
  f.set_previous_period(three ? ThreeYearLabel(year - 1) : FormatPeriod(FinancialYear(year - 1)));
  auto now = book.Value(indicator, breakdown, year);
  if (!now.ok()) return now.status();
  auto before = book.Value(indicator, breakdown, year - 1);
  if (!before.ok()) return before.status();
  *f.mutable_value() = *now;
  *f.mutable_previous() = *before;
  *f.mutable_change() = Difference(*before, *now);
  *f.mutable_change_pct() = PercentChange(*before, *now);
  auto comparators = book.Comparators(indicator, breakdown, year);
  if (!comparators.ok()) return comparators.status();
  for (auto& c : *comparators) *f.add_comparators() = c;
  auto held = book.Target(indicator, breakdown, year);
  if (!held.ok()) return held.status();
  auto target = TargetFor(*held, indicator, year, unit);
  if (target) *f.mutable_target() = *target;
  Judgement j = Judge(*now, f.polarity(), unit, target ? &*target : nullptr, *comparators);
  f.set_rating(j.rating);
  *f.mutable_rated_against() = j.against;
  f.set_rating_reason(j.reason);
  auto supplied = book.Supplied(indicator, breakdown, year);
  if (!supplied.ok()) return supplied.status();
  f.set_supplied(*supplied);
  // A local measure (the council sends it with its returns) the council did not send for
  // the year before: say so rather than only "not available".
  if (*supplied && !f.previous().has_value() && f.previous().missing().empty())
    f.mutable_previous()->set_missing("not supplied");
  return f;
}

// The report year's figures beside those DfE and the council published for the LA:
// every one that differs beyond the published figure's rounding, with its reason.
absl::Status AddDifferences(SeriesBook& book, PublishedBook& published, v1::AnnualReport* report, int last) {
  std::vector<std::string> indicators;
  auto add = [&](const std::string& id) {
    if (book.Definition(id) && std::find(indicators.begin(), indicators.end(), id) == indicators.end())
      indicators.push_back(id);
  };
  for (const auto& t : report->tables())
    for (const auto& r : t.rows()) add(r.indicator());
  for (const auto& f : report->figures()) add(f.indicator());
  for (const auto& f : report->facts())
    if (f.breakdown().empty() && !f.supplied()) add(f.indicator());
  const std::string period = FormatPeriod(FinancialYear(last));
  const std::vector<CouncilFigure>& council = CouncilFigures(report->la());
  int compared_dfe = 0, compared_council = 0;
  for (const auto& id : indicators) {
    auto cell = book.Value(id, "", last);
    if (!cell.ok()) return cell.status();
    if (!cell->has_value()) continue;
    auto b = published.Get(id, last);
    if (!b.ok()) return b.status();
    if (*b && DfeFiguresHeld((*b)->status())) {
      for (const auto& rec : (*b)->reconciliation()) {
        if (rec.period() != period) continue;
        ++compared_dfe;
        if (rec.reason().empty()) continue;  // agrees within DfE's rounding
        const std::string& src = (*b)->published_source();
        // DfE's figure to the places it publishes (a rate to one decimal: 338.9 is not 339).
        std::string unit = book.Unit(id);
        if ((*b)->dps() != 0 && (unit == "rate_per_10k" || unit == "percent")) unit += "_1dp";
        *report->add_differences() = DifferenceRow(
            id, book.Name(id), unit, period, *cell, rec.published(), "DfE",
            src.empty() || src == "LAIT" ? "DfE's published figures (LAIT)" : "DfE's statistical release, " + src,
            rec.reason());
      }
    }
    for (const auto& f : council) {
      if (f.indicator != id || f.year != last) continue;
      ++compared_council;
      if (AgreesWhenRounded(cell->value(), f.value, f.dps)) continue;
      *report->add_differences() =
          DifferenceRow(id, book.Name(id), book.Unit(id), period, *cell, f.value, "the council",
                        "the council's own document (" + f.source + ")", CouncilReason(id, *cell, f, council, last));
    }
  }
  std::string compared;
  if (compared_dfe > 0) absl::StrAppend(&compared, compared_dfe, " with DfE's published figures for the council");
  if (compared_council > 0) {
    absl::StrAppend(&compared, compared.empty() ? "" : " and ", compared_council,
                    " with the figures the council published itself");
  }
  if (compared.empty()) {
    report->set_differences_note(absl::StrCat(
        "No figure of ", period, " could be compared with a published one: DfE has published none for the council "
        "for the year and no figures the council published itself are held."));
  } else if (report->differences().empty()) {
    report->set_differences_note(absl::StrCat("Every figure of ", period, " compared (", compared,
                                              ") agrees with the published one to its rounding."));
  } else {
    report->set_differences_note(absl::StrCat(
        "Figures of ", period, " compared: ", compared, ". Those listed differ from the published figure beyond its "
        "rounding: carestat's figure is computed from the returns as they are stored now; the difference is carestat's "
        "minus the published figure."));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::AnnualReport> BuildAnnualReport(const std::string& la, const std::string& year,
                                                   MetricsSource& metrics, int64_t now_ms, ReturnsSource* returns) {
  std::string problem;
  auto start = ParseFinancialYear(year, &problem);
  if (!start) return absl::InvalidArgumentError(problem);
  const int last = *start;
  // The year's returns, before anything else: a year with none is not a report.
  std::string coverage_note;
  auto year_coverage = YearCoverage(returns, la, last, &coverage_note);
  if (!year_coverage.ok()) return year_coverage.status();
  const std::vector<v1::ReturnCoverage>& coverage = *year_coverage;
  const int first = last - 5;
  SeriesBook book(&metrics, la, first, last);
  if (absl::Status s = book.Load(); !s.ok()) return s;

  v1::AnnualReport report;
  report.set_la(la);
  report.set_la_name(LaName(la));
  report.set_year(FormatPeriod(FinancialYear(last)));
  report.set_generated_unix_ms(now_ms);
  report.set_rating_rule(kRatingRule);
  const std::string la_label = report.la_name().empty() ? "LA " + la : report.la_name();
  const std::string span = absl::StrCat(FormatPeriod(FinancialYear(first)), " to ", FormatPeriod(FinancialYear(last)));

  absl::Status s = AddTable(
      book, &report, "table1", "1", "Contacts and referrals to statutory social care",
      "carestat: Ofsted Annex A list 1 (contacts), CIN census (referrals), ONS mid-year population estimates aged "
      "0-17",
      first, last,
      {{"contacts", "Number of contacts received (including multiple contacts on a child)", "count"},
       {"referrals", "Number of referrals", "count"},
       {"referral_rate", "Referral rate per 10,000", "rate_per_10k"}},
      true, {});
  if (!s.ok()) return s;
  s = AddTable(book, &report, "table2", "2",
               absl::StrCat("Number of open social care cases and rate per 10,000, ", span),
               "carestat: CIN census, ONS mid-year population estimates aged 0-17; comparators as published by DfE",
               first, last,
               {{"cin_open_year_end", "No. of open social care cases at year end", "count"},
                {"cin_rate", "Open cases rate per 10,000", "rate_per_10k"}},
               true, {{"SN:" + la, "SN Rate"}, {"LON", "London Rate"}, {"ENG", "National Rate"}});
  if (!s.ok()) return s;
  s = AddTable(book, &report, "table4", "4", "Number of children entering and leaving care by year",
               "carestat: SSDA903 return (episodes with reason for new episode S; legal status L1)", last - 3, last,
               {{"lac_started", "Number of children coming into care", "count"},
                {"lac_police_protection_started", "Number of children coming into care on Police protection", "count"},
                // The seed prints this row to one decimal (24.5).
                {"lac_police_protection_pct", "% of children coming into care on Police protection", "percent_1dp"}},
               false, {});
  if (!s.ok()) return s;

  struct FigureSpec {
    const char* id;
    const char* number;
    const char* indicator;
    const char* title;
    const char* y_label;
  };
  static const FigureSpec kFigures[] = {
      {"figure1", "1", "cpp_year_end", "Number of children and young people with a child protection plan (CPP)",
       "Children with a CPP at 31 March"},
      {"figure2", "2", "cpp_rate", "Rate of children and young people with a child protection plan (CPP)",
       "Per 10,000 children aged 0-17"},
      {"figure3", "3", "lac_year_end", "Number of looked after children by year", "Looked-after children at 31 March"},
      {"figure4", "4", "lac_rate", "Rate of looked after children per 10,000 by year", "Per 10,000 children aged 0-17"},
  };
  PublishedBook published(&metrics, la);
  for (const auto& fs : kFigures) {
    s = AddFigure(book, published, la_label, &report, fs.id, fs.number, fs.indicator, fs.title, fs.y_label, first, last);
    if (!s.ok()) return s;
  }

  AddProjection(metrics, la, last, &report);

  // DfE's published figures for each catalogue indicator a fact quotes (one call per
  // indicator and year, shared with the figures). An LA metrics cannot benchmark (not a
  // DfE LA code) or an older metrics without GetBenchmark leaves the facts without them;
  // any other failure fails the report.
  auto add_published = [&](v1::Fact* f) -> absl::Status {
    if (!book.Definition(f->indicator())) return absl::OkStatus();
    auto b = published.Get(f->indicator(), last);
    if (!b.ok()) return b.status();
    if (!*b) return absl::OkStatus();
    // DfE's figures are of the whole indicator: a breakdown of one it publishes is not
    // compared; one it does not publish says so.
    if (!f->breakdown().empty() && DfeFiguresHeld((*b)->status())) return absl::OkStatus();
    *f->mutable_dfe() = PublishedComparisonOf(**b, f->unit());
    // Nothing held to rate against: DfE's published comparators of the year are.
    if (f->rating() == v1::RATING_UNSPECIFIED && f->rated_against().kind().empty()) {
      Judgement j = Judge(f->value(), f->polarity(), f->unit(), nullptr, PublishedComparators(f->dfe()));
      if (!j.against.kind().empty()) {
        f->set_rating(j.rating);
        *f->mutable_rated_against() = j.against;
        f->set_rating_reason(j.reason);
      }
    }
    return absl::OkStatus();
  };

  std::set<std::string> listed;
  for (const auto& spec : AnnualFactSpecs()) {
    auto f = MakeFact(book, spec.section, spec.indicator, spec.breakdown, spec.label, last);
    if (!f.ok()) return f.status();
    if (absl::Status p = add_published(&*f); !p.ok()) return p;
    *report.add_facts() = *std::move(f);
    listed.insert(IndicatorKey(spec.indicator, spec.breakdown));
  }
  // Any other local measure supplied for the year.
  auto values = metrics.Values(la, FormatPeriod(FinancialYear(last)));
  if (!values.ok()) return values.status();
  for (const auto& p : *values) {
    if (!p.supplied() || !listed.insert(IndicatorKey(p.indicator(), p.breakdown())).second) continue;
    std::string label = book.Name(p.indicator());
    if (!p.breakdown().empty()) absl::StrAppend(&label, " (", p.breakdown(), ")");
    auto f = MakeFact(book, "Other local measures", p.indicator(), p.breakdown(), label, last);
    if (!f.ok()) return f.status();
    if (!book.Definition(p.indicator())) {
      // Not in the catalogue: the point itself is the figure.
      *f->mutable_value() = CellFromPoint(p, "", CellRef(p.indicator(), p.breakdown(), last));
      f->set_supplied(true);
    }
    if (absl::Status p = add_published(&*f); !p.ok()) return p;
    *report.add_facts() = *std::move(f);
  }
  // What the year's figures rest on, and what each part lacks and why.
  for (auto& c : coverage) *report.add_coverage() = c;
  report.set_coverage_note(coverage_note);
  const std::string period = FormatPeriod(FinancialYear(last));
  auto datasets_of = [](const std::vector<std::string>& indicators) {
    std::vector<std::string> out;
    for (const auto& id : indicators) {
      for (const auto& d : DatasetsOf(id)) {
        if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
      }
    }
    return out;
  };
  // A gap already set (the projection's, when metrics could not forecast) is kept.
  auto add_gap = [](std::string* gap, const std::string& more) {
    if (!more.empty()) *gap = gap->empty() ? more : absl::StrCat(more, "; ", *gap);
  };
  for (auto& t : *report.mutable_tables()) {
    std::vector<std::string> ids;
    for (const auto& r : t.rows()) ids.push_back(r.indicator());
    add_gap(t.mutable_gap(), GapOf(coverage, datasets_of(ids), period));
  }
  for (auto& f : *report.mutable_figures()) add_gap(f.mutable_gap(), GapOf(coverage, DatasetsOf(f.indicator()), period));
  for (auto& f : *report.mutable_facts()) f.set_gap(GapOf(coverage, DatasetsOf(f.indicator()), period));
  // A year of the tables and figures for which the LA has no return stored at all (before
  // its first return was sent): its empty cells say so, not only "not available".
  if (returns != nullptr) {
    if (auto list = returns->ReturnList(la); list.ok()) {
      auto why = [&](const std::string& p) -> std::string {
        auto fy = ParsePeriod(p);
        return fy && !AnyStored(*list, la, fy->start_year() + 1) ? "no returns held" : "";
      };
      auto mark = [&](v1::Cell* c, const std::string& p) {
        if (!c->has_value() && c->missing().empty()) c->set_missing(why(p));
      };
      for (auto& t : *report.mutable_tables()) {
        for (auto& row : *t.mutable_rows()) {
          for (int i = 0; i < row.values_size() && i < t.periods_size(); ++i) mark(row.mutable_values(i), t.periods(i));
        }
      }
      for (auto& f : *report.mutable_figures()) {
        for (auto& series : *f.mutable_series()) {
          if (series.entity() != la) continue;
          for (int i = 0; i < series.values_size() && i < f.periods_size(); ++i)
            mark(series.mutable_values(i), f.periods(i));
        }
      }
    }
  }
  if (absl::Status d = AddDifferences(book, published, &report, last); !d.ok()) return d;
  AddYearOnYear(&report);
  return report;
}

}  // namespace carestat
