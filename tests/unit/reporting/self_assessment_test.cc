// The self-assessment: ILACS's judgement areas and three questions, sections (evidence
// tables) with three-year trends, ratings, direction of travel and DfE's published
// figures, the findings rule and its lists, the narrative slots, and the data-quality
// section.
#include <gtest/gtest.h>

#include <google/protobuf/util/json_util.h>

#include <map>
#include <set>
#include <sstream>

#include "services/common/csv.h"
#include "services/metrics/reference/lait.h"
#include "services/reporting/render/chart.h"
#include "services/reporting/format.h"
#include "services/reporting/render/render.h"
#include "services/reporting/render/text.h"
#include "services/reporting/reports/rating.h"
#include "services/reporting/reports/self_assessment.h"
#include "services/reporting/reports/series.h"
#include "tests/unit/reporting/fake_metrics.h"
#include "tests/unit/reporting/report_walk.h"

namespace carestat {
namespace {

FakeMetrics Data() {
  FakeMetrics m = SeedLikeMetrics();
  // A clear strength: re-referrals falling and below neighbours (lower is better).
  m.Put("301", "rereferral_12m_pct", "", 2013, 27, 270, 1000);
  m.Put("301", "rereferral_12m_pct", "", 2014, 25, 250, 1000);
  m.Put("301", "rereferral_12m_pct", "", 2015, 20, 200, 1000);
  m.Put("SN:301", "rereferral_12m_pct", "", 2015, 22);
  // A supplied measure no section names.
  m.Put("301", "dq_excluded_records", "", 2015, 12, NAN, 0, true);
  return m;
}

const v1::AssessedIndicator* Find(const v1::SelfAssessment& sa, const std::string& id) {
  for (const auto& s : sa.sections()) {
    for (const auto& a : s.indicators()) {
      if (a.indicator() == id) return &a;
    }
  }
  return nullptr;
}

const v1::Finding* FindingOf(const google::protobuf::RepeatedPtrField<v1::Finding>& list, const std::string& id) {
  for (const auto& f : list) {
    if (f.indicator() == id) return &f;
  }
  return nullptr;
}

TEST(SelfAssessmentTest, SectionsWithThreeYearTrendsInTheirJudgementAreas) {
  FakeMetrics m = Data();
  auto sa = BuildSelfAssessment("301", "2015-16", m, nullptr, 0);
  ASSERT_TRUE(sa.ok()) << sa.status();
  ASSERT_GE(sa->sections_size(), 7);
  const char* ids[] = {"front_door", "cin_cp", "looked_after", "care_leavers", "adoption", "workforce", "finance"};
  const char* areas[] = {"help_and_protection", "help_and_protection", "children_in_care", "children_in_care",
                         "children_in_care",    "leadership",          "leadership"};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(sa->sections(i).id(), ids[i]);
    EXPECT_EQ(sa->sections(i).area(), areas[i]) << ids[i];
  }
  EXPECT_EQ(sa->sections(1).title(), "Children in need and child protection");
  for (const auto& s : sa->sections()) {
    EXPECT_GT(s.indicators_size(), 0) << s.id();
    for (const auto& a : s.indicators()) {
      ASSERT_EQ(a.periods_size(), 3) << a.indicator();
      EXPECT_EQ(a.periods(0), "2013-14");
      EXPECT_EQ(a.periods(2), "2015-16");
      ASSERT_EQ(a.values_size(), 3);
      EXPECT_EQ(a.comparators_size(), 3);
    }
  }
  // Every figure is the metrics value.
  for (const auto& [ref, cell] : CellsByRef(*sa)) {
    std::string id, b;
    int y;
    ASSERT_TRUE(ParseCellRef(ref, &id, &b, &y));
    const v1::IndicatorPoint* p = m.Find("301", id, b, y);
    EXPECT_EQ(cell->has_value(), p != nullptr) << ref;
    if (p) {
      EXPECT_EQ(cell->value(), p->value()) << ref;
    }
  }
  // The supplied measure no section names gets its own, under the impact of leaders.
  EXPECT_EQ(sa->sections(sa->sections_size() - 1).id(), "other");
  EXPECT_EQ(sa->sections(sa->sections_size() - 1).area(), "leadership");
  EXPECT_NE(Find(*sa, "dq_excluded_records"), nullptr);
}

TEST(SelfAssessmentTest, RatingAndDirectionFollowPolarity) {
  FakeMetrics m = Data();
  auto sa = BuildSelfAssessment("301", "2015-16", m, nullptr, 0);
  ASSERT_TRUE(sa.ok());
  const auto* assess = Find(*sa, "assessment_timeliness_pct");   // 71, 71, 76; target 80
  EXPECT_EQ(assess->direction(), v1::IMPROVING);
  EXPECT_EQ(assess->rating(), v1::AMBER);
  EXPECT_EQ(assess->target().value().value(), 80);
  const auto* agency = Find(*sa, "agency_sw_rate_pct");   // 50 -> 45, lower is better
  EXPECT_EQ(agency->direction(), v1::IMPROVING);
  EXPECT_EQ(agency->rating(), v1::RED);                    // SN 30
  const auto* visits = Find(*sa, "cp_visits_timely_pct");  // 95.5 -> 97: +1.6%, under 2%
  EXPECT_EQ(visits->direction(), v1::STABLE);
  const auto* core = Find(*sa, "cp_core_groups_held_pct");  // 86 -> 84: -2.3%
  EXPECT_EQ(core->direction(), v1::DETERIORATING);
  const auto* referrals = Find(*sa, "referrals");           // polarity none
  EXPECT_EQ(referrals->direction(), v1::DIRECTION_UNSPECIFIED);
  EXPECT_EQ(referrals->rating(), v1::RATING_UNSPECIFIED);
  const auto* a1 = Find(*sa, "adoption_a1_days_3yr");       // 647 -> 721 days, lower is better
  EXPECT_EQ(a1->direction(), v1::DETERIORATING);
  EXPECT_EQ(a1->rating(), v1::RED);
  const auto* eet = Find(*sa, "care_leavers_eet_pct");      // nothing loaded
  EXPECT_EQ(eet->direction(), v1::DIRECTION_UNSPECIFIED);
  for (const auto& v : eet->values()) EXPECT_FALSE(v.has_value());
}

TEST(SelfAssessmentTest, StrengthsAndAreasNameTheirEvidence) {
  FakeMetrics m = Data();
  auto sa = BuildSelfAssessment("301", "2015-16", m, nullptr, 0);
  ASSERT_TRUE(sa.ok());
  // Better than neighbours and improving.
  const v1::Finding* rereferral = FindingOf(sa->strengths(), "rereferral_12m_pct");
  ASSERT_NE(rereferral, nullptr);
  EXPECT_EQ(rereferral->section(), "Front door");
  EXPECT_EQ(rereferral->area(), "help_and_protection");
  ASSERT_EQ(rereferral->evidence_size(), 4);   // three years and the neighbours
  EXPECT_EQ(rereferral->evidence(2).name(), "2015-16");
  EXPECT_EQ(rereferral->evidence(2).value().value(), 20);
  EXPECT_EQ(rereferral->evidence(3).name(), "Statistical neighbours");
  EXPECT_EQ(rereferral->evidence(3).value().value(), 22);
  // No comparator at all: improving and within the DfE threshold, which takes its place.
  const v1::Finding* a2 = FindingOf(sa->strengths(), "adoption_a2_days_3yr");
  ASSERT_NE(a2, nullptr);
  EXPECT_NE(a2->statement().find("On target (DfE threshold for 2013-16: 121)"), std::string::npos) << a2->statement();
  EXPECT_EQ(a2->area(), "children_in_care");
  // Improving but worse than neighbours: neither; to watch.
  EXPECT_EQ(FindingOf(sa->strengths(), "agency_sw_rate_pct"), nullptr);
  EXPECT_EQ(FindingOf(sa->areas_for_focus(), "agency_sw_rate_pct"), nullptr);
  const v1::Finding* agency = FindingOf(sa->to_watch(), "agency_sw_rate_pct");
  ASSERT_NE(agency, nullptr);
  EXPECT_EQ(std::vector<std::string>(agency->reasons().begin(), agency->reasons().end()),
            (std::vector<std::string>{"worse than neighbours", "improving"}));
  EXPECT_EQ(agency->area(), "leadership");
  // Off target, though improving: an area for focus, with the target among the evidence.
  const v1::Finding* assess = FindingOf(sa->areas_for_focus(), "assessment_timeliness_pct");
  ASSERT_NE(assess, nullptr);
  EXPECT_EQ(std::vector<std::string>(assess->reasons().begin(), assess->reasons().end()),
            (std::vector<std::string>{"worse than neighbours", "off target", "improving"}));
  EXPECT_EQ(assess->evidence(assess->evidence_size() - 1).name(), "local target");
  EXPECT_EQ(assess->evidence(assess->evidence_size() - 1).value().value(), 80);
  // Worse than neighbours (88) and deteriorating.
  const v1::Finding* core = FindingOf(sa->areas_for_focus(), "cp_core_groups_held_pct");
  ASSERT_NE(core, nullptr);
  EXPECT_NE(std::find(core->reasons().begin(), core->reasons().end(), "deteriorating"), core->reasons().end());
  // Polarity none never appears.
  for (const auto* list : {&sa->strengths(), &sa->areas_for_focus(), &sa->to_watch()})
    EXPECT_EQ(FindingOf(*list, "referrals"), nullptr);
  // No indicator is in two lists.
  std::set<std::string> seen;
  for (const auto* list : {&sa->strengths(), &sa->areas_for_focus(), &sa->to_watch()}) {
    for (const auto& f : *list) EXPECT_TRUE(seen.insert(f.indicator()).second) << f.indicator();
  }
}

TEST(SelfAssessmentTest, DataQualityComesFromIngestionWhenGiven) {
  FakeMetrics m = Data();
  auto none = BuildSelfAssessment("301", "2015-16", m, nullptr, 0);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->data_quality().available());
  EXPECT_NE(none->data_quality().note().find("not available"), std::string::npos);

