// Children in need and child protection families. Each expected number is stated with
// why, from INDICATORS.md's definitions; working-day counts use the shipped England and
// Wales bank holiday table and are worked out by hand beside each case.
#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "services/common/dates.h"
#include "services/metrics/indicators/context.h"

namespace carestat {
namespace {

// A census for `year` covers 2015-16 when year is 2016.
v1::ReturnInfo Census(int year) {
  v1::ReturnInfo r;
  r.set_la("301");
  r.set_collection_year(year);
  r.set_dataset("cin-census");
  r.set_return_id("301/" + std::to_string(year) + "/cin-census");
  return r;
}

struct Ymd {
  int y, m, d;
};
using OptDate = std::optional<Ymd>;

v1::Record InReturn(int return_year) {
  v1::Record r;
  r.set_return_id("301/" + std::to_string(return_year) + "/cin-census");
  return r;
}

void Set(const OptDate& d, v1::Date* out) {
  if (d) *out = MakeDate(d->y, d->m, d->d);
}

v1::Record Referral(const std::string& child, Ymd start, OptDate closure, int return_year = 2016) {
  v1::Record r = InReturn(return_year);
  r.mutable_referral()->set_child_id(child);
  Set(start, r.mutable_referral()->mutable_referral_date());
  Set(closure, r.mutable_referral()->mutable_closure_date());
  return r;
}

v1::Record Assessment(const std::string& child, OptDate start, Ymd authorised, int return_year = 2016) {
  v1::Record r = InReturn(return_year);
  r.mutable_assessment()->set_child_id(child);
  Set(start, r.mutable_assessment()->mutable_start_date());
  Set(authorised, r.mutable_assessment()->mutable_authorisation_date());
  return r;
}

v1::Record Section47(const std::string& child, Ymd start, OptDate icpc, int return_year = 2016) {
  v1::Record r = InReturn(return_year);
  r.mutable_section47()->set_child_id(child);
  Set(start, r.mutable_section47()->mutable_start_date());
  Set(icpc, r.mutable_section47()->mutable_icpc_date());
  return r;
}

v1::Record Plan(const std::string& child, Ymd start, OptDate end, const std::string& initial = "NEG",
                const std::string& latest = "", int return_year = 2016) {
  v1::Record r = InReturn(return_year);
  v1::CpPlan* p = r.mutable_cp_plan();
  p->set_child_id(child);
  Set(start, p->mutable_start_date());
  Set(end, p->mutable_end_date());
  p->set_initial_category(initial);
  p->set_latest_category(latest);
  return r;
}

v1::Record PlanWithPrevious(const std::string& child, Ymd start, bool known, int previous) {
  v1::Record r = Plan(child, start, std::nullopt);
  r.mutable_cp_plan()->set_previous_plans_known(known);
  r.mutable_cp_plan()->set_previous_plans(previous);
  return r;
}

// "indicator{breakdown}/period" -> point
using Points = std::map<std::string, v1::IndicatorPoint>;

Points Compute(RecordSet& set, const std::set<int>& years, std::vector<v1::IndicatorPoint>* all = nullptr) {
  static const Populations pops = [] {
    auto p = Populations::Parse("entity,mid_year,age_band,population,source\n301,2015,0-17,50000,test\n");
    EXPECT_TRUE(p.ok());
    return *p;
  }();
  set.Finalize();
  PointWriter out("301", 0);
  for (int fy : years) {
    FamilyInput in{set, pops, WorkingDays::Shipped(), fy};
    ComputeChildrenInNeed(in, out);
    ComputeChildProtection(in, out);
  }
  Points by_key;
  for (const auto& p : out.points()) {
    std::string key = p.indicator();
    if (!p.breakdown().empty()) key += "{" + p.breakdown() + "}";
    key += "/" + FormatPeriod(p.period());
    EXPECT_EQ(by_key.count(key), 0u) << "two points for " << key;
    by_key[key] = p;
  }
  if (all) *all = out.points();
  return by_key;
}

int32_t Day(int y, int m, int d) { return DayNumber(y, m, d); }

TEST(ChildrenInNeedTest, OpenCasesAtThirtyFirstMarch) {
  RecordSet set("301");
  set.AddReturn(Census(2016));
  set.Add(Referral("a", {2016, 3, 31}, std::nullopt));  // opened on S itself: open
  set.Add(Referral("b", {2016, 4, 1}, std::nullopt, 2017));  // opened after S: not open
  set.Add(Referral("c", {2015, 1, 1}, Ymd{2016, 3, 31}));  // closed on S: not open at S
  set.Add(Referral("d", {2015, 1, 1}, Ymd{2016, 4, 1}));  // closed the day after S: open
  // One child with two open episodes is one child.
  set.Add(Referral("e", {2015, 5, 1}, std::nullopt));
  set.Add(Referral("e", {2015, 9, 1}, std::nullopt));
  auto pts = Compute(set, {2015, 2016});

  // a, d and e.
  EXPECT_EQ(pts["cin_open_year_end/2015-16"].value(), 3);
  EXPECT_EQ(pts["cin_open_year_end/2015-16"].sources_size(), 1);
  // 3 / 50,000 x 10,000
  EXPECT_DOUBLE_EQ(pts["cin_rate/2015-16"].value(), 0.6);
  // Monthly snapshots at each month's last day. 30 April 2015: c and d (e starts in
  // May, a in March 2016).
  EXPECT_EQ(pts["cin_open_year_end/2015-04"].value(), 2);
  // 31 May 2015: c, d and e.
  EXPECT_EQ(pts["cin_open_year_end/2015-05"].value(), 3);
  // 29 February 2016: c, d, e; a has not started and c is still open.
  EXPECT_EQ(pts["cin_open_year_end/2016-02"].value(), 3);
  // 31 March 2016 is the year-end: a in, c out.
  EXPECT_EQ(pts["cin_open_year_end/2016-03"].value(), 3);

  // The census carries assessments and s47s too: none of them is zero, with a value,
  // while the percentages have a zero denominator and so no value.
  EXPECT_TRUE(pts["assessments_completed/2015-16"].has_value());
  EXPECT_EQ(pts["assessments_completed/2015-16"].value(), 0);
  ASSERT_EQ(pts.count("assessment_timeliness_pct/2015-16"), 1u);
  EXPECT_FALSE(pts["assessment_timeliness_pct/2015-16"].has_value());
  EXPECT_EQ(pts["assessment_timeliness_pct/2015-16"].denominator(), 0);
  ASSERT_EQ(pts.count("icpc_timeliness_pct/2015-16"), 1u);
  EXPECT_FALSE(pts["icpc_timeliness_pct/2015-16"].has_value());

  // No census for 2016-17 (collection year 2017): b's referral is loaded but the year
  // has no point at all, not zero.
  EXPECT_EQ(pts.count("cin_open_year_end/2016-17"), 0u);
  EXPECT_EQ(pts.count("cin_open_year_end/2016-04"), 0u);
  EXPECT_EQ(pts.count("assessments_completed/2016-17"), 0u);
  EXPECT_EQ(pts.count("s47_enquiries/2016-17"), 0u);
  EXPECT_EQ(pts.count("icpc_timeliness_pct/2016-17"), 0u);
}

TEST(ChildrenInNeedTest, AssessmentsWithin45WorkingDaysAcrossChristmasAndEaster) {
  const WorkingDays& wd = WorkingDays::Shipped();
  // Christmas 2015: from Monday 16 November 2015, November gives 10 working days
  // (17-20, 23-27, 30), December 21 more (1-4, 7-11, 14-18, 21-24, 29-31; Friday 25 and
  // Monday 28 December are bank holidays) = 31, then January (Friday 1 January a
  // holiday) 4-8, 11-15 = 41, 18-21 = 45 on Thursday 21 January and 46 on Friday 22.
  // Weekdays alone would give 48 and 49.
  ASSERT_EQ(wd.Between(Day(2015, 11, 16), Day(2016, 1, 21)), 45);
  ASSERT_EQ(wd.Between(Day(2015, 11, 16), Day(2016, 1, 22)), 46);
  // Easter 2016: from Monday 1 February 2016, February gives 20 (2-5, 8-12, 15-19,
  // 22-26, 29), March 21 (1-4, 7-11, 14-18, 21-24, 29-31; Good Friday 25 and Easter
  // Monday 28 March are holidays) = 41, then 1, 4, 5, 6 April = 45 on Wednesday 6 April
  // and 46 on Thursday 7 April. Weekdays alone would give 47 and 48.
  ASSERT_EQ(wd.Between(Day(2016, 2, 1), Day(2016, 4, 6)), 45);
  ASSERT_EQ(wd.Between(Day(2016, 2, 1), Day(2016, 4, 7)), 46);

  RecordSet set("301");
  set.AddReturn(Census(2016));
  set.AddReturn(Census(2017));
  set.Add(Assessment("a", Ymd{2015, 11, 16}, {2016, 1, 21}));  // 45: in time
  set.Add(Assessment("b", Ymd{2015, 11, 16}, {2016, 1, 22}));  // 46: late
  // No start date: completed on 31 March (in 2015-16), but cannot be timed.
  set.Add(Assessment("c", std::nullopt, {2016, 3, 31}));
  set.Add(Assessment("d", Ymd{2016, 2, 1}, {2016, 4, 6}, 2017));  // 45: in time, 2016-17
  set.Add(Assessment("e", Ymd{2016, 2, 1}, {2016, 4, 7}, 2017));  // 46: late, 2016-17
  // Authorised on 1 April: 2016-17. 21-24, 29-31 March and 1 April = 8 working days.
  set.Add(Assessment("f", Ymd{2016, 3, 20}, {2016, 4, 1}, 2017));
  auto pts = Compute(set, {2015, 2016});

  // a, b and c were authorised in 2015-16 (c on 31 March).
  EXPECT_EQ(pts["assessments_completed/2015-16"].value(), 3);
  // a of a and b: c has no start date and is out of the denominator (with it 1/3;
  // counted as in time 2/3).
  EXPECT_DOUBLE_EQ(pts["assessment_timeliness_pct/2015-16"].value(), 50.0);
  EXPECT_EQ(pts["assessment_timeliness_pct/2015-16"].denominator(), 2);
  // d, e and f in 2016-17; d and f in time.
  EXPECT_EQ(pts["assessments_completed/2016-17"].value(), 3);
  EXPECT_DOUBLE_EQ(pts["assessment_timeliness_pct/2016-17"].value(), 200.0 / 3);
  EXPECT_EQ(pts["assessment_timeliness_pct/2016-17"].numerator(), 2);
  // Monthly flows: a and b in January, c in March, d, e and f in April.
  EXPECT_EQ(pts["assessments_completed/2016-01"].value(), 2);
  EXPECT_EQ(pts["assessments_completed/2016-03"].value(), 1);
  EXPECT_EQ(pts["assessments_completed/2016-04"].value(), 3);
  EXPECT_EQ(pts["assessments_completed/2015-12"].value(), 0);
  EXPECT_EQ(pts["assessments_completed/2016-04"].sources(0), "301/2017/cin-census");
}

TEST(ChildrenInNeedTest, Section47sAndConferencesWithin15WorkingDays) {
  const WorkingDays& wd = WorkingDays::Shipped();
  // From Monday 14 December 2015: 15-18, 21-24 December = 8, 29-31 = 11 (25 and 28
  // December are holidays), 4-7 January = 15 (1 January a holiday), 8 January = 16.
  ASSERT_EQ(wd.Between(Day(2015, 12, 14), Day(2016, 1, 7)), 15);
  ASSERT_EQ(wd.Between(Day(2015, 12, 14), Day(2016, 1, 8)), 16);
  // From Monday 14 March 2016: 15-18, 21-24 = 8, 29-31 = 11 (Easter 25 and 28 March),
  // 1 April = 12, 4-6 April = 15, 7 April = 16.
  ASSERT_EQ(wd.Between(Day(2016, 3, 14), Day(2016, 4, 6)), 15);
  ASSERT_EQ(wd.Between(Day(2016, 3, 14), Day(2016, 4, 7)), 16);

  RecordSet set("301");
  set.AddReturn(Census(2016));
  set.AddReturn(Census(2017));
  set.Add(Section47("a", {2015, 12, 14}, Ymd{2016, 1, 7}));  // 15: in time
  set.Add(Section47("b", {2015, 12, 14}, Ymd{2016, 1, 8}));  // 16: late
  // Enquiries of 2015-16 whose conferences are in 2016-17.
  set.Add(Section47("c", {2016, 3, 14}, Ymd{2016, 4, 6}));  // 15: in time
  set.Add(Section47("d", {2016, 3, 14}, Ymd{2016, 4, 7}));  // 16: late
  set.Add(Section47("e", {2016, 3, 31}, Ymd{2016, 4, 1}));  // 1: in time
  set.Add(Section47("f", {2016, 4, 1}, std::nullopt, 2017));  // no conference
  auto pts = Compute(set, {2015, 2016});

  // Started a to e by 31 March 2016; f on 1 April is 2016-17.
  EXPECT_EQ(pts["s47_enquiries/2015-16"].value(), 5);
  EXPECT_EQ(pts["s47_enquiries/2016-17"].value(), 1);
  EXPECT_EQ(pts["s47_enquiries/2016-03"].value(), 3);
  EXPECT_EQ(pts["s47_enquiries/2016-04"].value(), 1);
  // 5 / 50,000 x 10,000 = 1; no mid-2016 population in the table: no 2016-17 rate.
  EXPECT_DOUBLE_EQ(pts["s47_rate/2015-16"].value(), 1.0);
  EXPECT_EQ(pts.count("s47_rate/2016-17"), 0u);
  // Conferences are dated by their own date: a and b in 2015-16, a in time.
  EXPECT_DOUBLE_EQ(pts["icpc_timeliness_pct/2015-16"].value(), 50.0);
  EXPECT_EQ(pts["icpc_timeliness_pct/2015-16"].denominator(), 2);
  // c, d and e in 2016-17; c and e in time.
  EXPECT_DOUBLE_EQ(pts["icpc_timeliness_pct/2016-17"].value(), 200.0 / 3);
  EXPECT_EQ(pts["icpc_timeliness_pct/2016-17"].denominator(), 3);
}

TEST(ChildProtectionTest, PlansOpenAtThirtyFirstMarch) {
  RecordSet set("301");
  set.AddReturn(Census(2016));
  set.AddReturn(Census(2017));
  // a: one child with two open plans; the first's latest category replaces its initial.
  set.Add(Plan("a", {2015, 6, 1}, std::nullopt, "NEG", "EMO"));
  set.Add(Plan("a", {2015, 9, 1}, std::nullopt, "PHY", ""));  // no latest: initial PHY
  // b: started on S, open; in both censuses, so one plan with two sources.
  set.Add(Plan("b", {2016, 3, 31}, std::nullopt, "NEG", "", 2016));
  set.Add(Plan("b", {2016, 3, 31}, std::nullopt, "NEG", "", 2017));
  set.Add(Plan("c", {2015, 5, 1}, Ymd{2016, 3, 31}));  // ended on S: not open
  set.Add(Plan("d", {2016, 4, 1}, std::nullopt, "NEG", "", 2017));  // starts after S
  set.Add(Plan("e", {2014, 1, 1}, Ymd{2016, 4, 1}, "SAB", "MUL"));  // ends after S: open
  auto pts = Compute(set, {2014, 2015});

  // Children a, b and e (a's two plans are one child).
  EXPECT_EQ(pts["cpp_year_end/2015-16"].value(), 3);
  EXPECT_EQ(pts["cpp_year_end/2015-16"].sources_size(), 2);  // b is in both returns
  // 3 / 50,000 x 10,000, stored unrounded.
  EXPECT_DOUBLE_EQ(pts["cpp_rate/2015-16"].value(), 0.6);
  // Month ends: 30 April 2015 only e; 31 May c and e; 29 February 2016 a, c, e; 31
  // March a, b, e.
  EXPECT_EQ(pts["cpp_year_end/2015-04"].value(), 1);
  EXPECT_EQ(pts["cpp_year_end/2015-05"].value(), 2);
  EXPECT_EQ(pts["cpp_year_end/2016-02"].value(), 3);
  EXPECT_EQ(pts["cpp_year_end/2016-03"].value(), 3);

  // Started in 2015-16: a's two (each counts), b on 31 March and c; not d (1 April) or e.
  EXPECT_EQ(pts["cpp_started/2015-16"].value(), 4);
  EXPECT_EQ(pts["cpp_started/2015-06"].value(), 1);
  EXPECT_EQ(pts["cpp_started/2016-03"].value(), 1);
  // Ceased in 2015-16: c on 31 March; e's 1 April end is 2016-17.
  EXPECT_EQ(pts["cpp_ceased/2015-16"].value(), 1);
  EXPECT_EQ(pts["cpp_ceased/2016-03"].value(), 1);
  EXPECT_EQ(pts["cpp_ceased/2015-04"].value(), 0);

  // Of the 4 plans open at S (a twice, b, e; plans, not children): EMO a's first
  // (latest), PHY a's second (initial), NEG b, MUL e (latest; its initial SAB is not
  // counted). Initial categories would give NEG 50, SAB 25; children would give thirds.
  EXPECT_DOUBLE_EQ(pts["cpp_category_pct{category=EMO}/2015-16"].value(), 25.0);
  EXPECT_DOUBLE_EQ(pts["cpp_category_pct{category=NEG}/2015-16"].value(), 25.0);
  EXPECT_DOUBLE_EQ(pts["cpp_category_pct{category=PHY}/2015-16"].value(), 25.0);
  EXPECT_DOUBLE_EQ(pts["cpp_category_pct{category=SAB}/2015-16"].value(), 0.0);
  EXPECT_TRUE(pts["cpp_category_pct{category=SAB}/2015-16"].has_value());
  EXPECT_DOUBLE_EQ(pts["cpp_category_pct{category=MUL}/2015-16"].value(), 25.0);
  EXPECT_EQ(pts["cpp_category_pct{category=MUL}/2015-16"].denominator(), 4);

  // No census for 2014-15 (collection year 2015): no points, though e was open then.
  EXPECT_EQ(pts.count("cpp_year_end/2014-15"), 0u);
  EXPECT_EQ(pts.count("cpp_year_end/2015-03"), 0u);
  EXPECT_EQ(pts.count("cpp_started/2014-15"), 0u);
  EXPECT_EQ(pts.count("cpp_category_pct{category=EMO}/2014-15"), 0u);
  EXPECT_EQ(pts.count("cpp_repeat_pct/2014-15"), 0u);
  // And a year without a census has no CIN points either.
  EXPECT_EQ(pts.count("cin_open_year_end/2014-15"), 0u);
}

TEST(ChildProtectionTest, RepeatPlansByAnEarlierPlanOrNumberOfPreviousCpp) {
  RecordSet set("301");
  set.AddReturn(Census(2016));
  // p: an earlier plan in the data (from the previous census) makes the second a repeat.
  set.Add(Plan("p", {2014, 6, 1}, Ymd{2015, 1, 1}, "NEG", "", 2015));
  set.Add(Plan("p", {2015, 10, 1}, std::nullopt));
  set.Add(PlanWithPrevious("q", {2015, 7, 1}, true, 1));   // NumberOfPreviousCPP 1: repeat
  set.Add(PlanWithPrevious("r", {2015, 7, 1}, true, 0));   // 0: first plan
  set.Add(PlanWithPrevious("s", {2015, 8, 1}, false, 2));  // not known: first plan
  // t: two plans in the year; the second is a repeat of the first.
  set.Add(Plan("t", {2015, 5, 1}, Ymd{2015, 8, 1}));
  set.Add(Plan("t", {2016, 2, 1}, std::nullopt));
  // u: a later plan (from a later census) does not make an earlier one a repeat.
  set.Add(Plan("u", {2015, 9, 1}, Ymd{2016, 12, 1}));
  set.Add(Plan("u", {2017, 1, 1}, std::nullopt, "NEG", "", 2017));
  // v: two rows with one start date; neither started before the other.
  set.Add(Plan("v", {2015, 11, 1}, std::nullopt));
  set.Add(Plan("v", {2015, 11, 1}, std::nullopt));
  std::vector<v1::IndicatorPoint> all;
  auto pts = Compute(set, {2015}, &all);

  // Started in 2015-16: p's second, q, r, s, t twice, u's first, v twice = 9.
  EXPECT_EQ(pts["cpp_started/2015-16"].value(), 9);
  // Repeats: p's second, q, t's second = 3 of 9.
  EXPECT_DOUBLE_EQ(pts["cpp_repeat_pct/2015-16"].value(), 100.0 / 3);
  EXPECT_EQ(pts["cpp_repeat_pct/2015-16"].numerator(), 3);
  EXPECT_EQ(pts["cpp_repeat_pct/2015-16"].denominator(), 9);
  // Counts of the year and its 12 months, for each monthly count.
  // (And the rolling 12 months: March's alone, as no return covers the year before.)
  int started = 0, ceased = 0, on_plan = 0, rolling = 0;
  for (const auto& p : all) {
    if (p.period().kind() == v1::Period::ROLLING_12_MONTHS) {
      rolling += p.indicator() == "cpp_started";
      continue;
    }
    started += p.indicator() == "cpp_started";
    ceased += p.indicator() == "cpp_ceased";
    on_plan += p.indicator() == "cpp_year_end";
  }
  EXPECT_EQ(started, 13);
  EXPECT_EQ(ceased, 13);
  EXPECT_EQ(on_plan, 13);
  EXPECT_EQ(rolling, 1);
}

TEST(ChildProtectionTest, PlansCeasedAfterTwoYearsOrMore) {
  RecordSet set("301");
  set.AddReturn(Census(2014));
  set.AddReturn(Census(2016));
  set.Add(Plan("a", {2014, 3, 1}, Ymd{2016, 3, 1}));  // exactly two years: counts
  set.Add(Plan("b", {2014, 3, 2}, Ymd{2016, 3, 1}));  // a day short
  set.Add(Plan("d", {2015, 6, 1}, Ymd{2015, 12, 1}));  // six months
  // Two years from 29 February 2012 is 28 February 2014 (no 29th that year).
  set.Add(Plan("e", {2012, 2, 29}, Ymd{2014, 2, 28}, "NEG", "", 2014));  // counts
  set.Add(Plan("f", {2012, 3, 1}, Ymd{2014, 2, 28}, "NEG", "", 2014));   // a day short
  auto pts = Compute(set, {2013, 2015});

  // 2015-16: a of a, b and d.
  EXPECT_EQ(pts["cpp_ceased/2015-16"].value(), 3);
  EXPECT_DOUBLE_EQ(pts["cpp_ceased_2y_plus_pct/2015-16"].value(), 100.0 / 3);
  EXPECT_EQ(pts["cpp_ceased_2y_plus_pct/2015-16"].numerator(), 1);
  // 2013-14: e of e and f (with 1 March as the anniversary it would be 0).
  EXPECT_DOUBLE_EQ(pts["cpp_ceased_2y_plus_pct/2013-14"].value(), 50.0);
  EXPECT_EQ(pts["cpp_ceased_2y_plus_pct/2013-14"].denominator(), 2);
  // Starts: d in 2015-16; a and b (March 2014) in 2013-14. All first plans, so 0%,
  // with a value.
  EXPECT_EQ(pts["cpp_started/2015-16"].value(), 1);
  EXPECT_EQ(pts["cpp_started/2013-14"].value(), 2);
  EXPECT_TRUE(pts["cpp_repeat_pct/2015-16"].has_value());
  EXPECT_DOUBLE_EQ(pts["cpp_repeat_pct/2015-16"].value(), 0.0);
  EXPECT_DOUBLE_EQ(pts["cpp_repeat_pct/2013-14"].value(), 0.0);
}

TEST(ChildProtectionTest, AYearWithNoPlansHasZeroCountsAndNoPercentages) {
  RecordSet set("301");
  set.AddReturn(Census(2016));
  set.Add(Referral("a", {2015, 6, 1}, std::nullopt));
  auto pts = Compute(set, {2015});

  EXPECT_TRUE(pts["cpp_year_end/2015-16"].has_value());
  EXPECT_EQ(pts["cpp_year_end/2015-16"].value(), 0);
  EXPECT_TRUE(pts["cpp_rate/2015-16"].has_value());  // 0 of a known population
  EXPECT_EQ(pts["cpp_rate/2015-16"].value(), 0);
  EXPECT_EQ(pts["cpp_started/2015-16"].value(), 0);
  // Every category is written, each without a value: there is no plan to share out.
  for (const char* c : {"EMO", "NEG", "PHY", "SAB", "MUL"}) {
    const std::string key = std::string("cpp_category_pct{category=") + c + "}/2015-16";
    ASSERT_EQ(pts.count(key), 1u) << key;
    EXPECT_FALSE(pts[key].has_value()) << key;
    EXPECT_EQ(pts[key].denominator(), 0) << key;
  }
  ASSERT_EQ(pts.count("cpp_repeat_pct/2015-16"), 1u);
  EXPECT_FALSE(pts["cpp_repeat_pct/2015-16"].has_value());
  ASSERT_EQ(pts.count("cpp_ceased_2y_plus_pct/2015-16"), 1u);
  EXPECT_FALSE(pts["cpp_ceased_2y_plus_pct/2015-16"].has_value());
  // The one referral is open at S.
  EXPECT_EQ(pts["cin_open_year_end/2015-16"].value(), 1);
}

}  // namespace
}  // namespace carestat
