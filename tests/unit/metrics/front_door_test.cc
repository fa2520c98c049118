// Each expected number is stated with why, from INDICATORS.md's definitions.
#include <gtest/gtest.h>

#include <map>

#include "services/common/dates.h"
#include "services/metrics/indicators/context.h"

namespace carestat {
namespace {

v1::ReturnInfo Return(const std::string& dataset, int year) {
  v1::ReturnInfo r;
  r.set_la("301");
  r.set_collection_year(year);
  r.set_dataset(dataset);
  r.set_return_id("301/" + std::to_string(year) + "/" + dataset);
  return r;
}

v1::Record Contact(const std::string& child, int y, int m, int d, int return_year) {
  v1::Record r;
  r.set_return_id("301/" + std::to_string(return_year) + "/annex-a-list-1");
  r.mutable_contact()->set_child_id(child);
  *r.mutable_contact()->mutable_contact_date() = MakeDate(y, m, d);
  return r;
}

v1::Record Referral(const std::string& child, int y, int m, int d, int return_year) {
  v1::Record r;
  r.set_return_id("301/" + std::to_string(return_year) + "/cin-census");
  r.mutable_referral()->set_child_id(child);
  *r.mutable_referral()->mutable_referral_date() = MakeDate(y, m, d);
  return r;
}

// indicator/period -> point
std::map<std::string, v1::IndicatorPoint> ByKey(const std::vector<v1::IndicatorPoint>& pts) {
  std::map<std::string, v1::IndicatorPoint> out;
  for (const auto& p : pts) out[p.indicator() + "/" + FormatPeriod(p.period())] = p;
  return out;
}

std::map<std::string, v1::IndicatorPoint> Compute(RecordSet& set, const Populations& pops,
                                                  std::set<int> years) {
  set.Finalize();
  PointWriter out("301", 0);
  for (int fy : years) ComputeFrontDoor(FamilyInput{set, pops, WorkingDays::Shipped(), fy}, out);
  return ByKey(out.points());
}

Populations Pops() {
  auto p = Populations::Parse("entity,mid_year,age_band,population,source\n301,2015,0-17,50000,test\n");
  EXPECT_TRUE(p.ok());
  return *p;
}

TEST(FrontDoorTest, ThirtyFirstMarchAndFirstAprilFallInDifferentYears) {
  RecordSet set("301");
  set.AddReturn(Return("annex-a-list-1", 2016));
  set.AddReturn(Return("annex-a-list-1", 2017));
  set.AddReturn(Return("cin-census", 2016));
  set.AddReturn(Return("cin-census", 2017));
  set.Add(Contact("a", 2016, 3, 31, 2016));  // last day of 2015-16
  set.Add(Contact("a", 2016, 4, 1, 2017));   // first day of 2016-17
  set.Add(Contact("a", 2016, 4, 1, 2017));   // a second contact that day: every contact counts
  set.Add(Referral("a", 2016, 3, 31, 2016));
  set.Add(Referral("b", 2015, 4, 1, 2016));
  auto pts = Compute(set, Pops(), {2015, 2016});
  EXPECT_EQ(pts["contacts/2015-16"].value(), 1);
  EXPECT_EQ(pts["contacts/2016-17"].value(), 2);
  EXPECT_EQ(pts["referrals/2015-16"].value(), 2);
  EXPECT_EQ(pts["referrals/2016-17"].value(), 0);  // a filed return with none: zero, not missing
  EXPECT_TRUE(pts["referrals/2016-17"].has_value());
  EXPECT_EQ(pts["contacts/2016-03"].value(), 1);  // monthly flows
  EXPECT_EQ(pts["contacts/2016-04"].value(), 2);
  EXPECT_EQ(pts["referrals/2015-04"].value(), 1);
  // 2 referrals / 1 contact in 2015-16
  EXPECT_DOUBLE_EQ(pts["contact_conversion_pct/2015-16"].value(), 200.0);
  // 2 referrals / 50,000 children x 10,000 = 0.4
  EXPECT_DOUBLE_EQ(pts["referral_rate/2015-16"].value(), 0.4);
  EXPECT_EQ(pts["referral_rate/2015-16"].denominator(), 50000);
  // no population for mid-2016 in this table: no rate, rather than a guess
  EXPECT_EQ(pts.count("referral_rate/2016-17"), 0u);
  // zero contacts in 2016-17? no: 2 contacts, 0 referrals -> 0%
  EXPECT_DOUBLE_EQ(pts["contact_conversion_pct/2016-17"].value(), 0.0);
}

TEST(FrontDoorTest, ARecordInTwoReturnsCountsOnce) {
  RecordSet set("301");
  set.AddReturn(Return("cin-census", 2016));
  set.AddReturn(Return("cin-census", 2017));
  // An episode open across the year end is in both censuses.
  set.Add(Referral("a", 2016, 2, 1, 2016));
  set.Add(Referral("a", 2016, 2, 1, 2017));
  // Two referrals of one child on one day in one return are two referrals.
  set.Add(Referral("b", 2016, 3, 1, 2016));
  set.Add(Referral("b", 2016, 3, 1, 2016));
  // A child referred 1 March 2015 and again 1 March 2016 is re-referred: 1 March
  // 2015 is after 1 March 2016 minus 12 months? No: it is equal, so not within.
  set.Add(Referral("c", 2015, 3, 1, 2016));
  set.Add(Referral("c", 2016, 3, 1, 2016));
  // ...while 2 March 2015 then 1 March 2016 is within 12 months.
  set.Add(Referral("d", 2015, 3, 2, 2016));
  set.Add(Referral("d", 2016, 3, 1, 2016));
  auto pts = Compute(set, Pops(), {2015});
  // a once, b twice, c and d once each in 2015-16 (their 2015 referrals are 2014-15)
  EXPECT_EQ(pts["referrals/2015-16"].value(), 5);
  EXPECT_EQ(pts["referrals/2015-16"].sources_size(), 2);
  // Only d's 2016 referral is a re-referral within 12 months: 1 of 5.
  EXPECT_DOUBLE_EQ(pts["rereferral_12m_pct/2015-16"].value(), 20.0);
}

TEST(FrontDoorTest, YearsWithoutAReturnHaveNoPointAndErrorsAreLeftOut) {
  RecordSet set("301");
  set.AddReturn(Return("cin-census", 2016));
  set.Add(Referral("a", 2015, 6, 1, 2016));
  v1::Record flagged = Referral("b", 2015, 6, 2, 2016);
  flagged.set_has_error(true);
  set.Add(flagged);
  auto pts = Compute(set, Pops(), {2014, 2015});
  EXPECT_EQ(pts["referrals/2015-16"].value(), 1);
  EXPECT_EQ(set.excluded(), 1);
  EXPECT_EQ(pts.count("referrals/2014-15"), 0u);  // no census filed for 2014-15
  EXPECT_EQ(pts.count("contacts/2015-16"), 0u);   // no list 1 filed: missing, not zero
  EXPECT_EQ(pts.count("contact_conversion_pct/2015-16"), 0u);
}

TEST(FrontDoorTest, ZeroContactsGiveNoConversionValue) {
  RecordSet set("301");
  set.AddReturn(Return("cin-census", 2016));
  set.AddReturn(Return("annex-a-list-1", 2016));
  set.Add(Referral("a", 2015, 6, 1, 2016));
  auto pts = Compute(set, Pops(), {2015});
  ASSERT_EQ(pts.count("contact_conversion_pct/2015-16"), 1u);
  EXPECT_FALSE(pts["contact_conversion_pct/2015-16"].has_value());
  EXPECT_EQ(pts["contact_conversion_pct/2015-16"].denominator(), 0);
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

TEST(RecordSetTest, ARecordInTwoReturnsIsTakenAsTheLatestReturnHasIt) {
  // Open at 31 March 2016 in the 2016 return; closed in the 2017 return. Fed newest
  // first, then oldest first: either way the closed version is the one kept.
  for (bool newest_first : {true, false}) {
    RecordSet set("301");
    v1::Record open = Referral("a", 2016, 2, 1, 2016);
    v1::Record closed = Referral("a", 2016, 2, 1, 2017);
    *closed.mutable_referral()->mutable_closure_date() = MakeDate(2016, 5, 1);
    if (newest_first) {
      set.Add(closed);
      set.Add(open);
    } else {
      set.Add(open);
      set.Add(closed);
    }
    set.Finalize();
    ASSERT_EQ(set.referrals().size(), 1u);
    EXPECT_TRUE(set.referrals()[0].rec.has_closure_date()) << newest_first;
    EXPECT_EQ(set.referrals()[0].sources.size(), 2u);
  }
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

TEST(RecordSetTest, RowsCountPerReturnAndOnceAcrossReturns) {
  RecordSet set("301");
  // Two rows with one key in the 2016 return are two referrals; the 2017 return repeats
  // the key once: still two, as the 2017 return has them, with both returns as sources.
  set.Add(Referral("a", 2016, 2, 1, 2016));
  set.Add(Referral("a", 2016, 2, 1, 2016));
  v1::Record later = Referral("a", 2016, 2, 1, 2017);
  later.mutable_referral()->set_nfa(true);
  set.Add(later);
  set.Add(Referral("b", 2016, 2, 1, 2017));  // another child, the same day
  v1::Record blank = Referral("c", 2016, 2, 1, 2017);
  blank.mutable_referral()->clear_referral_date();
  set.Add(blank);
  v1::Record flagged = Referral("d", 2016, 2, 1, 2017);
  flagged.set_has_error(true);
  set.Add(flagged);
  set.Add(flagged);
  set.Finalize();
  EXPECT_EQ(set.records(), 7);
  EXPECT_EQ(set.excluded(), 2);
  ASSERT_EQ(set.excluded_by_return().count("301/2017/cin-census"), 1u);
  EXPECT_EQ(set.excluded_by_return().at("301/2017/cin-census"), 2);
  std::map<std::string, int> per_child;
  for (const auto& it : set.referrals()) {
    ++per_child[it.rec.child_id()];
    if (it.rec.child_id() == "a") {
      EXPECT_TRUE(it.rec.nfa());
      ASSERT_EQ(it.sources.size(), 2u);
      EXPECT_EQ(it.sources[0], "301/2016/cin-census");
      EXPECT_EQ(it.sources[1], "301/2017/cin-census");
      EXPECT_EQ(it.day[0], DayNumber(2016, 2, 1));
      EXPECT_EQ(it.day[1], kNoDay);  // no closure date
    }
    if (it.rec.child_id() == "c") {
      EXPECT_EQ(it.day[0], kNoDay);
    }
  }
  EXPECT_EQ(per_child, (std::map<std::string, int>{{"a", 2}, {"b", 1}, {"c", 1}}));
  // a's two copies share one list; b and c share the 2017 one.
  EXPECT_EQ(set.source_lists(), 2u);
}

// Rolling 12 months at each month end: the referrals of the 12 months ending with it,
// reaching into the year before's return; the one ending in March is the year. Shares
// per month and per window have the referrals of the same months as denominator.
TEST(FrontDoorTest, RollingTwelveMonthsReachIntoTheYearBefore) {
  RecordSet set("301");
  set.AddReturn(Return("cin-census", 2015));
  set.AddReturn(Return("cin-census", 2016));
  set.Add(Referral("a", 2014, 8, 10, 2015));
  v1::Record nfa = Referral("b", 2015, 2, 1, 2015);
  nfa.mutable_referral()->set_nfa(true);
  nfa.mutable_referral()->set_nfa_known(true);
  set.Add(nfa);
  set.Add(Referral("a", 2015, 6, 1, 2016));  // a re-referral: a's August 2014 one is within 12 months
  set.Add(Referral("c", 2016, 1, 5, 2016));
  auto pts = Compute(set, Pops(), {2015});

  // July 2014 to June 2015: a twice and b.
  EXPECT_EQ(pts["referrals/2014-07 to 2015-06"].value(), 3);
  EXPECT_EQ(pts["rereferral_12m_pct/2014-07 to 2015-06"].numerator(), 1);
  EXPECT_EQ(pts["rereferral_12m_pct/2014-07 to 2015-06"].denominator(), 3);
  EXPECT_EQ(pts["referral_nfa_pct/2014-07 to 2015-06"].numerator(), 1);
  EXPECT_DOUBLE_EQ(pts["referral_rate/2014-07 to 2015-06"].value(), 0.6);  // 3 / 50,000 x 10,000
  // Both returns name their sources.
  EXPECT_EQ(pts["referrals/2014-07 to 2015-06"].sources_size(), 2);
  // January to December 2015: b and a's second.
  EXPECT_EQ(pts["referrals/2015-01 to 2015-12"].value(), 2);
  EXPECT_DOUBLE_EQ(pts["rereferral_12m_pct/2015-01 to 2015-12"].value(), 50);
  // April 2015 to March 2016 is the year: a's second and c.
  for (const char* id : {"referrals", "referral_rate", "rereferral_12m_pct", "referral_nfa_pct"}) {
    const auto& year = pts[std::string(id) + "/2015-16"];
    const auto& rolling = pts[std::string(id) + "/2015-04 to 2016-03"];
    EXPECT_TRUE(rolling.has_value()) << id;
    EXPECT_EQ(rolling.value(), year.value()) << id;
    EXPECT_EQ(rolling.numerator(), year.numerator()) << id;
    EXPECT_EQ(rolling.denominator(), year.denominator()) << id;
  }
  EXPECT_EQ(pts["referrals/2015-04 to 2016-03"].value(), 2);
  // Per month: June's referral was a re-referral; July had none, so no share at all.
  EXPECT_DOUBLE_EQ(pts["rereferral_12m_pct/2015-06"].value(), 100);
  EXPECT_DOUBLE_EQ(pts["referral_nfa_pct/2015-06"].value(), 0);
  ASSERT_TRUE(pts.count("rereferral_12m_pct/2015-07"));
  EXPECT_FALSE(pts["rereferral_12m_pct/2015-07"].has_value());
}

// Without the year before's return only the window ending in March is whole: no other
// rolling figure is given from part of a window.
TEST(FrontDoorTest, NoRollingFigureFromPartOfAWindow) {
  RecordSet set("301");
  set.AddReturn(Return("cin-census", 2016));
  set.Add(Referral("a", 2015, 6, 1, 2016));
  auto pts = Compute(set, Pops(), {2015});
  EXPECT_EQ(pts["referrals/2015-04 to 2016-03"].value(), 1);
  EXPECT_EQ(pts.count("referrals/2015-03 to 2016-02"), 0u);
  EXPECT_EQ(pts.count("referral_rate/2014-07 to 2015-06"), 0u);
  EXPECT_EQ(pts.count("rereferral_12m_pct/2014-05 to 2015-04"), 0u);
}

}  // namespace
}  // namespace carestat