  FakeReturns returns;
  auto add = [&](const std::string& dataset, int year, int errors, int queries) {
    v1::ReturnInfo& r = returns.returns.emplace_back();
    r.set_return_id("301/" + std::to_string(year) + "/" + dataset);
    r.set_la("301");
    r.set_collection_year(year);
    r.set_dataset(dataset);
    r.set_file_name(dataset + ".xml");
    r.set_errors(errors);
    r.set_queries(queries);
    r.set_children(1000);
    (*r.mutable_record_counts())["referral"] = 3255;
  };
  add("cin-census", 2016, 3, 1);
  add("ssda903", 2016, 0, 0);
  add("cin-census", 2015, 9, 0);   // another year: not listed
  auto issue = [&](const std::string& rule, v1::Severity sev) {
    v1::ValidationIssue i;
    i.set_rule(rule);
    i.set_severity(sev);
    i.set_message("rule " + rule);
    returns.issues["301/2016/cin-census"].push_back(i);
  };
  issue("8500", v1::QUERY);
  issue("100", v1::ERROR);
  issue("200", v1::ERROR);
  issue("200", v1::ERROR);
  auto sa = BuildSelfAssessment("301", "2015-16", m, &returns, 0);
  ASSERT_TRUE(sa.ok());
  const v1::DataQuality& dq = sa->data_quality();
  EXPECT_TRUE(dq.available());
  ASSERT_EQ(dq.returns_size(), 2);
  EXPECT_EQ(dq.returns(0).dataset(), "cin-census");
  EXPECT_EQ(dq.returns(0).errors(), 3);
  ASSERT_EQ(dq.returns(0).rules_size(), 3);
  EXPECT_EQ(dq.returns(0).rules(0).rule(), "200");   // errors first, most frequent first
  EXPECT_EQ(dq.returns(0).rules(0).count(), 2);
  EXPECT_EQ(dq.returns(0).rules(2).severity(), "query");
  EXPECT_EQ(dq.returns(1).rules_size(), 0);
  // Rates per 1,000 records against last year's same return: 3 errors in 3,255 records
  // this year, 9 last year; the SSDA903 has no return last year.
  EXPECT_NEAR(dq.returns(0).errors_per_1000(), 0.9217, 1e-3);
  EXPECT_NEAR(dq.returns(0).queries_per_1000(), 0.3072, 1e-3);
  EXPECT_TRUE(dq.returns(0).has_previous());
  EXPECT_EQ(dq.returns(0).previous_errors(), 9);
  EXPECT_NEAR(dq.returns(0).previous_errors_per_1000(), 2.7650, 1e-3);
  EXPECT_EQ(QualityAgainstLastYear(dq.returns(0)),
            "errors 0.9 per 1,000 records (last year 2.8), queries 0.3 (last year 0.0)");
  EXPECT_FALSE(dq.returns(1).has_previous());
  EXPECT_EQ(QualityAgainstLastYear(dq.returns(1)), "errors 0.0 per 1,000 records, queries 0.0 (no return last year)");
  // The SSDA903 came as one XML file: checked whole, nothing to warn of.
  EXPECT_EQ(dq.note().find("compare two tables"), std::string::npos) << dq.note();
  // Tables filed as separate CSV files are checked one by one: the note says which rules
  // that leaves out and where they are run.
  {
    FakeReturns tables = returns;
    add("ssda903-episodes", 2016, 0, 0);
    auto with_tables = BuildSelfAssessment("301", "2015-16", m, &returns, 0);
    ASSERT_TRUE(with_tables.ok());
    EXPECT_NE(with_tables->data_quality().note().find("DfE's rules that compare two tables are not counted here"),
              std::string::npos)
        << with_tables->data_quality().note();
    // Once the pipeline has checked them together, the note says where those findings are.
    add("checks-ssda903", 2016, 2, 0);
    auto checked = BuildSelfAssessment("301", "2015-16", m, &returns, 0);
    ASSERT_TRUE(checked.ok());
    EXPECT_NE(checked->data_quality().note().find("what only that shows is the row checks-ssda903"), std::string::npos)
        << checked->data_quality().note();
    EXPECT_EQ(checked->data_quality().note().find("not counted here"), std::string::npos);
    returns = tables;
  }

