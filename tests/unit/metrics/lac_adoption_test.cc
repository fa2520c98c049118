// Looked-after children and adoption, from hand-built SSDA903 records. Each expected
// number is stated with why, from INDICATORS.md's definitions. 2015-16 runs from
// 1 April 2015 to S = 31 March 2016.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>

#include "services/common/dates.h"
#include "services/metrics/indicators/context.h"

namespace carestat {
namespace {

using Points = std::map<std::string, v1::IndicatorPoint>;

v1::Date D(int y, int m, int d) { return MakeDate(y, m, d); }

v1::ReturnInfo Return(const std::string& dataset, int year) {
  v1::ReturnInfo r;
  r.set_la("301");
  r.set_collection_year(year);
  r.set_dataset(dataset);
  r.set_return_id("301/" + std::to_string(year) + "/" + dataset);
  return r;
}

std::string ReturnId(int year, const std::string& dataset) {
  return "301/" + std::to_string(year) + "/" + dataset;
}

// One SSDA903 episode; unset fields take the commonest values (a care order, in-house
// foster care, still open).
struct Ep {
  std::string child;
  v1::Date start;
  std::string rne = "S";
  std::string ls = "C2";
  std::string place = "U1";
  std::string provider = "PR1";
  v1::Date end = {};  // year 0: still open
  std::string rec = "";
  int return_year = 2016;
};

v1::Record Episode(const Ep& e) {
  v1::Record r;
  r.set_return_id(ReturnId(e.return_year, "ssda903-episodes"));
  v1::CareEpisode* c = r.mutable_care_episode();
  c->set_child_id(e.child);
  *c->mutable_start_date() = e.start;
  c->set_reason_new_episode(e.rne);
  c->set_legal_status(e.ls);
  c->set_placement(e.place);
  c->set_provider(e.provider);
  if (e.end.year() != 0) *c->mutable_end_date() = e.end;
  c->set_reason_ceased(e.rec);
  return r;
}

void AddEpisodes(RecordSet& set, std::initializer_list<Ep> eps) {
  for (const Ep& e : eps) set.Add(Episode(e));
}

v1::Record Child(const std::string& id, v1::Date birth, v1::Sex sex, const std::string& ethnicity) {
  v1::Record r;
  r.set_return_id(ReturnId(2016, "ssda903-header"));
  v1::Child* c = r.mutable_child();
  c->set_child_id(id);
  if (birth.year() != 0) *c->mutable_birth_date() = birth;
  c->set_sex(sex);
  c->set_ethnicity(ethnicity);
  return r;
}

v1::Record Leaver(const std::string& id, v1::Date birth, const std::string& in_touch, const std::string& activity,
                  const std::string& accommodation, int return_year) {
  v1::Record r;
  r.set_return_id(ReturnId(return_year, "ssda903-oc3"));
  v1::CareLeaver* l = r.mutable_care_leaver();
  l->set_child_id(id);
  if (birth.year() != 0) *l->mutable_birth_date() = birth;
  l->set_in_touch(in_touch);
  l->set_activity(activity);
  l->set_accommodation(accommodation);
  return r;
}

v1::Record Ad1(const std::string& id, v1::Date decision, v1::Date match, int return_year) {
  v1::Record r;
  r.set_return_id(ReturnId(return_year, "ssda903-ad1"));
  v1::Adoption* a = r.mutable_adoption();
  a->set_child_id(id);
  a->set_source_table("ad1");
  *a->mutable_decision_date() = decision;
  *a->mutable_match_date() = match;
  return r;
}

v1::Record PlacedAdoption(const std::string& id, v1::Date decision, int return_year) {
  v1::Record r;
  r.set_return_id(ReturnId(return_year, "ssda903-placed_adoption"));
  v1::Adoption* a = r.mutable_adoption();
  a->set_child_id(id);
  a->set_source_table("placed_adoption");
  *a->mutable_decision_date() = decision;
  return r;
}

// "indicator/period", or "indicator{breakdown}/period" -> point
Points ByKey(const std::vector<v1::IndicatorPoint>& pts) {
  Points out;
  for (const auto& p : pts) {
    std::string key = p.indicator();
    if (!p.breakdown().empty()) key += "{" + p.breakdown() + "}";
    out[key + "/" + FormatPeriod(p.period())] = p;
  }
  return out;
}

Populations Pops() {
  auto p = Populations::Parse("entity,mid_year,age_band,population,source\n301,2015,0-17,50000,test\n");
  EXPECT_TRUE(p.ok());
  return *p;
}

Points Compute(RecordSet& set, std::set<int> years) {
  set.Finalize();
  static const Populations pops = Pops();
  PointWriter out("301", 0);
  for (int fy : years) {
    FamilyInput in{set, pops, WorkingDays::Shipped(), fy};
    ComputeLookedAfter(in, out);
    ComputeAdoption(in, out);
  }
  return ByKey(out.points());
}

// The value of a point that must exist and have one: NaN (failing any comparison) and a
// failure otherwise, so that a missing point never passes for a zero.
double V(const Points& pts, const std::string& key) {
  auto it = pts.find(key);
  if (it == pts.end()) {
    ADD_FAILURE() << "no point " << key;
    return std::nan("");
  }
  if (!it->second.has_value()) {
    ADD_FAILURE() << key << " has no value";
    return std::nan("");
  }
  return it->second.value();
}

// A point that exists with no value (a zero denominator).
bool NoValue(const Points& pts, const std::string& key) {
  auto it = pts.find(key);
  return it != pts.end() && !it->second.has_value();
}

TEST(LookedAfterTest, SnapshotsStartsAndEndsAroundThirtyFirstMarch) {
  RecordSet set("301");
  set.AddReturn(Return("ssda903-episodes", 2016));
  set.AddReturn(Return("ssda903-episodes", 2017));
  AddEpisodes(set, {
      {.child = "open", .start = D(2015, 1, 10)},
      {.child = "ends_on_s", .start = D(2014, 6, 1), .end = D(2016, 3, 31), .rec = "E13"},
      {.child = "starts_apr1", .start = D(2016, 4, 1), .return_year = 2017},
      {.child = "starts_s", .start = D(2016, 3, 31), .ls = "L1"},
      {.child = "short_v3", .start = D(2015, 5, 1), .ls = "V3"},
      {.child = "short_v4", .start = D(2015, 6, 20), .ls = "V4", .end = D(2015, 7, 2), .rec = "E8"},
      // Police protection (L2 here) then a care order: one child, one placement.
      {.child = "chain", .start = D(2015, 5, 1), .ls = "L2", .place = "U4", .end = D(2015, 8, 1), .rec = "X1"},
      {.child = "chain", .start = D(2015, 8, 1), .rne = "L", .place = "U4"},
      {.child = "june", .start = D(2015, 6, 10), .end = D(2015, 7, 5), .rec = "E4A"},
  });
  Points pts = Compute(set, {2014, 2015, 2016});

  // open, starts_s (open on S, its first day) and chain (counted once for two episodes).
  // ends_on_s ended on S, so is not open at S; starts_apr1 begins in 2016-17; V3 is a
  // short break.
  EXPECT_EQ(V(pts, "lac_year_end/2015-16"), 3);
  // 3 / 50,000 x 10,000
  EXPECT_DOUBLE_EQ(V(pts, "lac_rate/2015-16"), 0.6);
  EXPECT_EQ(pts.count("lac_rate/2016-17"), 0u);  // no mid-2016 population: no rate
  // 30 April: open, ends_on_s. 30 June: + chain, june (V4 is a short break).
  // 31 July: june left on 5 July. 31 March is S.
  EXPECT_EQ(V(pts, "lac_month_end/2015-04"), 2);
  EXPECT_EQ(V(pts, "lac_month_end/2015-06"), 4);
  EXPECT_EQ(V(pts, "lac_month_end/2015-07"), 3);
  EXPECT_EQ(V(pts, "lac_month_end/2016-03"), 3);
  EXPECT_EQ(V(pts, "lac_year_end/2016-03"), 3);  // the snapshot's monthly series
  EXPECT_EQ(pts.count("lac_month_end/2015-16"), 0u);  // a monthly series only
  EXPECT_EQ(V(pts, "lac_peak/2015-16"), 4);  // June
  // starts_s, chain, june: not the V3 or V4 short breaks, not chain's RNE L episode.
  EXPECT_EQ(V(pts, "lac_started/2015-16"), 3);
  EXPECT_EQ(V(pts, "lac_started/2015-05"), 1);  // chain (short_v3 excluded)
  EXPECT_EQ(V(pts, "lac_started/2015-06"), 1);  // june (short_v4 excluded)
  EXPECT_EQ(V(pts, "lac_started/2015-08"), 0);  // chain's change of legal status
  // ends_on_s (ends on S: in the year) and june; not chain's X1, not short_v4's E8.
  EXPECT_EQ(V(pts, "lac_ceased/2015-16"), 2);
  EXPECT_EQ(V(pts, "lac_ceased/2015-07"), 1);
  EXPECT_EQ(V(pts, "lac_ceased/2016-03"), 1);
  // Only starts_s started on L1 (chain's L2 is an emergency protection order): 1 of 3.
  EXPECT_EQ(V(pts, "lac_police_protection_started/2015-16"), 1);
  EXPECT_DOUBLE_EQ(V(pts, "lac_police_protection_pct/2015-16"), 100.0 / 3);
  // Placements started: starts_s, chain's S, june; not chain's L, not the short breaks.
  EXPECT_EQ(V(pts, "lac_placements/2015-16"), 3);

  // 2016-17: starts_apr1 joins open, starts_s and chain.
  EXPECT_EQ(V(pts, "lac_year_end/2016-17"), 4);
  EXPECT_EQ(V(pts, "lac_started/2016-17"), 1);
  EXPECT_EQ(V(pts, "lac_started/2016-04"), 1);
  EXPECT_EQ(V(pts, "lac_ceased/2016-17"), 0);  // a return with no leavers: zero, not missing
  EXPECT_EQ(V(pts, "lac_police_protection_pct/2016-17"), 0);  // 0 of 1

  // 2014-15: no episodes return, so no point at all, not zeros (though the episodes
  // loaded for later years reach back into it).
  EXPECT_EQ(pts.count("lac_year_end/2014-15"), 0u);
  EXPECT_EQ(pts.count("lac_month_end/2014-06"), 0u);
  EXPECT_EQ(pts.count("lac_started/2014-15"), 0u);
  EXPECT_EQ(pts.count("lac_peak/2014-15"), 0u);
}

TEST(LookedAfterTest, AChildWhoLeavesAndReturnsCountsOnce) {
  RecordSet set("301");
  set.AddReturn(Return("ssda903-episodes", 2016));
  set.AddReturn(Return("ssda903-episodes", 2017));
  AddEpisodes(set, {
      // Starts three times and ceases twice in 2015-16; the first start is on C1.
      {.child = "back", .start = D(2015, 5, 1), .ls = "C1", .end = D(2015, 7, 1), .rec = "E13"},
      {.child = "back", .start = D(2015, 9, 1), .ls = "L1", .end = D(2015, 11, 1), .rec = "E4A"},
      {.child = "back", .start = D(2016, 1, 10)},
      // One episode open across the year end, so in both years' returns.
      {.child = "dup", .start = D(2016, 2, 1), .return_year = 2016},
      {.child = "dup", .start = D(2016, 2, 1), .return_year = 2017},
  });
  Points pts = Compute(set, {2015});

  EXPECT_EQ(V(pts, "lac_year_end/2015-16"), 2);
  EXPECT_EQ(pts["lac_year_end/2015-16"].sources_size(), 2);  // dup is in both returns
  EXPECT_EQ(V(pts, "lac_started/2015-16"), 2);  // back once for three starts, dup
  EXPECT_EQ(V(pts, "lac_ceased/2015-16"), 1);   // back once for two ends
  // Months count their own children: back is in May, September and January.
  EXPECT_EQ(V(pts, "lac_started/2015-05"), 1);
  EXPECT_EQ(V(pts, "lac_started/2015-09"), 1);
  EXPECT_EQ(V(pts, "lac_started/2016-01"), 1);
  // Placements are episodes: back's three, and dup's once (one record in two returns).
  EXPECT_EQ(V(pts, "lac_placements/2015-16"), 4);
  // back's first start of the year was on C1, so its later L1 start does not make it a
  // child who started on police protection.
  EXPECT_EQ(V(pts, "lac_police_protection_started/2015-16"), 0);
  EXPECT_EQ(V(pts, "lac_police_protection_pct/2015-16"), 0);
}

TEST(LookedAfterTest, PlacementsAreNotEpisodes) {
  RecordSet set("301");
  set.AddReturn(Return("ssda903-episodes", 2016));
  AddEpisodes(set, {
      // Held on 1 April (since 2014), a change of legal status, then a move: 2.
      {.child = "p1", .start = D(2014, 1, 1), .end = D(2015, 6, 1), .rec = "X1"},
      {.child = "p1", .start = D(2015, 6, 1), .rne = "L", .end = D(2015, 9, 1), .rec = "X1"},
      {.child = "p1", .start = D(2015, 9, 1), .rne = "U", .place = "U2"},
      // Moved on 1 April, so the placement that ended that day was not held on it: the
      // placements of the year are those begun 1 April and 1 October: 2.
      {.child = "p3", .start = D(2014, 12, 1), .end = D(2015, 4, 1), .rec = "X1"},
      {.child = "p3", .start = D(2015, 4, 1), .rne = "P", .place = "U2", .end = D(2015, 10, 1), .rec = "X1"},
      {.child = "p3", .start = D(2015, 10, 1), .rne = "P", .place = "U3", .end = D(2016, 1, 1), .rec = "X1"},
      {.child = "p3", .start = D(2016, 1, 1), .rne = "L", .place = "U3"},
      // The same a day later: the first placement was held on 1 April: 3.
      {.child = "p3b", .start = D(2014, 12, 1), .end = D(2015, 4, 2), .rec = "X1"},
      {.child = "p3b", .start = D(2015, 4, 2), .rne = "P", .place = "U2", .end = D(2015, 10, 1), .rec = "X1"},
      {.child = "p3b", .start = D(2015, 10, 1), .rne = "P", .place = "U3"},
      // Started in the year; T and B change the placement, L does not: 3.
      {.child = "p4", .start = D(2015, 5, 1), .end = D(2015, 6, 1), .rec = "X1"},
      {.child = "p4", .start = D(2015, 6, 1), .rne = "T", .ls = "C1", .end = D(2015, 7, 1), .rec = "X1"},
      {.child = "p4", .start = D(2015, 7, 1), .rne = "L", .end = D(2015, 8, 1), .rec = "X1"},
      {.child = "p4", .start = D(2015, 8, 1), .rne = "B", .place = "R1", .provider = "PR3"},
      // Left and came back: two periods of care, one placement each: 2.
      {.child = "gap", .start = D(2015, 4, 10), .end = D(2015, 5, 10), .rec = "E13"},
      {.child = "gap", .start = D(2015, 12, 1), .end = D(2016, 1, 1), .rec = "X1"},
      {.child = "gap", .start = D(2016, 1, 1), .rne = "L", .ls = "C1"},
  });
  Points pts = Compute(set, {2015});

  EXPECT_EQ(V(pts, "lac_year_end/2015-16"), 5);
  // p3b and p4 have 3 placements; p1, p3 and gap 2: 2 of 5.
  EXPECT_DOUBLE_EQ(V(pts, "lac_placement_moves_3plus_pct/2015-16"), 40.0);
  // Episodes starting in the year with RNE S, P, T, B or U:
  // p1 1 (U), p3 2, p3b 2, p4 3 (S, T, B), gap 2 (two S); no L.
  EXPECT_EQ(V(pts, "lac_placements/2015-16"), 10);
}

TEST(LookedAfterTest, LongTermStability) {
  // S = 31 March 2016: in care since 30 September 2013 or earlier (2.5 years), and in the
  // placement since 31 March 2014 or earlier (2 years).
  RecordSet set("301");
  set.AddReturn(Return("ssda903-episodes", 2016));
  set.AddReturn(Return("ssda903-header", 2016));
  for (const char* id : {"st1", "st2", "st3", "st4", "st7", "st8", "st10", "st11"}) {
    set.Add(Child(id, D(2005, 1, 1), v1::MALE, "WBRI"));
  }
  set.Add(Child("st5", D(2000, 3, 31), v1::MALE, "WBRI"));  // 16 on S
  set.Add(Child("st6", D(2000, 4, 1), v1::MALE, "WBRI"));   // 15 at S, 16 the next day
  AddEpisodes(set, {
      // Exactly 2.5 years, one placement: in the cohort, stable.
      {.child = "st1", .start = D(2013, 9, 30)},
      // A day short of 2.5 years: not in the cohort.
      {.child = "st2", .start = D(2013, 10, 1)},
      // In care since 2012, but moved a day short of 2 years before S: not stable.
      {.child = "st3", .start = D(2012, 1, 1), .end = D(2014, 4, 1), .rec = "X1"},
      {.child = "st3", .start = D(2014, 4, 1), .rne = "P", .place = "U2"},
      // Two changes of legal status keep the 2012 placement: stable.
      {.child = "st4", .start = D(2012, 1, 1), .ls = "C1", .end = D(2014, 3, 31), .rec = "X1"},
      {.child = "st4", .start = D(2014, 3, 31), .rne = "L", .ls = "E1", .end = D(2015, 1, 1), .rec = "X1"},
      {.child = "st4", .start = D(2015, 1, 1), .rne = "L", .ls = "C2"},
      // 16 at S: not under 16, though stable since 2010.
      {.child = "st5", .start = D(2010, 1, 1)},
      // 15 at S: in the cohort, stable.
      {.child = "st6", .start = D(2010, 1, 1)},
      // Left care and started again the same day: a new period from 2014.
      {.child = "st7", .start = D(2012, 1, 1), .end = D(2014, 1, 1), .rec = "E13"},
      {.child = "st7", .start = D(2014, 1, 1)},
      // A four-day gap after X1: not continuous, so in care only since 2014.
      {.child = "st8", .start = D(2012, 1, 1), .end = D(2014, 1, 1), .rec = "X1"},
      {.child = "st8", .start = D(2014, 1, 5), .rne = "P"},
      // No birth date in any return: not shown to be under 16.
      {.child = "st9", .start = D(2010, 1, 1)},
      // Ceased (E4A) and a new episode the same day coded as a move: only an X1 ending
      // continues a period, so this one's start is not in the returns and is left out.
      {.child = "st10", .start = D(2012, 1, 1), .end = D(2014, 1, 1), .rec = "E4A"},
      {.child = "st10", .start = D(2014, 1, 1), .rne = "P"},
      // An RNE S episode starts a period whatever the one before says: in care since 2014.
      {.child = "st11", .start = D(2012, 1, 1), .end = D(2014, 1, 1), .rec = "X1"},
      {.child = "st11", .start = D(2014, 1, 1)},
  });
  Points pts = Compute(set, {2015});

  // Cohort st1, st3, st4, st6; stable st1, st4, st6: 3 of 4.
  EXPECT_DOUBLE_EQ(V(pts, "lac_long_term_stability_pct/2015-16"), 75.0);
  EXPECT_EQ(pts["lac_long_term_stability_pct/2015-16"].denominator(), 4);
}

TEST(LookedAfterTest, WhoTheChildrenAreAndWhereTheyLive) {
  RecordSet set("301");
  set.AddReturn(Return("ssda903-episodes", 2016));
  set.AddReturn(Return("ssda903-header", 2016));
  set.Add(Child("c1", D(2006, 3, 31), v1::FEMALE, "WBRI"));  // 10 on S: not under 10
  set.Add(Child("c2", D(2006, 4, 1), v1::MALE, "WBRI"));     // 9 at S
  set.Add(Child("c3", D(2010, 5, 5), v1::FEMALE, "WROM"));
  // c4 has no header record: looked after all the same, in every denominator.
  v1::Record c1 = Episode({.child = "c1", .start = D(2015, 1, 1)});
  c1.mutable_care_episode()->set_placed_inside_la_known(true);
  c1.mutable_care_episode()->set_placed_inside_la(true);
  c1.mutable_care_episode()->set_distance_known(true);
  c1.mutable_care_episode()->set_distance_miles(20.0);  // 20 miles or less
  v1::Record c2 = Episode({.child = "c2", .start = D(2015, 1, 1)});
  c2.mutable_care_episode()->set_placed_inside_la_known(true);
  c2.mutable_care_episode()->set_placed_inside_la(false);
  c2.mutable_care_episode()->set_distance_known(true);
  c2.mutable_care_episode()->set_distance_miles(20.5);
  // Both postcode districts but no distance: measured between the districts' positions
  // (reference/postcode_districts.csv: IG11 51.5347, 0.0921; CM1 51.7459, 0.4671), 21.7
  // miles, so not within 20.
  v1::Record c3 = Episode({.child = "c3", .start = D(2015, 1, 1)});
  c3.mutable_care_episode()->set_home_postcode_district("IG11");
  c3.mutable_care_episode()->set_placement_postcode_district("CM1");
  for (const auto& r : {c1, c2, c3, Episode({.child = "c4", .start = D(2015, 1, 1)})}) set.Add(r);
  Points pts = Compute(set, {2015});

  EXPECT_EQ(V(pts, "lac_year_end/2015-16"), 4);
  EXPECT_DOUBLE_EQ(V(pts, "lac_female_pct/2015-16"), 50.0);   // c1, c3 of 4
  // c2 (9, a day short of 10) and c3 (5) of 4; c1 turned 10 on S. c4's age is unknown.
  EXPECT_DOUBLE_EQ(V(pts, "lac_under10_pct/2015-16"), 50.0);
  EXPECT_DOUBLE_EQ(V(pts, "lac_ethnicity_pct{ethnicity=WBRI}/2015-16"), 50.0);  // c1, c2 of 4
  EXPECT_DOUBLE_EQ(V(pts, "lac_ethnicity_pct{ethnicity=WROM}/2015-16"), 25.0);  // c3 of 4
  int ethnicity_points = 0;
  for (const auto& [key, p] : pts) ethnicity_points += p.indicator() == "lac_ethnicity_pct";
  EXPECT_EQ(ethnicity_points, 2);  // only the codes present
  // Of c1 and c2, whose return says: c1 inside.
  EXPECT_DOUBLE_EQ(V(pts, "lac_placed_in_borough_pct/2015-16"), 50.0);
  EXPECT_EQ(pts["lac_placed_in_borough_pct/2015-16"].denominator(), 2);
  // Of c1, c2 (distances given) and c3 (measured): c1 at exactly 20 miles. c4 has no
  // districts.
  EXPECT_NEAR(V(pts, "lac_placed_within_20_miles_pct/2015-16"), 100.0 / 3, 1e-9);
  EXPECT_EQ(pts["lac_placed_within_20_miles_pct/2015-16"].denominator(), 3);
}

TEST(LookedAfterTest, DistanceBetweenPostcodeDistricts) {
  // IG11 to RM6, both in Barking and Dagenham: 3.3 miles; IG11 to M1 (Manchester): 166.
  const PostcodeDistricts& d = PostcodeDistricts::Shipped();
  EXPECT_GT(d.size(), 2900u);
  ASSERT_TRUE(d.Miles("IG11", "RM6").has_value());
  EXPECT_NEAR(*d.Miles("IG11", "RM6"), 3.31, 0.01);
  EXPECT_NEAR(*d.Miles("ig11", " M1"), 166.16, 0.01);
  EXPECT_DOUBLE_EQ(*d.Miles("E1", "E1"), 0.0);
  EXPECT_FALSE(d.Miles("IG11", "ZZ99").has_value());
  EXPECT_FALSE(d.Miles("", "RM6").has_value());
  EXPECT_NE(d.Source("RM6").find("NSPL"), std::string::npos);
  // A loaded row replaces the shipped one; a bad row names its line.
  auto extra = PostcodeDistricts::Parse("district,latitude,longitude,source\nZZ99,51.5347,0.0921,test\n");
  ASSERT_TRUE(extra.ok()) << extra.status();
  PostcodeDistricts merged = d;
  merged.Merge(*extra);
  EXPECT_DOUBLE_EQ(*merged.Miles("IG11", "ZZ99"), 0.0);
  auto bad = PostcodeDistricts::Parse("# c\ndistrict,latitude,longitude,source\nIG11,north,0,x\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 3"), std::string::npos) << bad.status();
}

TEST(LookedAfterTest, WithinTwentyMilesFromDistrictsAlone) {
  // SSDA903 CSV gives the districts and no distance: RM6 (3.3 miles from IG11) is near,
  // M1 is not, an unknown district is left out, and a given distance counts first.
  RecordSet set("301");
  set.AddReturn(Return("ssda903-episodes", 2016));
  auto placed = [](const std::string& child, const std::string& home, const std::string& place) {
    v1::Record r = Episode({.child = child, .start = D(2015, 6, 1)});
    r.mutable_care_episode()->set_home_postcode_district(home);
    r.mutable_care_episode()->set_placement_postcode_district(place);
    return r;
  };
  set.Add(placed("a", "IG11", "RM6"));
  set.Add(placed("b", "IG11", "M1"));
  set.Add(placed("c", "IG11", "ZZ99"));
  v1::Record d = placed("d", "IG11", "M1");
  d.mutable_care_episode()->set_distance_known(true);
  d.mutable_care_episode()->set_distance_miles(5);
  set.Add(d);
  Points pts = Compute(set, {2015});
  EXPECT_EQ(V(pts, "lac_year_end/2015-16"), 4);
  EXPECT_DOUBLE_EQ(V(pts, "lac_placed_within_20_miles_pct/2015-16"), 100.0 * 2 / 3);  // a, d of a, b, d
  EXPECT_EQ(pts["lac_placed_within_20_miles_pct/2015-16"].denominator(), 3);
}

// An Annex A list 8 row: a period of care with where the child is placed.
v1::Record List8(const std::string& id, v1::Date start, v1::Date end, const std::string& location, int return_year) {
  v1::Record r;
  r.set_return_id(ReturnId(return_year, "annex-a-list-8"));
  v1::CarePeriod* c = r.mutable_care_period();
  c->set_child_id(id);
  *c->mutable_start_date() = start;
  if (end.year() != 0) *c->mutable_end_date() = end;
  if (!location.empty()) {
    c->set_placed_inside_la_known(true);
    c->set_placed_inside_la(location == "IN");
  }
  return r;
}

TEST(LookedAfterTest, WhereTheyLiveFromAnnexAListEight) {
  // SSDA903 CSV episodes say nothing of where the child is placed; Annex A list 8 of
  // the year does, for the period of care open at S.
  RecordSet set("301");
  set.AddReturn(Return("ssda903-episodes", 2016));
  set.AddReturn(Return("annex-a-list-8", 2016));
  set.AddReturn(Return("annex-a-list-8", 2015));
  AddEpisodes(set, {{.child = "c1", .start = D(2014, 6, 1), .return_year = 2016},
                    {.child = "c2", .start = D(2015, 2, 1)},
                    {.child = "c3", .start = D(2015, 7, 1)},
                    {.child = "c4", .start = D(2015, 9, 1)}});
  // c5's own episode says it is placed outside: the episode's word counts first.
  v1::Record c5 = Episode({.child = "c5", .start = D(2015, 9, 1)});
  c5.mutable_care_episode()->set_placed_inside_la_known(true);
  c5.mutable_care_episode()->set_placed_inside_la(false);
  set.Add(c5);
  set.Add(List8("c1", D(2014, 6, 1), {}, "IN", 2016));
  set.Add(List8("c2", D(2015, 2, 1), {}, "OUT", 2016));
  // c3: an earlier period, ended 31 March 2016 (not open at S), says IN; nothing else.
  set.Add(List8("c3", D(2014, 1, 1), D(2016, 3, 31), "IN", 2016));
  // c4: only last year's list says, and only this year's counts.
  set.Add(List8("c4", D(2015, 9, 1), {}, "IN", 2015));
  set.Add(List8("c5", D(2015, 9, 1), {}, "IN", 2016));
  Points pts = Compute(set, {2015});
  EXPECT_EQ(V(pts, "lac_year_end/2015-16"), 5);
  // c1 inside, c2 outside, c5 outside (its episode): 1 of 3. c3 and c4 are not known.
  EXPECT_NEAR(V(pts, "lac_placed_in_borough_pct/2015-16"), 100.0 / 3, 1e-9);
  EXPECT_EQ(pts["lac_placed_in_borough_pct/2015-16"].denominator(), 3);
  EXPECT_EQ(pts["lac_placed_in_borough_pct/2015-16"].numerator(), 1);
  const auto& sources = pts["lac_placed_in_borough_pct/2015-16"].sources();
  EXPECT_NE(std::find(sources.begin(), sources.end(), "301/2016/annex-a-list-8"), sources.end());
}

TEST(LookedAfterTest, InHouseFosterCareCountsChildrenPlacedInTheYear) {
  RecordSet set("301");
  set.AddReturn(Return("ssda903-episodes", 2016));
  AddEpisodes(set, {
      // Left on 1 April: not in the placement on any day of the year.
      {.child = "h1", .start = D(2015, 1, 1), .place = "U3", .end = D(2015, 4, 1), .rec = "E13"},
      // Left on 2 April: placed on 1 April.
      {.child = "h2", .start = D(2015, 1, 1), .place = "U4", .end = D(2015, 4, 2), .rec = "E13"},
      {.child = "h3", .start = D(2015, 1, 1), .place = "U1", .provider = "PR2"},  // agency carers
      {.child = "h4", .start = D(2015, 1, 1), .place = "R1"},                     // not foster care
      {.child = "h5", .start = D(2015, 1, 1), .ls = "V3", .place = "U6"},         // short breaks
      {.child = "h6", .start = D(2016, 3, 31), .place = "U6"},                    // from S
      // Two episodes in one placement: one child.
      {.child = "h7", .start = D(2015, 5, 1), .end = D(2015, 9, 1), .rec = "X1"},
      {.child = "h7", .start = D(2015, 9, 1), .rne = "L", .ls = "C1"},
  });
  Points pts = Compute(set, {2015});
  EXPECT_EQ(V(pts, "lac_inhouse_foster_children/2015-16"), 3);  // h2, h6, h7
}

TEST(LookedAfterTest, CareLeaversAndEmptyYears) {
  RecordSet set("301");
  set.AddReturn(Return("ssda903-oc3", 2016));
  set.AddReturn(Return("ssda903-oc3", 2017));
  set.AddReturn(Return("ssda903-header", 2016));
  set.AddReturn(Return("ssda903-episodes", 2016));
  set.Add(Child("l4", D(1995, 9, 9), v1::MALE, "WBRI"));
  set.Add(Leaver("l1", D(1996, 6, 1), "YES", "F1", "B1", 2016));  // 19: all three
  set.Add(Leaver("l2", D(1998, 3, 31), "NO", "G5", "B2", 2016));  // 18 on S: counted, none
  set.Add(Leaver("l3", D(1998, 4, 1), "YES", "F1", "B1", 2016));  // 17 at S: not counted
  // No birth date on the row; the header says 20. Part-time (P4) is not F1 to F5.
  set.Add(Leaver("l4", {}, "REFU", "P4", "U1", 2016));
  set.Add(Leaver("l5", {}, "YES", "F1", "B1", 2016));  // no birth date anywhere: left out
  set.Add(Leaver("l6", D(1996, 1, 1), "NREQ", "F5", "T2", 2016));
  set.Add(Leaver("l7", D(2000, 1, 1), "YES", "F1", "B1", 2017));  // 17 at S 2017
  // The episodes return of 2015-16 holds nobody looked after at S (a short break aside).
  AddEpisodes(set, {
      {.child = "x", .start = D(2015, 5, 1), .end = D(2015, 6, 1), .rec = "E13"},
      {.child = "v", .start = D(2015, 5, 1), .ls = "V4"},
  });
  Points pts = Compute(set, {2015, 2016});

  EXPECT_EQ(V(pts, "care_leavers_18plus/2015-16"), 4);  // l1, l2, l4, l6
  EXPECT_DOUBLE_EQ(V(pts, "care_leavers_eet_pct/2015-16"), 50.0);                     // l1 F1, l6 F5
  EXPECT_DOUBLE_EQ(V(pts, "care_leavers_suitable_accommodation_pct/2015-16"), 50.0);  // B1, U1
  EXPECT_DOUBLE_EQ(V(pts, "care_leavers_in_touch_pct/2015-16"), 25.0);                // l1 YES only
  // 2016-17: a return whose only leaver is 17: none, and no percentages of none.
  EXPECT_EQ(V(pts, "care_leavers_18plus/2016-17"), 0);
  EXPECT_TRUE(NoValue(pts, "care_leavers_eet_pct/2016-17"));
  EXPECT_TRUE(NoValue(pts, "care_leavers_in_touch_pct/2016-17"));

  // Nobody looked after at S: zero, and every percentage of them has no value.
  EXPECT_EQ(V(pts, "lac_year_end/2015-16"), 0);
  EXPECT_EQ(V(pts, "lac_started/2015-16"), 1);
  EXPECT_TRUE(NoValue(pts, "lac_female_pct/2015-16"));
  EXPECT_EQ(pts["lac_female_pct/2015-16"].denominator(), 0);
  EXPECT_TRUE(NoValue(pts, "lac_placement_moves_3plus_pct/2015-16"));
  EXPECT_TRUE(NoValue(pts, "lac_long_term_stability_pct/2015-16"));
  EXPECT_TRUE(NoValue(pts, "lac_placed_in_borough_pct/2015-16"));
  // Nobody adopted: a count of 0, and a mean of nobody has no value.
  EXPECT_EQ(V(pts, "adoptions/2015-16"), 0);
  EXPECT_TRUE(NoValue(pts, "adoption_a1_days/2015-16"));
  // No AD1 or PlacedAdoption tables filed: no A2, no decisions, rather than zeros.
  EXPECT_EQ(pts.count("adoption_a2_days/2015-16"), 0u);
  EXPECT_EQ(pts.count("shopa_decisions/2015-16"), 0u);
  // 2016-17 has care leavers but no episodes return: no looked-after or adoption points.
  EXPECT_EQ(pts.count("lac_year_end/2016-17"), 0u);
  EXPECT_EQ(pts.count("adoptions/2016-17"), 0u);
}

TEST(AdoptionTest, TimelinessOverPeriodsOfCare) {
  RecordSet set("301");
  for (int year : {2014, 2015, 2016}) {
    set.AddReturn(Return("ssda903-episodes", year));
    set.AddReturn(Return("ssda903-ad1", year));
    set.AddReturn(Return("ssda903-placed_adoption", year));
  }
  AddEpisodes(set, {
      // Adopted 1 May 2015 after four episodes: in care from 10 January 2013, authority
      // to place (E1) from 1 June 2013, placed for adoption (A4) on 1 February 2014.
      {.child = "ad_a", .start = D(2013, 1, 10), .end = D(2013, 6, 1), .rec = "X1", .return_year = 2014},
      {.child = "ad_a", .start = D(2013, 6, 1), .rne = "L", .ls = "E1", .end = D(2014, 2, 1), .rec = "X1",
       .return_year = 2014},
      {.child = "ad_a", .start = D(2014, 2, 1), .rne = "P", .ls = "E1", .place = "A4", .provider = "PR1",
       .end = D(2014, 8, 1), .rec = "X1", .return_year = 2015},
      {.child = "ad_a", .start = D(2014, 8, 1), .rne = "L", .ls = "E1", .place = "A4", .end = D(2015, 5, 1),
       .rec = "E11", .return_year = 2016},
      // Adopted on S (E12): in care 1 April 2014 under police protection, E1 from 1 May,
      // placed (A6) 1 January 2015; matched 20 April 2014, before the authority.
      {.child = "ad_b", .start = D(2014, 4, 1), .ls = "L1", .end = D(2014, 5, 1), .rec = "X1", .return_year = 2015},
      {.child = "ad_b", .start = D(2014, 5, 1), .rne = "L", .ls = "E1", .end = D(2015, 1, 1), .rec = "X1",
       .return_year = 2015},
      {.child = "ad_b", .start = D(2015, 1, 1), .rne = "P", .ls = "E1", .place = "A6", .end = D(2016, 3, 31),
       .rec = "E12", .return_year = 2016},
      // Adopted, but the returns do not reach back to the start of its period of care.
      {.child = "ad_c", .start = D(2014, 6, 1), .rne = "P", .ls = "E1", .place = "A3", .end = D(2015, 6, 1),
       .rec = "E11", .return_year = 2016},
      // Adopted with no AD1 match date: in A1, not in A2.
      {.child = "ad_d", .start = D(2015, 1, 1), .ls = "E1", .end = D(2015, 3, 1), .rec = "X1", .return_year = 2015},
      {.child = "ad_d", .start = D(2015, 3, 1), .rne = "P", .ls = "E1", .place = "A5", .end = D(2015, 10, 1),
       .rec = "E11", .return_year = 2016},
      // Adopted on 1 April 2016: 2016-17.
      {.child = "ad_e", .start = D(2015, 1, 1), .ls = "E1", .place = "A4", .end = D(2016, 4, 1), .rec = "E11"},
      // Left care another way.
      {.child = "ad_g", .start = D(2015, 1, 1), .end = D(2015, 7, 1), .rec = "E13"},
      // 2013-14: in care 1 April 2012 on E1, placed with its foster carers for adoption
      // (A3) 1 May 2012 (30 days), matched 21 April (20 days after the authority).
      {.child = "y13", .start = D(2012, 4, 1), .ls = "E1", .end = D(2012, 5, 1), .rec = "X1", .return_year = 2014},
      {.child = "y13", .start = D(2012, 5, 1), .rne = "P", .ls = "E1", .place = "A3", .end = D(2013, 12, 1),
       .rec = "E11", .return_year = 2014},
      // 2014-15: placed after 10 days, matched 5 days after the authority...
      {.child = "y14a", .start = D(2013, 4, 1), .ls = "E1", .end = D(2013, 4, 11), .rec = "X1", .return_year = 2015},
      {.child = "y14a", .start = D(2013, 4, 11), .rne = "P", .ls = "E1", .place = "A4", .end = D(2014, 6, 1),
       .rec = "E11", .return_year = 2015},
      // ...and placed after 50 days, authority from its second episode, matched 10 days on.
      {.child = "y14b", .start = D(2013, 4, 1), .end = D(2013, 5, 1), .rec = "X1", .return_year = 2015},
      {.child = "y14b", .start = D(2013, 5, 1), .rne = "L", .ls = "E1", .end = D(2013, 5, 21), .rec = "X1",
       .return_year = 2015},
      {.child = "y14b", .start = D(2013, 5, 21), .rne = "P", .ls = "E1", .place = "A4", .end = D(2014, 7, 1),
       .rec = "E12", .return_year = 2015},
  });
  set.Add(Ad1("ad_a", D(2013, 5, 1), D(2014, 1, 15), 2016));
  set.Add(Ad1("ad_b", D(2014, 4, 10), D(2014, 4, 20), 2016));
  set.Add(Ad1("y13", D(2012, 4, 10), D(2012, 4, 21), 2014));
  set.Add(Ad1("y14a", D(2013, 4, 2), D(2013, 4, 6), 2015));
  set.Add(Ad1("y14b", D(2013, 5, 5), D(2013, 5, 11), 2015));
  Points pts = Compute(set, {2013, 2014, 2015});

  // ad_a, ad_b, ad_c, ad_d; not ad_e (2016-17) or ad_g (E13).
  EXPECT_EQ(V(pts, "adoptions/2015-16"), 4);
  EXPECT_EQ(V(pts, "adoptions/2015-05"), 1);  // ad_a
  EXPECT_EQ(V(pts, "adoptions/2016-03"), 1);  // ad_b, on S
  EXPECT_EQ(V(pts, "adoptions/2015-07"), 0);  // ad_g left care, not adopted
  // A1 over ad_a (10 Jan 2013 to 1 Feb 2014: 387 days, walking back its chain to the
  // RNE S episode; the later A4 episode is not the move), ad_b (1 Apr 2014 to 1 Jan
  // 2015: 275) and ad_d (1 Jan to 1 Mar 2015: 59); ad_c's period start is not loaded.
  EXPECT_DOUBLE_EQ(V(pts, "adoption_a1_days/2015-16"), (387.0 + 275 + 59) / 3);
  EXPECT_EQ(pts["adoption_a1_days/2015-16"].denominator(), 3);
  // A2 over ad_a (1 Jun 2013 to 15 Jan 2014: 228) and ad_b (matched before its
  // authority: 0); ad_d has no match date.
  EXPECT_DOUBLE_EQ(V(pts, "adoption_a2_days/2015-16"), (228.0 + 0) / 2);
  EXPECT_EQ(pts["adoption_a2_days/2015-16"].denominator(), 2);
  EXPECT_DOUBLE_EQ(V(pts, "adoption_a1_days/2013-14"), 30);  // y13
  EXPECT_DOUBLE_EQ(V(pts, "adoption_a2_days/2013-14"), 20);
  EXPECT_DOUBLE_EQ(V(pts, "adoption_a1_days/2014-15"), 30);  // y14a 10, y14b 50
  EXPECT_DOUBLE_EQ(V(pts, "adoption_a2_days/2014-15"), 7.5);  // 5 and 10

  // Three years to 2015-16, child-weighted: (30 + 10 + 50 + 387 + 275 + 59) / 6, not the
  // mean of the yearly means (30 + 30 + 240.3) / 3.
  EXPECT_DOUBLE_EQ(V(pts, "adoption_a1_days_3yr/2015-16"), 811.0 / 6);
  EXPECT_EQ(pts["adoption_a1_days_3yr/2015-16"].denominator(), 6);
  EXPECT_DOUBLE_EQ(V(pts, "adoption_a2_days_3yr/2015-16"), (20.0 + 5 + 10 + 228 + 0) / 5);
  // The windows ending 2013-14 and 2014-15 reach back to years without returns.
  EXPECT_EQ(pts.count("adoption_a1_days_3yr/2014-15"), 0u);
  EXPECT_EQ(pts.count("adoption_a2_days_3yr/2014-15"), 0u);
  EXPECT_EQ(pts.count("adoption_a1_days_3yr/2013-14"), 0u);
}

TEST(AdoptionTest, ThreeYearMeansNeedEveryYearsReturn) {
  RecordSet set("301");
  // 2014-15's episodes return is missing: its adoptions cannot be counted, so the window
  // to 2015-16 has no mean though episodes loaded from other years reach into it.
  for (int year : {2014, 2016}) set.AddReturn(Return("ssda903-episodes", year));
  AddEpisodes(set, {
      {.child = "a", .start = D(2015, 1, 1), .ls = "E1", .place = "A4", .end = D(2015, 6, 1), .rec = "E11"},
  });
  Points pts = Compute(set, {2015});
  EXPECT_DOUBLE_EQ(V(pts, "adoption_a1_days/2015-16"), 0);  // placed for adoption on entry
  EXPECT_EQ(pts.count("adoption_a1_days_3yr/2015-16"), 0u);
}

TEST(AdoptionTest, DecisionsToPlaceComeFromPlacedAdoptionOnly) {
  RecordSet set("301");
  for (int year : {2014, 2015, 2016}) {
    set.AddReturn(Return("ssda903-ad1", year));
    set.AddReturn(Return("ssda903-placed_adoption", year));
  }
  // A decision still on the table a year later is one decision.
  set.Add(PlacedAdoption("a", D(2013, 5, 1), 2014));
  set.Add(PlacedAdoption("a", D(2013, 5, 1), 2015));
  // A child adopted in the year has the decision in AD1 (DATE_INT) and PlacedAdoption.
  set.Add(Ad1("b", D(2015, 6, 1), D(2015, 8, 1), 2016));
  set.Add(PlacedAdoption("b", D(2015, 6, 1), 2016));
  set.Add(PlacedAdoption("c", D(2016, 3, 31), 2016));  // on S
  set.Add(PlacedAdoption("d", D(2016, 4, 1), 2016));   // 2016-17
  // Two decisions for one child (the first reversed): decisions, not children.
  set.Add(PlacedAdoption("e", D(2015, 5, 1), 2016));
  set.Add(PlacedAdoption("e", D(2015, 11, 1), 2016));
  Points pts = Compute(set, {2013, 2014, 2015});

  EXPECT_EQ(V(pts, "shopa_decisions/2013-14"), 1);  // a, once
  EXPECT_EQ(V(pts, "shopa_decisions/2014-15"), 0);
  EXPECT_EQ(V(pts, "shopa_decisions/2015-16"), 4);  // b once, c, e twice
  // No episodes returns: no adoption counts or means.
  EXPECT_EQ(pts.count("adoptions/2015-16"), 0u);
  EXPECT_EQ(pts.count("adoption_a2_days/2015-16"), 0u);
}

// Three children over 2014-15 and 2015-16, for the rolling windows: `before` starts in
// January 2015 (the year before); `twice` starts in May 2015 on police protection and
// again in September 2015 on a care order; `late` starts in March 2016.
void AddBeforeTwiceLate(RecordSet& set) {
  set.AddReturn(Return("ssda903-episodes", 2015));
  set.AddReturn(Return("ssda903-episodes", 2016));
  AddEpisodes(set, {
      {.child = "before", .start = D(2015, 1, 10), .end = D(2015, 2, 1), .rec = "E13", .return_year = 2015},
      {.child = "twice", .start = D(2015, 5, 1), .ls = "L1", .end = D(2015, 7, 1), .rec = "E13"},
      {.child = "twice", .start = D(2015, 9, 1)},
      {.child = "late", .start = D(2016, 3, 15), .ls = "L1"},
  });
}

// Rolling 12 months of children starting and ceasing care: a child counted in two months
// of a window is one child of it (never the months summed), and the window ending in
// March is the year.
TEST(LookedAfterTest, RollingTwelveMonthsCountEachChildOnce) {
  RecordSet set("301");
  AddBeforeTwiceLate(set);
  Points pts = Compute(set, {2015});

  // January to December 2015: before, and twice once for its May and September starts.
  EXPECT_EQ(V(pts, "lac_started/2015-01 to 2015-12"), 2);
  EXPECT_EQ(V(pts, "lac_started/2015-05"), 1);
  EXPECT_EQ(V(pts, "lac_started/2015-09"), 1);
  EXPECT_EQ(V(pts, "lac_started/2014-07 to 2015-06"), 2);
  EXPECT_EQ(V(pts, "lac_started/2014-05 to 2015-04"), 1);  // before alone
  EXPECT_EQ(V(pts, "lac_ceased/2015-01 to 2015-12"), 2);   // before in February, twice in July
  // twice's first start of January to December 2015 was on police protection; before's not.
  EXPECT_EQ(V(pts, "lac_police_protection_started/2015-01 to 2015-12"), 1);
  EXPECT_DOUBLE_EQ(V(pts, "lac_police_protection_pct/2015-01 to 2015-12"), 50);
  // Per month: twice's September start was on a care order.
  EXPECT_DOUBLE_EQ(V(pts, "lac_police_protection_pct/2015-05"), 100);
  EXPECT_DOUBLE_EQ(V(pts, "lac_police_protection_pct/2015-09"), 0);
  // The window ending in March 2016 is 2015-16: twice and late.
  for (const char* id : {"lac_started", "lac_ceased", "lac_police_protection_started", "lac_police_protection_pct",
                         "adoptions"}) {
    const std::string year = std::string(id) + "/2015-16", rolling = std::string(id) + "/2015-04 to 2016-03";
    ASSERT_TRUE(pts.count(rolling)) << rolling;
    EXPECT_EQ(pts[rolling].value(), pts[year].value()) << id;
    EXPECT_EQ(pts[rolling].numerator(), pts[year].numerator()) << id;
    EXPECT_EQ(pts[rolling].denominator(), pts[year].denominator()) << id;
  }
  EXPECT_EQ(V(pts, "lac_started/2015-04 to 2016-03"), 2);
  EXPECT_DOUBLE_EQ(V(pts, "lac_police_protection_pct/2015-04 to 2016-03"), 100);
  // The month-end rate over the year's population: twice and late at the end of March.
  EXPECT_DOUBLE_EQ(V(pts, "lac_rate/2016-03"), V(pts, "lac_rate/2015-16"));
  EXPECT_DOUBLE_EQ(V(pts, "lac_rate/2015-05"), 1.0 / 50000 * 10000);
}

// Listing a rolling window (ListChildren): each child counted once, by its first episode
// of the window, from the count itself: twice's May and September starts are one entry.
TEST(LookedAfterTest, ARollingWindowListsEachChildOnce) {
  RecordSet set("301");
  AddBeforeTwiceLate(set);
  set.Finalize();
  static const Populations pops = Pops();
  struct Want {
    const char* id;
    std::vector<std::string> numerator, denominator;
  };
  for (const Want& w : {Want{"lac_started", {"before:2015-01-10", "twice:2015-05-01"}, {}},
                        Want{"lac_ceased", {"before:2015-01-10", "twice:2015-05-01"}, {}},
                        Want{"lac_police_protection_started", {"twice:2015-05-01"}, {}},
                        Want{"lac_police_protection_pct", {"twice:2015-05-01"},
                             {"before:2015-01-10", "twice:2015-05-01"}}}) {
    PointWriter out("301", 0);
    out.ListFor(w.id, "", Rolling12Months(2015, 12));
    FamilyInput in{set, pops, WorkingDays::Shipped(), 2015};
    ComputeLookedAfter(in, out);
    ASSERT_NE(out.listed(), nullptr) << w.id;
    ASSERT_NE(out.listed_point(), nullptr) << w.id;
    auto names = [](const std::vector<v1::ListedChild>& list) {
      std::vector<std::string> v;
      for (const auto& c : list) {
        std::string start;
        for (const auto& f : c.facts()) {
          if (f.name() == "start_date") start = f.value();
        }
        v.push_back(c.child() + ":" + start);
      }
      return v;
    };
    EXPECT_EQ(names(out.listed()->numerator), w.numerator) << w.id;
    EXPECT_EQ(names(out.listed()->denominator), w.denominator) << w.id;
    EXPECT_EQ(out.listed_point()->numerator(), w.numerator.size()) << w.id;
  }
}

}  // namespace
}  // namespace carestat
