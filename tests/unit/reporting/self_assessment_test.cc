// The self-assessment: sections, three-year trends, ratings, direction of travel,
// strengths and areas for focus with their evidence, and the data-quality section.
#include <gtest/gtest.h>

#include <google/protobuf/util/json_util.h>

#include "services/metrics/reference/lait.h"
#include "services/reporting/format.h"
#include "services/reporting/render/render.h"
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

TEST(SelfAssessmentTest, SixSectionsWithThreeYearTrends) {
  FakeMetrics m = Data();
  auto sa = BuildSelfAssessment("301", "2015-16", m, nullptr, 0);
  ASSERT_TRUE(sa.ok()) << sa.status();
  ASSERT_GE(sa->sections_size(), 6);
  const char* ids[] = {"front_door", "cin_cp", "looked_after", "care_leavers", "adoption", "workforce"};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(sa->sections(i).id(), ids[i]);
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
  // The supplied measure no section names gets its own.
  EXPECT_EQ(sa->sections(sa->sections_size() - 1).id(), "other");
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
  ASSERT_EQ(rereferral->evidence_size(), 4);   // three years and the neighbours
  EXPECT_EQ(rereferral->evidence(2).name(), "2015-16");
  EXPECT_EQ(rereferral->evidence(2).value().value(), 20);
  EXPECT_EQ(rereferral->evidence(3).name(), "Statistical neighbours");
  EXPECT_EQ(rereferral->evidence(3).value().value(), 22);
  // No neighbour figure: improving and within the DfE threshold.
  const v1::Finding* a2 = FindingOf(sa->strengths(), "adoption_a2_days_3yr");
  ASSERT_NE(a2, nullptr);
  EXPECT_NE(a2->statement().find("on target"), std::string::npos) << a2->statement();
  // Improving but worse than neighbours: not a strength; an area for focus.
  EXPECT_EQ(FindingOf(sa->strengths(), "agency_sw_rate_pct"), nullptr);
  const v1::Finding* agency = FindingOf(sa->areas_for_focus(), "agency_sw_rate_pct");
  ASSERT_NE(agency, nullptr);
  EXPECT_EQ(std::vector<std::string>(agency->reasons().begin(), agency->reasons().end()),
            std::vector<std::string>{"worse than neighbours"});
  // Off target and worse than neighbours, with the target among the evidence.
  const v1::Finding* assess = FindingOf(sa->areas_for_focus(), "assessment_timeliness_pct");
  ASSERT_NE(assess, nullptr);
  EXPECT_EQ(assess->reasons_size(), 2);
  EXPECT_EQ(assess->evidence(assess->evidence_size() - 1).name(), "local target");
  EXPECT_EQ(assess->evidence(assess->evidence_size() - 1).value().value(), 80);
  // Deteriorating.
  const v1::Finding* core = FindingOf(sa->areas_for_focus(), "cp_core_groups_held_pct");
  ASSERT_NE(core, nullptr);
  EXPECT_NE(std::find(core->reasons().begin(), core->reasons().end(), "deteriorating"), core->reasons().end());
  // Polarity none never appears.
  EXPECT_EQ(FindingOf(sa->areas_for_focus(), "referrals"), nullptr);
  EXPECT_EQ(FindingOf(sa->strengths(), "referrals"), nullptr);
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

}  // namespace
}  // namespace carestat