  // A return stored with its tallies (as metrics serves it): the rules come from the
  // tallies, and its issues are not asked for.
  for (auto& r : returns.returns) {
    if (r.return_id() != "301/2016/cin-census") continue;
    v1::RuleTally* t = r.add_rule_tallies();
    t->set_rule("300");
    t->set_severity("error");
    t->set_message("rule 300");
    t->set_count(3);
    t = r.add_rule_tallies();
    t->set_rule("8500");
    t->set_severity("query");
    t->set_message("rule 8500");
    t->set_count(1);
  }
  returns.issues.clear();
  auto tallied = BuildSelfAssessment("301", "2015-16", m, &returns, 0);
  ASSERT_TRUE(tallied.ok());
  const v1::ReturnQuality& cin = tallied->data_quality().returns(0);
  ASSERT_EQ(cin.rules_size(), 2);
  EXPECT_EQ(cin.rules(0).rule(), "300");
  EXPECT_EQ(cin.rules(0).count(), 3);
  EXPECT_EQ(cin.rules(1).severity(), "query");

  returns.fail = absl::UnavailableError("connection refused");
  auto failed = BuildSelfAssessment("301", "2015-16", m, &returns, 0);
  ASSERT_TRUE(failed.ok());
  EXPECT_FALSE(failed->data_quality().available());
  EXPECT_NE(failed->data_quality().note().find("connection refused"), std::string::npos);
}

const v1::Reconciliation* RowOf(const v1::SelfAssessment& sa, const std::string& id, const std::string& period) {
  for (const auto& r : sa.data_quality().reconciliation()) {
    if (r.indicator() == id && r.period() == period) return &r;
  }
  return nullptr;
}

TEST(SelfAssessmentTest, ReconciliationComesFromGetBenchmark) {
  // The fake serves GetBenchmark from the shipped LAIT tables with the council's points:
  // each row is the council's figure, DfE's figure for LA 301 and the difference.
  FakeMetrics m = Data();
  auto sa = BuildSelfAssessment("301", "2015-16", m, nullptr, 0);
  ASSERT_TRUE(sa.ok()) << sa.status();
  const Lait& lait = Lait::Shipped();
  for (const char* id : {"lac_year_end", "lac_started", "cpp_year_end", "adoptions"}) {
    const v1::Reconciliation* row = RowOf(*sa, id, "2015-16");
    ASSERT_NE(row, nullptr) << id;
    const v1::IndicatorPoint* own = m.Find("301", id, "", 2015);
    ASSERT_NE(own, nullptr) << id;
    EXPECT_EQ(row->computed().value(), own->value()) << id;
    EXPECT_EQ(row->computed().ref(), CellRef(id, "", 2015)) << id;   // the council's: disclosure applies
    EXPECT_EQ(row->published().value(), *lait.Number(id, "301", 2015)) << id;
    EXPECT_DOUBLE_EQ(row->difference().value(), own->value() - *lait.Number(id, "301", 2015)) << id;
  }
  // The seed has 418 looked after at 31 March 2016, DfE published 415: a reason is given.
  EXPECT_FALSE(RowOf(*sa, "lac_year_end", "2015-16")->reason().empty());
  // A year before LAIT's first reconciles with DfE's release figure (SFR34_CLA2015.csv,
  // CLA_Mar2015, Barking and Dagenham: 31 March 2015).
  const v1::Reconciliation* before = RowOf(*sa, "lac_year_end", "2014-15");
  ASSERT_NE(m.Find("301", "lac_year_end", "", 2014), nullptr);
  ASSERT_NE(before, nullptr);
  EXPECT_EQ(before->published().value(), *lait.Number("lac_year_end", "301", 2014));
  EXPECT_EQ(before->computed().value(), m.Find("301", "lac_year_end", "", 2014)->value());
  EXPECT_FALSE(lait.Find("lac_year_end", "301", 2014)->from_lait());
  // No row for a year no DfE file read publishes (the CLA releases hold no rate before
  // 2015-16) or an indicator DfE does not publish.
  ASSERT_NE(m.Find("301", "lac_rate", "", 2014), nullptr);   // the council's rate is held
  EXPECT_EQ(RowOf(*sa, "lac_rate", "2014-15"), nullptr);
  EXPECT_EQ(RowOf(*sa, "lac_peak", "2015-16"), nullptr);
  EXPECT_NE(sa->data_quality().reconciliation_note().find("computed minus published"), std::string::npos);
}

