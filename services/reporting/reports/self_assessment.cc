#include "services/reporting/reports/self_assessment.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/datasets.h"
#include "services/common/dates.h"
#include "services/common/rule_tally.h"
#include "services/reporting/format.h"
#include "services/reporting/reports/annual.h"
#include "services/reporting/reports/coverage.h"
#include "services/reporting/reports/rating.h"
#include "services/reporting/reports/series.h"

namespace carestat {

const char kFindingsRule[] =
    "Strengths, areas for focus and figures to watch follow one rule. An indicator where higher or lower is better "
    "is compared in its latest year with its statistical neighbours (the comparator series carestat holds, else the "
    "neighbours' average DfE published for the year), else with England (likewise); its direction of travel is the "
    "latest year against the year before. A strength is better than that comparator and not deteriorating "
    "(improving or stable). An area for focus is worse than the comparator and deteriorating, or off its local "
    "target or DfE threshold whatever the comparators say; an area for focus is never also counted a strength. "
    "Where there is no comparator, the target takes its place: on target and not deteriorating is a strength. "
    "Anything else with something to compare with (better but deteriorating, worse but improving or stable, equal, "
    "or a year missing so the direction is not judged) is listed to watch. Indicators with no better direction, no "
    "figure or nothing to compare with are not listed; their figures are in the evidence tables. The counts in the "
    "summary are the numbers of items listed.";

namespace {

struct SectionSpec {
  const char* id;
  const char* title;
  const char* area;
  std::vector<const char*> indicators;
};

const std::vector<SectionSpec>& Sections() {
  static const std::vector<SectionSpec> kSections = {
      {"front_door", "Front door", "help_and_protection",
       {"contacts", "referrals", "referral_rate", "contact_conversion_pct", "rereferral_12m_pct", "referral_nfa_pct",
        "nrpf_cases"}},
      {"cin_cp", "Children in need and child protection", "help_and_protection",
       {"cin_open_year_end", "cin_rate", "assessments_completed", "assessment_timeliness_pct", "s47_enquiries",
        "s47_rate", "icpc_timeliness_pct", "cpp_year_end", "cpp_rate", "cpp_started", "cpp_ceased", "cpp_repeat_pct",
        "cpp_ceased_2y_plus_pct", "cp_visits_timely_pct", "cp_core_groups_held_pct"}},
      {"looked_after", "Looked-after children", "children_in_care",
       {"lac_year_end", "lac_rate", "lac_started", "lac_ceased", "lac_police_protection_pct",
        "lac_placement_moves_3plus_pct", "lac_long_term_stability_pct", "lac_placed_in_borough_pct",
        "lac_placed_within_20_miles_pct", "lac_inhouse_foster_children", "foster_carer_reviews_pct"}},
      {"care_leavers", "Care leavers", "children_in_care",
       {"care_leavers_18plus", "care_leavers_eet_pct", "care_leavers_suitable_accommodation_pct",
        "care_leavers_in_touch_pct"}},
      {"adoption", "Adoption", "children_in_care",
       {"adoptions", "shopa_decisions", "adoption_a1_days", "adoption_a2_days", "adoption_a1_days_3yr",
        "adoption_a2_days_3yr"}},
      {"workforce", "Workforce", "leadership", {"agency_sw_rate_pct", "sw_caseload_avg"}},
      {"finance", "Finance", "leadership", {"overspend_gbp"}},
  };
  return kSections;
}

struct AreaSpec {
  const char* id;
  const char* title;
  const char* heading;   // the narrative file's heading for the area
};

// ILACS's judgement areas, in the order of its framework.
const std::vector<AreaSpec>& Areas() {
  static const std::vector<AreaSpec> kAreas = {
      {"help_and_protection", "The experiences and progress of children who need help and protection",
       "Help and protection"},
      {"children_in_care", "The experiences and progress of children in care and care leavers",
       "Children in care and care leavers"},
      {"leadership", "The impact of leaders on social work practice with children and families", "Impact of leaders"},
  };
  return kAreas;
}

v1::NarrativeSlot Slot(const std::string& heading, const std::string& id, const std::string& title) {
  v1::NarrativeSlot slot;
  slot.set_id(id);
  slot.set_title(title);
  slot.set_placeholder(absl::StrCat(title, ": not yet written. Add them under '## ", heading, " / ", title,
                                    "' in the narrative file."));
  return slot;
}

// metrics' GetBenchmark answers for the latest year, each indicator asked once and shared
// by the evidence tables and the reconciliation.
class Benchmarks {
 public:
  Benchmarks(MetricsSource* metrics, std::string la, std::string year)
      : metrics_(metrics), la_(std::move(la)), year_(std::move(year)) {}
  const absl::StatusOr<v1::LaBenchmark>& Get(const std::string& indicator) {
    auto it = cache_.find(indicator);
    if (it == cache_.end()) it = cache_.emplace(indicator, metrics_->Benchmark(la_, indicator, year_)).first;
    return it->second;
  }