TEST(SelfAssessmentTest, ReconciliationRendersInEveryFormat) {
  FakeMetrics m = Data();
  v1::LaBenchmark b;
  b.set_la("301");
  b.set_indicator("lac_started");
  b.set_period("2015-16");
  b.set_status("mapped");
  v1::BenchmarkReconciliation* rec = b.add_reconciliation();
  rec->set_period("2015-16");
  rec->set_computed(220);
  rec->set_published(207);
  rec->set_difference(13);
  rec->set_reason("DfE counts a child who started more than once in the year once.");
  rec = b.add_reconciliation();
  rec->set_period("2014-15");
  rec->set_computed(283);
  rec->set_published(283);
  rec->set_difference(0);
  m.benchmarks[{"lac_started", 2015}] = b;
  auto sa = BuildSelfAssessment("301", "2015-16", m, nullptr, 0);
  ASSERT_TRUE(sa.ok()) << sa.status();
  const v1::Reconciliation* row = RowOf(*sa, "lac_started", "2015-16");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->published().value(), 207);
  EXPECT_EQ(row->difference().value(), 13);
  ASSERT_NE(RowOf(*sa, "lac_started", "2014-15"), nullptr);
  const std::string name = row->label();

  auto md = Render(*sa, v1::MARKDOWN);
  ASSERT_TRUE(md.ok());
  EXPECT_NE(md->content().find("| " + name + " | 2015-16 | 220 | 207 | +13 | DfE counts a child who started more "
                               "than once in the year once. |"),
            std::string::npos)
      << md->content();
  EXPECT_NE(md->content().find("| " + name + " | 2014-15 | 283 | 283 | 0 | within DfE's rounding |"),
            std::string::npos);
  auto html = Render(*sa, v1::HTML);
  ASSERT_TRUE(html.ok());
  EXPECT_NE(html->content().find("<tr data-indicator=\"lac_started\"><th scope=\"row\">" + name +
                                 "</th><td>2015-16</td><td class=\"num\">220</td><td class=\"num\">207</td><td "
                                 "class=\"num\">+13</td>"),
            std::string::npos);
  auto csv = Render(*sa, v1::CSV);
  ASSERT_TRUE(csv.ok());
  std::string rec_csv;
  for (const auto& f : csv->files()) {
    if (f.name() == "reconciliation.csv") rec_csv = f.content();
  }
  EXPECT_NE(rec_csv.find("lac_started,"), std::string::npos) << rec_csv;
  EXPECT_NE(rec_csv.find(",2015-16,220,207,13,"), std::string::npos) << rec_csv;
  auto xlsx = Render(*sa, v1::XLSX);
  ASSERT_TRUE(xlsx.ok());
  auto json = Render(*sa, v1::JSON);
  ASSERT_TRUE(json.ok());
  v1::SelfAssessment back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json->content(), &back).ok());
  ASSERT_GT(back.data_quality().reconciliation_size(), 0);
  EXPECT_EQ(back.data_quality().reconciliation_size(), sa->data_quality().reconciliation_size());

  // Published: the council's count goes through disclosure control like every other.
  m.Put("301", "lac_started", "", 2015, 4);
  rec = m.benchmarks[{"lac_started", 2015}].mutable_reconciliation(0);
  rec->set_computed(4);
  rec->set_published(3);
  rec->set_difference(1);
  auto small = BuildSelfAssessment("301", "2015-16", m, nullptr, 0);
  ASSERT_TRUE(small.ok());
  auto pub = Render(*small, v1::MARKDOWN, /*publish=*/true);
  ASSERT_TRUE(pub.ok());
  EXPECT_NE(pub->content().find("| " + name + " | 2015-16 | c | 3 | c |"), std::string::npos) << pub->content();
}

TEST(SelfAssessmentTest, ReconciliationWithoutABenchmarkSaysWhy) {
  FakeMetrics m = Data();
  m.benchmark_fail = absl::InvalidArgumentError("unknown LA '999'");
  auto sa = BuildSelfAssessment("301", "2015-16", m, nullptr, 0);
  ASSERT_TRUE(sa.ok());
  EXPECT_EQ(sa->data_quality().reconciliation_size(), 0);
  EXPECT_NE(sa->data_quality().reconciliation_note().find("not available"), std::string::npos);
  m.benchmark_fail = absl::UnavailableError("metrics down");
  EXPECT_EQ(BuildSelfAssessment("301", "2015-16", m, nullptr, 0).status().code(), absl::StatusCode::kUnavailable);
}

TEST(RatingTest, RulesAtTheirEdges) {
  auto cell = [](double v) {
    v1::Cell c;
    c.set_has_value(true);
    c.set_value(v);
    return c;
  };
  v1::Target local;
  local.set_la("301");
  local.set_indicator("assessment_timeliness_pct");
  local.set_period("2015-16");
  local.set_kind("local target");
  local.set_value(80);
  v1::Benchmark target = *TargetFor(local, "assessment_timeliness_pct", 2015, "percent");
  EXPECT_EQ(target.kind(), "target");
  EXPECT_EQ(target.label(), "local target");
  EXPECT_EQ(Judge(cell(80), "up", "percent", &target, {}).rating, v1::GREEN);
  EXPECT_EQ(Judge(cell(76), "up", "percent", &target, {}).rating, v1::AMBER);     // 5.0% under
  EXPECT_EQ(Judge(cell(75.9), "up", "percent", &target, {}).rating, v1::RED);
  EXPECT_EQ(Judge(cell(76), "none", "percent", &target, {}).rating, v1::RATING_UNSPECIFIED);
  EXPECT_EQ(Judge(v1::Cell(), "up", "percent", &target, {}).rating, v1::RATING_UNSPECIFIED);
  EXPECT_EQ(Judge(cell(76), "up", "percent", nullptr, {}).rating, v1::RATING_UNSPECIFIED);
  // Comparators: neighbours before England before London.
  std::vector<v1::ComparatorValue> cs(3);
  cs[0].set_entity("ENG"); cs[0].set_label("England"); *cs[0].mutable_value() = cell(50);
  cs[1].set_entity("LON"); cs[1].set_label("London"); *cs[1].mutable_value() = cell(10);
  cs[2].set_entity("SN:301"); cs[2].set_label("Statistical neighbours"); *cs[2].mutable_value() = cell(30);
  Judgement j = Judge(cell(31), "down", "percent", nullptr, cs);
  EXPECT_EQ(j.against.label(), "Statistical neighbours");
  EXPECT_EQ(j.rating, v1::AMBER);   // 1 over 30 is 3.3%
  cs[2].mutable_value()->set_has_value(false);
  EXPECT_EQ(Judge(cell(31), "down", "percent", nullptr, cs).against.label(), "England");
  EXPECT_EQ(Judge(cell(31), "down", "percent", nullptr, cs).rating, v1::GREEN);
  // DfE adoption thresholds by period, as metrics serves them from reference/targets.csv:
  // each for its own three years only, and none for a period no source gives.
  FakeMetrics m;
  SeriesBook book(&m, "301", 2010, 2016);
  ASSERT_TRUE(book.Load().ok());
  auto threshold = [&](const std::string& id, int year) -> std::optional<double> {
    auto t = book.Target(id, "", year);
    EXPECT_TRUE(t.ok());
    auto b = TargetFor(*t, id, year, "days");
    if (!b) return std::nullopt;
    EXPECT_EQ(b->kind(), "threshold");
    return b->value().value();
  };
  EXPECT_EQ(threshold("adoption_a1_days_3yr", 2011), 639);   // 2009-12
  EXPECT_EQ(threshold("adoption_a1_days_3yr", 2013), 547);   // 2011-14
  EXPECT_EQ(threshold("adoption_a1_days_3yr", 2014), 487);   // 2012-15
  EXPECT_EQ(threshold("adoption_a1_days_3yr", 2015), 426);   // 2013-16
  EXPECT_EQ(threshold("adoption_a2_days_3yr", 2013), 182);
  EXPECT_EQ(threshold("adoption_a2_days_3yr", 2015), 121);
  EXPECT_EQ(threshold("adoption_a1_days_3yr", 2012), std::nullopt);  // 2010-13: no source held
  EXPECT_EQ(threshold("adoption_a1_days_3yr", 2016), std::nullopt);  // after the uprating to 2016
  auto a2 = book.Target("adoption_a2_days_3yr", "", 2015);
  EXPECT_EQ(TargetFor(*a2, "adoption_a2_days_3yr", 2015, "days")->label(), "DfE threshold for 2013-16");
  // The local target is LA 301's own: another LA has none.
  SeriesBook other(&m, "999", 2010, 2016);
  ASSERT_TRUE(other.Load().ok());
  EXPECT_TRUE(book.Target("assessment_timeliness_pct", "", 2015)->has_value());
  EXPECT_FALSE(other.Target("assessment_timeliness_pct", "", 2015)->has_value());
  EXPECT_FALSE(book.Target("referrals", "", 2015)->has_value());
  // Direction: a 2% band is stable.
  EXPECT_EQ(DirectionOfTravel(cell(100), cell(101.9), "up"), v1::STABLE);
  EXPECT_EQ(DirectionOfTravel(cell(100), cell(102), "up"), v1::IMPROVING);
  EXPECT_EQ(DirectionOfTravel(cell(100), cell(102), "down"), v1::DETERIORATING);
  EXPECT_EQ(DirectionOfTravel(cell(0), cell(0), "down"), v1::STABLE);
  EXPECT_EQ(DirectionOfTravel(v1::Cell(), cell(1), "down"), v1::DIRECTION_UNSPECIFIED);
}


// --- The findings rule on constructed series -------------------------------------

v1::Cell Value(double v) {
  v1::Cell c;
  c.set_has_value(true);
  c.set_value(v);
  c.set_unit("percent");
  return c;
}

// An indicator as the builder assesses one: three years (NAN: missing), the comparator
// series present (NAN: absent), DfE's published neighbours' average and England (NAN:
// none), and a target (NAN: none).
struct Series {
  std::string polarity = "up";
  std::vector<double> years;
  double sn = NAN, eng = NAN, dfe_sn = NAN, dfe_eng = NAN, target = NAN;
};

v1::AssessedIndicator Indicator(const Series& in) {
  v1::AssessedIndicator a;
  a.set_indicator("made_up_pct");
  a.set_label("A made-up percentage");
  a.set_unit("percent");
  a.set_polarity(in.polarity);
  for (size_t i = 0; i < in.years.size(); ++i) {
    a.add_periods(FormatPeriod(FinancialYear(2013 + static_cast<int>(i))));
    *a.add_values() = std::isnan(in.years[i]) ? v1::Cell() : Value(in.years[i]);
  }
  for (const auto& [entity, label, v] : {std::tuple<std::string, std::string, double>{"ENG", "England", in.eng},
                                         {"LON", "London", NAN},
                                         {"SN:301", "Statistical neighbours", in.sn}}) {
    v1::ComparatorValue* c = a.add_comparators();
    c->set_entity(entity);
    c->set_label(label);
    if (!std::isnan(v)) *c->mutable_value() = Value(v);
  }
  if (!std::isnan(in.dfe_sn) || !std::isnan(in.dfe_eng)) {
    v1::PublishedComparison* d = a.mutable_dfe();
    d->set_status("mapped");
    d->set_period("2015-16");
    d->set_neighbours_with_value(10);
    d->set_neighbours_listed(10);
    if (!std::isnan(in.dfe_sn)) *d->mutable_neighbours() = Value(in.dfe_sn);
    if (!std::isnan(in.dfe_eng)) *d->mutable_england() = Value(in.dfe_eng);
  }
  if (!std::isnan(in.target)) {
    a.mutable_target()->set_kind("target");
    a.mutable_target()->set_label("local target");
    *a.mutable_target()->mutable_value() = Value(in.target);
  }
  return a;
}

FindingKind KindOf(const Series& s) { return ClassifyFinding(Indicator(s)).kind; }

TEST(FindingsRuleTest, BetterOrWorseByDirectionOfTravel) {
  // Higher is better; neighbours 50. Latest against the year before: +5 improving, +0.5
  // (1%) stable, -5 deteriorating.
  const std::vector<double> improving = {40, 55, 60}, stable = {40, 55, 55.5}, deteriorating = {40, 65, 60};
  const std::vector<double> worse_improving = {40, 40, 45}, worse_stable = {40, 45, 45.5},
                            worse_deteriorating = {40, 50, 45};
  EXPECT_EQ(KindOf({"up", improving, 50}), FindingKind::kStrength);
  EXPECT_EQ(KindOf({"up", stable, 50}), FindingKind::kStrength);
  EXPECT_EQ(KindOf({"up", deteriorating, 50}), FindingKind::kToWatch);
  EXPECT_EQ(KindOf({"up", worse_improving, 50}), FindingKind::kToWatch);
  EXPECT_EQ(KindOf({"up", worse_stable, 50}), FindingKind::kToWatch);
  EXPECT_EQ(KindOf({"up", worse_deteriorating, 50}), FindingKind::kAreaForFocus);
  // Lower is better: the same figures read the other way round.
  EXPECT_EQ(KindOf({"down", {70, 60, 55}, 58}), FindingKind::kStrength);        // better, improving
  EXPECT_EQ(KindOf({"down", {70, 60, 61}, 58}), FindingKind::kToWatch);         // worse, stable (1.7%)
  EXPECT_EQ(KindOf({"down", {70, 60, 62}, 58}), FindingKind::kAreaForFocus);    // worse, deteriorating (3.3%)
  EXPECT_EQ(KindOf({"down", {70, 60, 62}, 63}), FindingKind::kToWatch);         // better, deteriorating
  // The stable band's edge: a change of exactly 2% is not stable.
  EXPECT_EQ(KindOf({"up", {0, 50, 49}, 60}), FindingKind::kAreaForFocus);       // -2%: deteriorating
  EXPECT_EQ(KindOf({"up", {0, 50, 49.01}, 60}), FindingKind::kToWatch);         // -1.98%: stable
}

TEST(FindingsRuleTest, TiesAreNeitherBetterNorWorse) {
  EXPECT_EQ(KindOf({"up", {40, 55, 60}, 60}), FindingKind::kToWatch);
  EXPECT_EQ(KindOf({"up", {40, 65, 60}, 60}), FindingKind::kToWatch);
  FindingCall c = ClassifyFinding(Indicator({"up", {40, 55, 60}, 60}));
  EXPECT_EQ(c.reasons.front(), "equal to neighbours");
  EXPECT_EQ(c.statement, "Equal to statistical neighbours (60%); improving since 2014-15");
}

TEST(FindingsRuleTest, OffTargetIsAnAreaForFocusWhateverTheComparators) {
  // Better than neighbours and improving, but under the local target.
  Series s{"up", {40, 55, 60}, 50};
  s.target = 70;
  FindingCall c = ClassifyFinding(Indicator(s));
  EXPECT_EQ(c.kind, FindingKind::kAreaForFocus);
  EXPECT_EQ(c.reasons, (std::vector<std::string>{"better than neighbours", "off target", "improving"}));
  EXPECT_EQ(c.statement, "Better than statistical neighbours (50%); off target (local target: 70%); improving since "
                         "2014-15");
  s.target = 60;   // exactly on target: the comparator decides
  EXPECT_EQ(KindOf(s), FindingKind::kStrength);
}