 private:
  MetricsSource* metrics_;
  std::string la_, year_;
  std::map<std::string, absl::StatusOr<v1::LaBenchmark>> cache_;
};

absl::StatusOr<v1::AssessedIndicator> Assess(SeriesBook& book, Benchmarks& published, const std::string& indicator,
                                             const std::string& breakdown, const std::string& label, int year) {
  v1::AssessedIndicator a;
  a.set_indicator(indicator);
  a.set_breakdown(breakdown);
  a.set_label(label);
  const std::string unit = book.Unit(indicator);
  a.set_unit(unit);
  a.set_polarity(book.Polarity(indicator));
  for (int y = year - 2; y <= year; ++y) {
    a.add_periods(FormatPeriod(FinancialYear(y)));
    auto c = book.Value(indicator, breakdown, y);
    if (!c.ok()) return c.status();
    *a.add_values() = *c;
  }
  auto comparators = book.Comparators(indicator, breakdown, year);
  if (!comparators.ok()) return comparators.status();
  for (auto& c : *comparators) *a.add_comparators() = c;
  auto held = book.Target(indicator, breakdown, year);
  if (!held.ok()) return held.status();
  auto target = TargetFor(*held, indicator, year, unit);
  if (target) *a.mutable_target() = *target;
  // DfE's published figures, as the annual report quotes them: for a catalogue indicator
  // without a breakdown (DfE's figures are of the whole indicator). An LA or indicator
  // metrics cannot benchmark, or a metrics without GetBenchmark, leaves them out; any
  // other failure fails the report.
  if (breakdown.empty() && book.Definition(indicator)) {
    const auto& b = published.Get(indicator);
    if (b.ok()) {
      *a.mutable_dfe() = PublishedComparisonOf(*b, unit);
    } else if (!absl::IsInvalidArgument(b.status()) && !absl::IsNotFound(b.status()) &&
               !absl::IsUnimplemented(b.status())) {
      return b.status();
    }
  }
  const v1::Cell& latest = a.values(2);
  Judgement j = Judge(latest, a.polarity(), unit, target ? &*target : nullptr, *comparators);
  // Nothing held to rate against: DfE's published comparators of the year are, as in the
  // annual report.
  if (j.against.kind().empty() && j.rating == v1::RATING_UNSPECIFIED) {
    Judgement p = Judge(latest, a.polarity(), unit, nullptr, PublishedComparators(a.dfe()));
    if (!p.against.kind().empty()) j = p;
  }
  a.set_rating(j.rating);
  *a.mutable_rated_against() = j.against;
  a.set_rating_reason(j.reason);
  a.set_direction(DirectionOfTravel(a.values(1), latest, a.polarity()));
  *a.mutable_change() = Difference(a.values(1), latest);
  auto supplied = book.Supplied(indicator, breakdown, year);
  if (!supplied.ok()) return supplied.status();
  a.set_supplied(*supplied);
  return a;
}

std::string DirectionWords(v1::Direction d, const std::string& since) {
  switch (d) {
    case v1::IMPROVING: return absl::StrCat("improving since ", since);
    case v1::STABLE: return absl::StrCat("stable since ", since);
    case v1::DETERIORATING: return absl::StrCat("deteriorating since ", since);
    default: return "direction not judged (a year is missing)";
  }
}

std::string Capitalised(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

v1::Finding MakeFinding(const std::string& section, const std::string& area, const v1::AssessedIndicator& a,
                        const FindingCall& call) {
  v1::Finding f;
  f.set_section(section);
  f.set_area(area);
  f.set_indicator(a.indicator());
  f.set_breakdown(a.breakdown());
  f.set_label(a.label());
  f.set_unit(a.unit());
  f.set_statement(call.statement);
  for (const auto& r : call.reasons) f.add_reasons(r);
  for (int i = 0; i < a.values_size(); ++i) {
    v1::Evidence* e = f.add_evidence();
    e->set_name(i < a.periods_size() ? a.periods(i) : "");
    *e->mutable_value() = a.values(i);
  }
  if (call.compared_with) {
    v1::Evidence* e = f.add_evidence();
    e->set_name(call.compared_with->label());
    *e->mutable_value() = call.compared_with->value();
  }
  if (a.has_target() && a.target().value().has_value()) {
    v1::Evidence* e = f.add_evidence();
    e->set_name(a.target().label());
    *e->mutable_value() = a.target().value();
  }
  return f;
}

}  // namespace

const std::vector<SectionInfo>& SelfAssessmentSections() {
  static const auto* k = [] {
    auto* out = new std::vector<SectionInfo>;
    for (const auto& s : Sections()) {
      out->push_back({s.id, s.title, std::vector<std::string>(s.indicators.begin(), s.indicators.end())});
    }
    return out;
  }();
  return *k;
}

std::optional<v1::ComparatorValue> RuleComparator(const v1::AssessedIndicator& a) {
  const std::vector<v1::ComparatorValue> published = PublishedComparators(a.dfe());
  auto usable = [](const v1::ComparatorValue& c) {
    return c.value().has_value() && !c.value().suppressed() && std::isfinite(c.value().value());
  };
  for (const char* prefix : {"SN:", "ENG"}) {
    for (const auto& c : a.comparators()) {
      if (absl::StartsWith(c.entity(), prefix) && usable(c)) return c;
    }
    for (const auto& c : published) {
      if (absl::StartsWith(c.entity(), prefix) && usable(c)) return c;
    }
  }
  return std::nullopt;
}

FindingCall ClassifyFinding(const v1::AssessedIndicator& a) {
  FindingCall call;
  const std::string& polarity = a.polarity();
  if (polarity != "up" && polarity != "down") return call;
  const int n = a.values_size();
  if (n == 0) return call;
  const v1::Cell& latest = a.values(n - 1);
  if (!latest.has_value() || latest.suppressed() || !std::isfinite(latest.value())) return call;
  const v1::Direction direction =
      n >= 2 ? DirectionOfTravel(a.values(n - 2), latest, polarity) : v1::DIRECTION_UNSPECIFIED;
  const std::string since = a.periods_size() >= 2 ? a.periods(a.periods_size() - 2) : "the year before";
  const std::string unit = a.unit();

  call.compared_with = RuleComparator(a);
  std::optional<int> vs_comparator, vs_target;
  if (call.compared_with) vs_comparator = Compare(latest.value(), call.compared_with->value().value(), polarity);
  const bool has_target = a.has_target() && a.target().value().has_value() && std::isfinite(a.target().value().value());
  if (has_target) vs_target = Compare(latest.value(), a.target().value().value(), polarity);
  if (!vs_comparator && !vs_target) return call;   // nothing to compare with: not listed

  std::vector<std::string> words;
  if (vs_comparator) {
    const bool neighbours = absl::StartsWith(call.compared_with->entity(), "SN:");
    const char* relation = *vs_comparator > 0 ? "better than" : *vs_comparator < 0 ? "worse than" : "equal to";
    call.reasons.push_back(absl::StrCat(relation, neighbours ? " neighbours" : " England"));
    // Mid-sentence: "statistical neighbours", but England and London keep their capitals.
    std::string label = call.compared_with->label();
    if (absl::StartsWith(label, "Statistical")) label[0] = 's';
    words.push_back(absl::StrCat(relation, " ", label, " (",
                                 FormatNumber(call.compared_with->value().value(), unit), ")"));
  }
  if (vs_target) {
    call.reasons.push_back(*vs_target < 0 ? "off target" : "on target");
    words.push_back(absl::StrCat(*vs_target < 0 ? "off target" : "on target", " (", a.target().label(), ": ",
                                 FormatNumber(a.target().value().value(), unit), ")"));
  }
  call.reasons.push_back(direction == v1::IMPROVING       ? "improving"
                         : direction == v1::STABLE        ? "stable"
                         : direction == v1::DETERIORATING ? "deteriorating"
                                                          : "direction not judged");
  words.push_back(DirectionWords(direction, since));
  call.statement = Capitalised(absl::StrJoin(words, "; "));

  const bool not_deteriorating = direction == v1::IMPROVING || direction == v1::STABLE;
  // The comparator decides where there is one; the target only where there is not.
  const std::optional<int>& basis = vs_comparator ? vs_comparator : vs_target;
  if ((vs_target && *vs_target < 0) || (*basis < 0 && direction == v1::DETERIORATING)) {
    call.kind = FindingKind::kAreaForFocus;
  } else if (*basis > 0 && not_deteriorating) {
    call.kind = FindingKind::kStrength;
  } else if (!vs_comparator && *basis == 0 && not_deteriorating) {
    call.kind = FindingKind::kStrength;   // on target exactly: met
  } else {
    call.kind = FindingKind::kToWatch;
  }
  return call;
}

namespace {

v1::DataQuality BuildDataQuality(const std::string& la, int year, ReturnsSource* returns) {
  v1::DataQuality dq;
  if (!returns) {
    dq.set_note("not available: this reporting service has no source of returns");
    return dq;
  }
  auto answer = returns->ReturnList(la);
  if (!answer.ok()) {
    dq.set_note(absl::StrCat("not available: ingestion ListReturns failed: ", answer.status().message()));
    return dq;
  }
  const int collection_year = year + 1;
  // Every return the year's figures read, as stored, rejected or missing.
  for (auto& c : CoverageOf(*answer, la, collection_year)) *dq.add_coverage() = std::move(c);
  const std::vector<v1::ReturnInfo> all(answer->returns().begin(), answer->returns().end());
  const std::vector<v1::ReturnInfo>* list = &all;
  std::vector<v1::ReturnInfo> of_year, last_year;
  for (const auto& r : *list) {
    if (r.la() == la && r.collection_year() == collection_year) of_year.push_back(r);
    if (r.la() == la && r.collection_year() == collection_year - 1) last_year.push_back(r);
  }
  auto records_of = [](const v1::ReturnInfo& r) {
    int64_t n = 0;
    for (const auto& [k, c] : r.record_counts()) n += c;
    return n;
  };
  auto per_1000 = [](int64_t issues, int64_t records) {
    return records > 0 ? 1000.0 * static_cast<double>(issues) / static_cast<double>(records) : 0.0;
  };
  // Last year's return of the same dataset and file name, else the dataset's only one.
  auto previous_of = [&](const v1::ReturnInfo& r) -> const v1::ReturnInfo* {
    const v1::ReturnInfo* only = nullptr;
    int of_dataset = 0;
    for (const auto& p : last_year) {
      if (p.dataset() != r.dataset()) continue;
      if (p.file_name() == r.file_name()) return &p;
      ++of_dataset;
      only = &p;
    }
    return of_dataset == 1 ? only : nullptr;
  };
  std::sort(of_year.begin(), of_year.end(),
            [](const v1::ReturnInfo& a, const v1::ReturnInfo& b) { return a.dataset() < b.dataset(); });
  dq.set_available(true);
  // SSDA903 tables filed as separate CSV files are checked one by one as they arrive, so
  // the DfE rules that read two tables (an episode against the child's header, OC3
  // against AD1) are not in these counts: say so, and where they are run.
  const bool csv_tables = std::any_of(of_year.begin(), of_year.end(), [](const v1::ReturnInfo& r) {
    return absl::StartsWith(r.dataset(), "ssda903-");
  });
  const bool checked_together = std::any_of(of_year.begin(), of_year.end(), [](const v1::ReturnInfo& r) {
    return r.dataset() == kDatasetSsda903Checks;
  });
  dq.set_note(of_year.empty()
                  ? absl::StrCat("No returns are stored for collection year ", collection_year, ".")
                  : absl::StrCat("Returns stored for collection year ", collection_year,
                                 ". A record whose error is in a date or code the figures read is left out of "
                                 "every indicator; one that breaks a DfE rule on another field is counted here "
                                 "and kept, as are queries.",
                                 !csv_tables ? ""
                                 : checked_together
                                     ? " The SSDA903 tables sent as separate CSV files are each checked on their "
                                       "own as they arrive, then together with each other and with last year's "
                                       "by the pipeline: what only that shows is the row checks-ssda903."
                                     : " The SSDA903 tables sent as separate CSV files are each checked on their "
                                       "own as they arrive: DfE's rules that compare two tables are not counted "
                                       "here; `carestat validate` over the year's folder runs them on the whole "
                                       "return."));
  for (const auto& r : of_year) {
    v1::ReturnQuality* q = dq.add_returns();
    q->set_return_id(r.return_id());
    q->set_dataset(r.dataset());
    q->set_collection_year(r.collection_year());
    q->set_file_name(r.file_name());
    q->set_uploaded_unix_ms(r.uploaded_unix_ms());
    for (const auto& [k, n] : r.record_counts()) (*q->mutable_record_counts())[k] = n;
    q->set_children(r.children());
    q->set_errors(r.errors());
    q->set_queries(r.queries());
    q->set_errors_per_1000(per_1000(r.errors(), records_of(r)));
    q->set_queries_per_1000(per_1000(r.queries(), records_of(r)));
    if (const v1::ReturnInfo* p = previous_of(r)) {
      q->set_has_previous(true);
      q->set_previous_file_name(p->file_name());
      q->set_previous_errors(p->errors());
      q->set_previous_queries(p->queries());
      q->set_previous_errors_per_1000(per_1000(p->errors(), records_of(*p)));
      q->set_previous_queries_per_1000(per_1000(p->queries(), records_of(*p)));
    }
    if (r.errors() + r.queries() == 0) continue;
    // Counted by rule when the return was stored; returns stored before that kept no
    // tallies, and their issues are counted here when the source can give them.
    std::vector<v1::RuleTally> tallies(r.rule_tallies().begin(), r.rule_tallies().end());
    if (tallies.empty()) {
      auto issues = returns->Issues(r.return_id());
      if (!issues.ok()) continue;  // the totals above still stand
      tallies = TallyIssues(*issues);
    }
    std::vector<v1::RuleCount> sorted;
    for (const auto& t : tallies) {
      v1::RuleCount& rc = sorted.emplace_back();
      rc.set_rule(t.rule());
      rc.set_severity(t.severity());
      rc.set_message(t.message());
      rc.set_count(t.count());
    }
    std::stable_sort(sorted.begin(), sorted.end(), [](const v1::RuleCount& a, const v1::RuleCount& b) {
      if (a.severity() != b.severity()) return a.severity() == "error";
      return a.count() > b.count();
    });
    for (size_t i = 0; i < sorted.size() && i < 10; ++i) *q->add_rules() = sorted[i];
  }
  return dq;
}

// The reconciliation of the council's computed figures with DfE's published ones: one
// GetBenchmark per catalogue indicator metrics computes. An LA metrics cannot benchmark
// (or a metrics without GetBenchmark) leaves the table out, saying why; any other failure
// fails the self-assessment, as the other metrics calls do.
absl::Status AddReconciliation(SeriesBook& book, MetricsSource& metrics, Benchmarks& published, int last,
                               v1::DataQuality* dq) {
  auto indicators = metrics.Indicators();
  if (!indicators.ok()) return indicators.status();
  for (const auto& def : *indicators) {
    const auto& b = published.Get(def.id());
    if (!b.ok()) {
      if (absl::IsInvalidArgument(b.status()) || absl::IsUnimplemented(b.status())) {
        dq->clear_reconciliation();
        dq->set_reconciliation_note(absl::StrCat(
            "Reconciliation with DfE's published figures: not available (", b.status().message(), ")."));
        return absl::OkStatus();
      }
      if (absl::IsNotFound(b.status())) continue;
      return b.status();
    }
    for (const auto& rec : b->reconciliation()) {
      auto fy = ParsePeriod(rec.period());
      if (!fy) continue;
      v1::Reconciliation* row = dq->add_reconciliation();
      row->set_indicator(def.id());
      row->set_label(def.name());
      row->set_unit(def.unit());
      row->set_period(rec.period());
      const int y = fy->start_year();
      const std::string ref = CellRef(def.id(), "", y);
      v1::Cell computed;
      if (y >= last - 2 && y <= last) {
        auto c = book.Value(def.id(), "", y);   // the cell the sections show, numerator and all
        if (c.ok() && c->has_value()) computed = *c;
      }
      if (!computed.has_value()) {
        computed.set_has_value(true);
        computed.set_value(rec.computed());
        computed.set_ref(ref);
        computed.set_unit(def.unit());
      }
      *row->mutable_computed() = computed;
      v1::Cell* published = row->mutable_published();
      published->set_has_value(true);
      published->set_value(rec.published());
      published->set_unit(def.unit());
      v1::Cell* difference = row->mutable_difference();
      difference->set_has_value(true);
      difference->set_value(rec.difference());
      difference->set_unit(def.unit());
      difference->add_derived_from(computed.ref());
      row->set_reason(rec.reason());
    }
  }
  dq->set_reconciliation_note(
      dq->reconciliation().empty()
          ? "Reconciliation with DfE's published figures: no year has both a figure computed from the council's "
            "returns and one DfE published (LAIT)."
          : "Reconciliation with DfE's published figures (LAIT): for each indicator and year DfE published, the "
            "council's figure computed by carestat from its returns, DfE's figure for the council, the difference "
            "(computed minus published) and its known reason; a difference within DfE's rounding has none.");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::SelfAssessment> BuildSelfAssessment(const std::string& la, const std::string& year,
                                                       MetricsSource& metrics, ReturnsSource* returns,
                                                       int64_t now_ms) {
  std::string problem;
  auto start = ParseFinancialYear(year, &problem);
  if (!start) return absl::InvalidArgumentError(problem);
  const int last = *start;
  // A year with no stored return is not a report (the data-quality section lists them).
  std::string no_list;
  if (auto c = YearCoverage(returns, la, last, &no_list); !c.ok()) return c.status();
  SeriesBook book(&metrics, la, last - 2, last);
  if (absl::Status s = book.Load(); !s.ok()) return s;

  v1::SelfAssessment sa;
  sa.set_la(la);
  sa.set_la_name(LaName(la));
  sa.set_year(FormatPeriod(FinancialYear(last)));
  sa.set_generated_unix_ms(now_ms);
  sa.set_rating_rule(kRatingRule);
  sa.set_direction_rule(kDirectionRule);
  sa.set_findings_rule(kFindingsRule);

  for (const auto& spec : Areas()) {
    v1::JudgementArea* area = sa.add_areas();
    area->set_id(spec.id);
    area->set_title(spec.title);
    area->set_heading(spec.heading);
    *area->add_evidence() = Slot(spec.heading, "audit_findings", "Audit findings");
    *area->add_evidence() = Slot(spec.heading, "voices", "Children's and families' voices");
    *area->add_evidence() = Slot(spec.heading, "workforce_evidence", "Workforce evidence");
    *area->mutable_plans() = Slot(spec.heading, "plans", "Plans for the next 12 months");
  }

  Benchmarks published(&metrics, la, sa.year());
  std::set<std::string> listed;
  for (const auto& spec : Sections()) {
    v1::AssessmentSection* section = sa.add_sections();
    section->set_id(spec.id);
    section->set_title(spec.title);
    section->set_area(spec.area);
    for (const char* id : spec.indicators) {
      auto a = Assess(book, published, id, "", book.Name(id), last);
      if (!a.ok()) return a.status();
      listed.insert(id);
      *section->add_indicators() = *std::move(a);
    }
  }
  // Local measures the sections do not name get a section of their own, under the impact
  // of leaders: they are the council's own management measures.
  auto values = metrics.Values(la, FormatPeriod(FinancialYear(last)));
  if (!values.ok()) return values.status();
  v1::AssessmentSection other;
  other.set_id("other");
  other.set_title("Other local measures");
  other.set_area("leadership");
  for (const auto& p : *values) {
    if (!p.supplied() || !listed.insert(IndicatorKey(p.indicator(), p.breakdown())).second) continue;
    std::string label = book.Name(p.indicator());
    if (!p.breakdown().empty()) absl::StrAppend(&label, " (", p.breakdown(), ")");
    auto a = Assess(book, published, p.indicator(), p.breakdown(), label, last);
    if (!a.ok()) return a.status();
    *other.add_indicators() = *std::move(a);
  }
  if (other.indicators_size() > 0) *sa.add_sections() = std::move(other);

  // Findings in the areas' order, so each area's lists read in the order of its tables.
  for (const auto& area : sa.areas()) {
    for (const auto& section : sa.sections()) {
      if (section.area() != area.id()) continue;
      for (const auto& a : section.indicators()) {
        const FindingCall call = ClassifyFinding(a);
        switch (call.kind) {
          case FindingKind::kStrength:
            *sa.add_strengths() = MakeFinding(section.title(), area.id(), a, call);
            break;
          case FindingKind::kAreaForFocus:
            *sa.add_areas_for_focus() = MakeFinding(section.title(), area.id(), a, call);
            break;
          case FindingKind::kToWatch:
            *sa.add_to_watch() = MakeFinding(section.title(), area.id(), a, call);
            break;
          case FindingKind::kNotListed:
            break;
        }
      }
    }
  }
  *sa.mutable_data_quality() = BuildDataQuality(la, last, returns);
  if (absl::Status s = AddReconciliation(book, metrics, published, last, sa.mutable_data_quality()); !s.ok()) return s;
  return sa;
}

}  // namespace carestat