TEST(FindingsRuleTest, WithoutAComparatorTheTargetDecidesElseNotListed) {
  Series s{"up", {40, 55, 60}};
  EXPECT_EQ(KindOf(s), FindingKind::kNotListed);   // nothing to compare with
  s.target = 58;
  FindingCall met = ClassifyFinding(Indicator(s));
  EXPECT_EQ(met.kind, FindingKind::kStrength);
  EXPECT_FALSE(met.compared_with.has_value());
  s.target = 60;
  EXPECT_EQ(KindOf(s), FindingKind::kStrength);    // on target exactly
  s.target = 61;
  EXPECT_EQ(KindOf(s), FindingKind::kAreaForFocus);
  s = {"up", {40, 65, 60}};
  s.target = 58;
  EXPECT_EQ(KindOf(s), FindingKind::kToWatch);     // on target but deteriorating
}

TEST(FindingsRuleTest, NeighboursThenDfEsPublishedNeighboursThenEngland) {
  // The neighbours' series before DfE's published average, whatever England says.
  Series s{"up", {40, 55, 60}, 50, 70};
  s.dfe_sn = 65;
  FindingCall c = ClassifyFinding(Indicator(s));
  EXPECT_EQ(c.kind, FindingKind::kStrength);
  ASSERT_TRUE(c.compared_with.has_value());
  EXPECT_EQ(c.compared_with->entity(), "SN:301");
  // No neighbours' series: DfE's published average, labelled as DfE's.
  s.sn = NAN;
  c = ClassifyFinding(Indicator(s));
  EXPECT_EQ(c.kind, FindingKind::kToWatch);        // 60 against 65: worse, improving
  EXPECT_EQ(c.compared_with->value().value(), 65);
  EXPECT_NE(c.compared_with->label().find("as DfE published it for 2015-16"), std::string::npos);
  EXPECT_EQ(c.reasons.front(), "worse than neighbours");
  // No neighbours at all: England's series (70), then DfE's England.
  s.dfe_sn = NAN;
  c = ClassifyFinding(Indicator(s));
  EXPECT_EQ(c.compared_with->entity(), "ENG");
  EXPECT_EQ(c.reasons.front(), "worse than England");
  s.eng = NAN;
  s.dfe_eng = 55;
  c = ClassifyFinding(Indicator(s));
  EXPECT_EQ(c.kind, FindingKind::kStrength);
  EXPECT_EQ(c.compared_with->value().value(), 55);
  EXPECT_NE(c.compared_with->label().find("DfE published"), std::string::npos);
}

TEST(FindingsRuleTest, NothingToJudgeIsNotListedAndAMissingYearIsOnlyWatched) {
  EXPECT_EQ(KindOf({"none", {40, 55, 60}, 50}), FindingKind::kNotListed);
  EXPECT_EQ(KindOf({"up", {40, 55, NAN}, 50}), FindingKind::kNotListed);   // no latest figure
  // Better than neighbours but last year missing: the direction is not judged, so not
  // shown to be "not deteriorating".
  FindingCall c = ClassifyFinding(Indicator({"up", {40, NAN, 60}, 50}));
  EXPECT_EQ(c.kind, FindingKind::kToWatch);
  EXPECT_EQ(c.reasons.back(), "direction not judged");
}

// --- The report: areas, questions, slots, counts ----------------------------------

// Re-referrals and repeat plans as the synthetic borough has them: better than the
// neighbours and stable, the repeat plans compared only with DfE's published average.
FakeMetrics SyntheticLike() {
  FakeMetrics m = Data();
  m.Put("301", "cpp_repeat_pct", "", 2013, 13, 52, 400);
  m.Put("301", "cpp_repeat_pct", "", 2014, 11, 47, 430);
  m.Put("301", "cpp_repeat_pct", "", 2015, 11, 34, 310);
  v1::LaBenchmark b;
  b.set_la("301");
  b.set_indicator("cpp_repeat_pct");
  b.set_period("2015-16");
  b.set_status("mapped");
  b.set_polarity("Low");
  b.set_england(18);
  b.set_region_code("986");
  b.set_region_name("London");
  b.set_region(14);
  b.set_neighbours_average(17);
  b.set_neighbours_with_value(9);
  b.set_neighbours_listed(10);
  b.set_rank(4);
  b.set_rank_of(148);
  b.set_quartile("A");
  m.benchmarks[{"cpp_repeat_pct", 2015}] = b;
  return m;
}

TEST(SelfAssessmentTest, RereferralsAndRepeatPlansBetterThanNeighboursAndStableAreStrengths) {
  FakeMetrics m = SyntheticLike();
  // Re-referrals stable too: 20.2 then 20.
  m.Put("301", "rereferral_12m_pct", "", 2014, 20.2, 202, 1000);
  auto sa = BuildSelfAssessment("301", "2015-16", m, nullptr, 0);
  ASSERT_TRUE(sa.ok()) << sa.status();
  EXPECT_EQ(Find(*sa, "rereferral_12m_pct")->direction(), v1::STABLE);
  EXPECT_EQ(Find(*sa, "cpp_repeat_pct")->direction(), v1::STABLE);
  ASSERT_NE(FindingOf(sa->strengths(), "rereferral_12m_pct"), nullptr);
  const v1::Finding* repeat = FindingOf(sa->strengths(), "cpp_repeat_pct");
  ASSERT_NE(repeat, nullptr);
  EXPECT_EQ(repeat->area(), "help_and_protection");
  // Its rating, against the same published figure, is green: the two agree.
  EXPECT_EQ(Find(*sa, "cpp_repeat_pct")->rating(), v1::GREEN);
  EXPECT_NE(Find(*sa, "cpp_repeat_pct")->rated_against().label().find("DfE published"), std::string::npos);
  // The neighbours' figure it is compared with is among its evidence, marked as DfE's.
  ASSERT_EQ(repeat->evidence_size(), 4);
  EXPECT_EQ(repeat->evidence(3).value().value(), 17);
  EXPECT_NE(repeat->evidence(3).name().find("as DfE published it for 2015-16"), std::string::npos);
  EXPECT_GE(sa->strengths_size(), 2);
}

TEST(SelfAssessmentTest, DfEsPublishedComparatorsAndRankInTheEvidenceTables) {
  FakeMetrics m = SyntheticLike();
  auto sa = BuildSelfAssessment("301", "2015-16", m, nullptr, 0);
  ASSERT_TRUE(sa.ok()) << sa.status();
  const v1::AssessedIndicator* repeat = Find(*sa, "cpp_repeat_pct");
  ASSERT_NE(repeat, nullptr);
  EXPECT_EQ(repeat->dfe().status(), "mapped");
  EXPECT_EQ(repeat->dfe().england().value(), 18);
  EXPECT_EQ(repeat->dfe().neighbours().value(), 17);
  EXPECT_EQ(repeat->dfe().rank(), 4);
  EXPECT_EQ(repeat->dfe().rank_of(), 148);
  // A local measure DfE does not know has none; GetBenchmark is asked once per indicator,
  // the reconciliation reusing the answer.
  EXPECT_TRUE(Find(*sa, "cp_visits_timely_pct")->dfe().status().empty() ||
              Find(*sa, "cp_visits_timely_pct")->dfe().status() == "not published by DfE");
  for (const auto& [key, n] : m.benchmark_asked) EXPECT_EQ(n, 1) << key.first;

  auto md = Render(*sa, v1::MARKDOWN);
  ASSERT_TRUE(md.ok());
  // Three years, direction, England, London and neighbours as DfE's (marked), its rank.
  EXPECT_NE(md->content().find("| Second or subsequent plans | 13% | 11% | 11% | stable | 18% \u2020 | 14% \u2020 | "
                               "17% \u2020 | rank 4 of 148, quartile A | none | green |"),
            std::string::npos)
      << md->content();
  EXPECT_NE(md->content().find("\u2020 DfE's published figure"), std::string::npos);
  auto html = Render(*sa, v1::HTML);
  ASSERT_TRUE(html.ok());
  EXPECT_NE(html->content().find("<td class=\"num dfe\">17% \u2020</td><td>rank 4 of 148, quartile A</td>"),
            std::string::npos);
  auto csv = Render(*sa, v1::CSV);
  ASSERT_TRUE(csv.ok());
  for (const auto& f : csv->files()) {
    if (f.name() != "cin_cp.csv") continue;
    EXPECT_NE(f.content().find("DfE neighbours average,DfE rank,rank of,DfE quartile"), std::string::npos);
    EXPECT_NE(f.content().find(",mapped,2015-16,,18,London,14,17,4,148,A"), std::string::npos) << f.content();
  }
}

// The lines of `text` from the line `from` (exclusive) up to the next blank line.
std::vector<std::string> Block(const std::string& text, size_t from) {
  std::vector<std::string> out;
  std::istringstream in(text.substr(text.find('\n', from) + 1));
  std::string line;
  bool started = false;
  while (std::getline(in, line)) {
    if (line.empty()) {
      if (started) break;
      continue;
    }
    started = true;
    out.push_back(line);
  }
  return out;
}

size_t Occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The summary's count of a list, read from the Markdown ("- Strengths: 3").
int MdCount(const std::string& md, const std::string& name) {
  const size_t at = md.find("\n- " + name + ": ");
  EXPECT_NE(at, std::string::npos) << name;
  return at == std::string::npos ? -1 : std::atoi(md.c_str() + at + 5 + name.size());
}

TEST(SelfAssessmentTest, SummaryCountsEqualTheListedItemsInEveryFormat) {
  FakeMetrics m = SyntheticLike();
  auto sa = BuildSelfAssessment("301", "2015-16", m, nullptr, 0);
  ASSERT_TRUE(sa.ok()) << sa.status();
  ASSERT_GT(sa->strengths_size(), 0);
  ASSERT_GT(sa->areas_for_focus_size(), 0);
  ASSERT_GT(sa->to_watch_size(), 0);
  // Every finding is in an area the report has.
  std::set<std::string> areas;
  for (const auto& a : sa->areas()) areas.insert(a.id());
  for (const auto* list : {&sa->strengths(), &sa->areas_for_focus(), &sa->to_watch()}) {
    for (const auto& f : *list) EXPECT_TRUE(areas.count(f.area())) << f.indicator() << " " << f.area();
  }

  // Markdown: "- Strengths: N" in the summary; N list items under the areas' "#### Strengths".
  auto md = Render(*sa, v1::MARKDOWN);
  ASSERT_TRUE(md.ok());
  const std::string& text = md->content();
  const std::map<std::string, int> expected = {{"Strengths", sa->strengths_size()},
                                               {"Areas for focus", sa->areas_for_focus_size()},
                                               {"To watch", sa->to_watch_size()}};
  for (const auto& [name, n] : expected) {
    EXPECT_EQ(MdCount(text, name), n) << name;
    int items = 0;
    for (size_t at = text.find("#### " + name + "\n"); at != std::string::npos;
         at = text.find("#### " + name + "\n", at + 1)) {
      for (const auto& line : Block(text, at)) items += line.rfind("- ", 0) == 0 ? 1 : 0;
    }
    EXPECT_EQ(items, n) << name;
  }

  // HTML: the cards' counts, and the <li> of each list's <ul>s.
  auto html = Render(*sa, v1::HTML);
  ASSERT_TRUE(html.ok());
  const std::string& h = html->content();
  for (const auto& [cls, n] : std::map<std::string, int>{{"strengths", sa->strengths_size()},
                                                         {"areas-for-focus", sa->areas_for_focus_size()},
                                                         {"to-watch", sa->to_watch_size()}}) {
    EXPECT_NE(h.find("data-count=\"" + cls + "\">" + std::to_string(n) + "<"), std::string::npos) << cls;
    int items = 0;
    for (size_t at = h.find("<ul class=\"findings " + cls + "\">"); at != std::string::npos;
         at = h.find("<ul class=\"findings " + cls + "\">", at + 1)) {
      const size_t end = h.find("</ul>", at);
      items += static_cast<int>(Occurrences(h.substr(at, end - at), "<li"));
    }
    EXPECT_EQ(items, n) << cls;
  }

  // CSV (and so XLSX, made from the same tables): summary.csv's counts are the findings in
  // each list's file.
  auto csv = Render(*sa, v1::CSV);
  ASSERT_TRUE(csv.ok());
  std::map<std::string, std::string> files;
  for (const auto& f : csv->files()) files[f.name()] = f.content();
  EXPECT_NE(files["summary.csv"].find("strengths," + std::to_string(sa->strengths_size()) + "\n"), std::string::npos)
      << files["summary.csv"];
  EXPECT_NE(files["summary.csv"].find("areas for focus," + std::to_string(sa->areas_for_focus_size()) + "\n"),
            std::string::npos);
  EXPECT_NE(files["summary.csv"].find("to watch," + std::to_string(sa->to_watch_size()) + "\n"), std::string::npos);
  for (const auto& [file, n] : std::map<std::string, int>{{"strengths.csv", sa->strengths_size()},
                                                          {"areas_for_focus.csv", sa->areas_for_focus_size()},
                                                          {"to_watch.csv", sa->to_watch_size()}}) {
    std::set<std::string> indicators;
    std::istringstream in(files[file]);
    CsvReader reader(in);
    std::vector<std::string> row;
    ASSERT_TRUE(reader.Next(&row)) << file;  // the header: area,section,indicator,...
    ASSERT_GE(row.size(), 3u) << file;
    EXPECT_EQ(row[2], "indicator") << file;
    while (reader.Next(&row)) {
      ASSERT_GE(row.size(), 3u) << file << " line " << reader.line();
      indicators.insert(row[2]);
    }
    EXPECT_EQ(reader.error(), "") << file;
    EXPECT_EQ(static_cast<int>(indicators.size()), n) << file;
  }
  auto xlsx = Render(*sa, v1::XLSX);
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();

  // JSON: the lists and areas read back whole.
  auto json = Render(*sa, v1::JSON);
  ASSERT_TRUE(json.ok());
  v1::SelfAssessment back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json->content(), &back).ok());
  EXPECT_EQ(back.strengths_size(), sa->strengths_size());
  EXPECT_EQ(back.areas_for_focus_size(), sa->areas_for_focus_size());
  EXPECT_EQ(back.to_watch_size(), sa->to_watch_size());
  EXPECT_EQ(back.areas_size(), 3);

  // The rule is in the notes.
  EXPECT_NE(text.find(kFindingsRule), std::string::npos);
}

TEST(SelfAssessmentTest, EachJudgementAreaAnswersTheThreeQuestions) {
  FakeMetrics m = Data();
  auto sa = BuildSelfAssessment("301", "2015-16", m, nullptr, 0);
  ASSERT_TRUE(sa.ok()) << sa.status();
  ASSERT_EQ(sa->areas_size(), 3);
  EXPECT_EQ(sa->areas(0).title(), "The experiences and progress of children who need help and protection");
  EXPECT_EQ(sa->areas(1).title(), "The experiences and progress of children in care and care leavers");
  EXPECT_EQ(sa->areas(2).title(), "The impact of leaders on social work practice with children and families");
  for (const auto& a : sa->areas()) {
    ASSERT_EQ(a.evidence_size(), 3) << a.id();
    EXPECT_EQ(a.evidence(0).title(), "Audit findings");
    EXPECT_EQ(a.evidence(1).title(), "Children's and families' voices");
    EXPECT_EQ(a.evidence(2).title(), "Workforce evidence");
    EXPECT_EQ(a.plans().title(), "Plans for the next 12 months");
    bool has_table = false;
    for (const auto& s : sa->sections()) has_table |= s.area() == a.id();
    EXPECT_TRUE(has_table) << a.id();
  }
  EXPECT_EQ(sa->areas(0).evidence(0).placeholder(),
            "Audit findings: not yet written. Add them under '## Help and protection / Audit findings' in the "
            "narrative file.");

  // A slot the council has written shows its paragraphs; the others say they are empty.
  v1::SelfAssessment filled = *sa;
  filled.mutable_areas(1)->mutable_evidence(1)->add_paragraphs("Care leavers told us the drop-in helps.");
  filled.mutable_areas(1)->mutable_evidence(1)->add_paragraphs("Children in care council minutes, March.");
  for (v1::Format format : {v1::MARKDOWN, v1::HTML, v1::CSV}) {
    auto out = Render(filled, format);
    ASSERT_TRUE(out.ok());
    // CSV: the slots are words, in narrative.csv (the long file holds numbers only).
    std::string text = out->content();
    for (const auto& f : out->files()) {
      if (f.name() == "narrative.csv") text = f.content();
    }
    auto in = [&](const std::string& s) {
      return text.find(format == v1::HTML ? HtmlEscape(s) : s) != std::string::npos;
    };
    for (int i = 0; i < filled.areas_size(); ++i) {
      const v1::JudgementArea& a = filled.areas(i);
      EXPECT_TRUE(in(a.title())) << a.id();
      for (const auto& slot : a.evidence()) {
        EXPECT_EQ(in(slot.placeholder()), slot.paragraphs().empty()) << v1::Format_Name(format) << " "
                                                                      << slot.placeholder();
      }
      EXPECT_TRUE(in(a.plans().placeholder())) << v1::Format_Name(format);
    }
    EXPECT_TRUE(in("Care leavers told us the drop-in helps.")) << v1::Format_Name(format);
    EXPECT_TRUE(in("Children in care council minutes, March.")) << v1::Format_Name(format);
  }
  // The three questions, once per area, in the reading formats; data quality under the
  // impact of leaders.
  for (v1::Format format : {v1::MARKDOWN, v1::HTML}) {
    auto out = Render(*sa, format);
    ASSERT_TRUE(out.ok());
    const std::string& text = out->content();
    EXPECT_EQ(Occurrences(text, std::string(kWhatDoWeKnow)), 3u);
    EXPECT_EQ(Occurrences(text, std::string(kHowDoWeKnow)), 3u);
    EXPECT_EQ(Occurrences(text, ">Plans for the next 12 months<") + Occurrences(text, "### Plans for the next 12 months\n"),
              3u);
    const size_t leaders = text.find(sa->areas(2).title());
    const size_t quality = text.find("Data quality");
    ASSERT_NE(quality, std::string::npos);
    EXPECT_GT(quality, leaders);
    EXPECT_LT(quality, text.rfind("Notes on the figures"));
  }
  auto csv = Render(filled, v1::CSV);
  ASSERT_TRUE(csv.ok());
  std::string narrative;
  for (const auto& f : csv->files()) {
    if (f.name() == "narrative.csv") narrative = f.content();
  }
  EXPECT_EQ(Occurrences(narrative, ",not yet written,"), 11u) << narrative;
  EXPECT_EQ(Occurrences(narrative, ",written,"), 1u);
}

TEST(SelfAssessmentTest, PublishedFindingsQuoteSuppressedFiguresAsC) {
  // The LA's figures in a finding's sentence are cells: disclosure control reaches them.
  FakeMetrics m = Data();
  m.Put("301", "cpp_repeat_pct", "", 2014, 12, 3, 25);
  m.Put("301", "cpp_repeat_pct", "", 2015, 8, 2, 25);
  m.Put("SN:301", "cpp_repeat_pct", "", 2015, 17);
  auto sa = BuildSelfAssessment("301", "2015-16", m, nullptr, 0);
  ASSERT_TRUE(sa.ok());
  ASSERT_NE(FindingOf(sa->strengths(), "cpp_repeat_pct"), nullptr);
  auto internal = Render(*sa, v1::MARKDOWN);
  ASSERT_TRUE(internal.ok());
  EXPECT_NE(internal->content().find("Second or subsequent plans: 8% in 2015-16 (12% in 2014-15)"), std::string::npos)
      << internal->content();
  auto pub = Render(*sa, v1::MARKDOWN, /*publish=*/true);
  ASSERT_TRUE(pub.ok());
  EXPECT_NE(pub->content().find("Second or subsequent plans: c in 2015-16 (c in 2014-15)"), std::string::npos)
      << pub->content();
}

}  // namespace
}  // namespace carestat
