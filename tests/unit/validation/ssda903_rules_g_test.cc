// Tests of the SSDA903 rules that need reference data (ssda903_rules_g.cc): each with a
// case that breaks it and a near miss, against a tiny made-up postcode lookup and Ofsted
// register built here (sectors and URNs are invented).
#include <gtest/gtest.h>

#include "services/ingestion/validation/reference_data.h"
#include "tests/unit/validation/rule_test_util.h"

namespace carestat::validation {
namespace {

using testing::Found;
using testing::RuleCase;

constexpr double kMile = 1609.3;  // metres, as DfE's distance divides by 1.6093 km

// The made-up places. LA 301 is the returns' own (RuleCase's default).
//   AA1 1  LA 301, the origin         AA1 2  LA 301, 3.0 miles east
//   AA1 3  LA 301, 3.1 miles east     BB2 2  LA 302, 5.0 miles north
//   CF1 1  Wales                      FF9 9  1,000 miles east (made up: no real UK pair is)
//   FF8 8  400 miles north            QQ1 1  a district the LA table does not know
// and three full postcodes: AA1 2XY, AA1 1AB (LA 301), BB2 2CD (LA 302).
const ReferenceData& Places() {
  static const ReferenceData* ref = [] {
    auto* r = new ReferenceData();
    auto put = [&](const std::string& sector, double east_miles, double north_miles, std::string la,
                   std::string ons = "E09000002") {
      SectorPlace p;
      p.east = 500000 + east_miles * kMile;
      p.north = 200000 + north_miles * kMile;
      p.has_grid = true;
      p.ons_district = std::move(ons);
      p.pl_la = std::move(la);
      r->AddSector(sector, p);
    };
    put("AA1 1", 0, 0, "301");
    put("AA1 2", 3.0, 0, "301");
    put("AA1 3", 3.1, 0, "301");
    put("BB2 2", 0, 5.0, "302", "E09000003");
    put("CF1 1", 0, 100, "WAL", "W06000015");
    put("FF9 9", 1000, 0, "302", "E09000003");
    put("FF8 8", 0, 400, "302", "E09000003");
    put("QQ1 1", 1, 1, "", "L99999999");
    // Full postcodes the cases write in full (a full postcode is looked up as itself).
    r->AddPostcode("AA1 2XY", 500000 + 3.0 * kMile, 200000, true, "E09000002");
    r->AddPostcode("AA1 1AB", 500000, 200000, true, "E09000002");
    r->AddPostcode("BB2 2CD", 500000, 200000 + 5.0 * kMile, true, "E09000003");
    r->MarkPostcodesLoaded();
    return r;
  }();
  return *ref;
}

// The made-up register: SC000001 a children's home in LA 301 (K2, PR1/PR2/PR3, postcode
// AA1 2XY), SC000002 in LA 302 (K2, PR4), 1000003 a supported accommodation (K3, PR4,
// closed 01/05/2024, postcode AA1 3ZZ), 1000004 with no LA named, its postcode in 302.
const ReferenceData& Register() {
  static const ReferenceData* ref = [] {
    auto* r = new ReferenceData(Places());
    auto add = [&](std::string urn, std::set<std::string> place, std::set<std::string> provider,
                   std::optional<int32_t> end, std::string postcode, std::string la_name) {
      Provider p;
      p.urn = std::move(urn);
      p.place_codes = std::move(place);
      p.provider_codes = std::move(provider);
      p.reg_end = end;
      p.postcode = PostcodeKey(postcode);
      p.la_name = std::move(la_name);
      r->AddProvider(std::move(p));
    };
    add("SC000001", {"K2"}, {"PR1", "PR2", "PR3"}, std::nullopt, "AA1 2XY", "Barking and Dagenham");
    add("SC000002", {"K2", "H5"}, {"PR4"}, std::nullopt, "BB2 2AB", "Barnet");
    add("1000003", {"K3"}, {"PR4"}, DayNumber(2024, 5, 1), "AA1 3ZZ", "Barking & Dagenham");
    add("1000004", {"K2"}, {"PR4"}, std::nullopt, "BB2 2CD", "");
    r->MarkProvidersLoaded();
    return r;
  }();
  return *ref;
}

// A return of `year` with the postcode lookup and register loaded.
RuleCase Case(int year = 2025) {
  RuleCase c("ssda903", year);
  c.ctx().reference = &Register();
  return c;
}

void Episode(RuleCase& c, const std::string& child, std::initializer_list<std::pair<std::string_view, std::string>> f) {
  c.Add(child, "Episodes", f);
}

// ---- postcode-derived ------------------------------------------------------------------

TEST(Ssda903Rules, R164) {
  auto c = Case();
  Episode(c, "A", {{"LS", "C2"}, {"HOME_POST", "AA1 1"}, {"PL_POST", "FF9 9"}});  // 1,000.0 miles
  Episode(c, "B", {{"LS", "C2"}, {"HOME_POST", "AA1 1"}, {"PL_POST", "FF8 8"}});  // 400: within 999.9
  Episode(c, "C", {{"LS", "V3"}, {"HOME_POST", "AA1 1"}, {"PL_POST", "FF9 9"}});  // short breaks aside
  c.Add("D", "Header", {{"UASC", "1"}});
  Episode(c, "D", {{"LS", "C2"}, {"HOME_POST", "AA1 1"}, {"PL_POST", "FF9 9"}});  // UASC aside
  EXPECT_EQ(c.Run("164"), Found({"A Episodes PL_DISTANCE"}));
}

TEST(Ssda903Rules, R169) {
  auto c = Case();
  Episode(c, "A", {{"LS", "C2"}, {"PL_POST", "ZZ1 1"}});    // not in the lookup
  Episode(c, "B", {{"LS", "C2"}, {"PL_POST", "AA1 2"}});    // placed
  Episode(c, "C", {{"LS", "V4"}, {"PL_POST", "ZZ1 1"}});    // short breaks aside
  Episode(c, "D", {{"LS", "C2"}, {"PL_POST", "QQ1 1"}});    // a district no LA
  Episode(c, "E", {{"LS", "C2"}, {"PL_POST", "aa1 2xy"}});  // a full postcode, its sector placed
  EXPECT_EQ(c.Run("169"), Found({"A Episodes PL_LA", "D Episodes PL_LA"}));
}

TEST(Ssda903Rules, R179) {
  auto c = Case();
  Episode(c, "A", {{"LS", "C2"}, {"PLACE", "U1"}});                              // no PL_POST: no location
  Episode(c, "B", {{"LS", "C2"}, {"PL_POST", "BB2 2"}});                         // OUT
  Episode(c, "C", {{"LS", "C2"}, {"PL_POST", "AA1 1"}, {"PL_LOCATION", "XX"}});  // given, not a code
  Episode(c, "D", {{"LS", "V3"}});
  EXPECT_EQ(c.Run("179"), Found({"A Episodes PL_LOCATION", "C Episodes PL_LOCATION"}));
}

TEST(Ssda903Rules, R218) {
  // 2024-25: K2 in England needs a URN; H5 no longer exempt; Wales and a closed-before-2015 episode aside.
  auto c = Case(2025);
  Episode(c, "A", {{"PLACE", "K2"}, {"PL_POST", "AA1 2"}});
  Episode(c, "B", {{"PLACE", "K2"}, {"PL_POST", "AA1 2"}, {"URN", "SC000001"}});
  Episode(c, "C", {{"PLACE", "K2"}, {"PL_POST", "CF1 1"}});  // Wales
  Episode(c, "D", {{"PLACE", "P1"}, {"PL_POST", "AA1 2"}});  // exempt
  Episode(c, "E", {{"PLACE", "H5"}, {"PL_POST", "AA1 2"}});  // H5 exempt to 2023-24 only
  Episode(c, "F", {{"PLACE", "K2"}, {"PL_POST", "AA1 2"}, {"DEC", "31/03/2015"}});
  EXPECT_EQ(c.Run("218"), Found({"A Episodes URN", "E Episodes URN"}));
}

TEST(Ssda903Rules, R218_YearsExemptDifferentPlacements) {
  for (int year : {2024, 2026}) {
    SCOPED_TRACE(year);
    auto c = Case(year);
    Episode(c, "H", {{"PLACE", "H5"}, {"PL_POST", "AA1 2"}});   // exempt in 2023-24
    Episode(c, "Z", {{"PLACE", "Z1"}, {"PL_POST", "AA1 2"}});   // exempt to 2024-25
    Episode(c, "Y", {{"PLACE", "Z12"}, {"PL_POST", "AA1 2"}});  // exempt from 2025-26
    Episode(c, "P", {{"PLACE", "P2"}, {"PL_POST", "AA1 2"}});   // exempt in 2023-24
    if (year == 2024)
      EXPECT_EQ(c.Run("218"), Found({"Y Episodes URN"}));
    else
      EXPECT_EQ(c.Run("218"), Found({"H Episodes URN", "Z Episodes URN", "P Episodes URN"}));
  }
}

TEST(Ssda903Rules, R230) {
  auto c = Case(2024);
  Episode(c, "A", {{"PLACE", "H5"}, {"PL_POST", "AA1 2"}, {"URN", "XXXXXXX"}});
  Episode(c, "B", {{"PLACE", "H5"}, {"PL_POST", "AA1 2"}, {"DEC", "28/10/2023"}});  // ended before
  Episode(c, "C", {{"PLACE", "H5"}, {"PL_POST", "AA1 2"}, {"DEC", "29/10/2023"}});  // open after
  Episode(c, "D", {{"PLACE", "H5"}, {"PL_POST", "CF1 1"}});                         // Wales
  Episode(c, "E", {{"PLACE", "H5"}, {"PL_POST", "AA1 2"}, {"URN", "SC000002"}});
  EXPECT_EQ(c.Run("230"), Found({"A Episodes URN", "C Episodes URN"}));
}

TEST(Ssda903Rules, R392a) {
  auto c = Case();
  Episode(c, "A", {{"LS", "C2"}, {"PL_POST", "AA1 2"}});  // no HOME_POST
  Episode(c, "B", {{"LS", "C2"}, {"HOME_POST", "AA1 1"}, {"PL_POST", "AA1 2"}});
  Episode(c, "C", {{"LS", "C2"}, {"HOME_POST", "AA1 1"}, {"PL_POST", "ZZ1 1"}});  // not placed
  c.Add("D", "UASC", {{"SEX", "1"}, {"DUC", "01/01/2027"}});
  Episode(c, "D", {{"LS", "C2"}, {"PL_POST", "AA1 2"}});  // UASC: none expected
  EXPECT_EQ(c.Run("392a"), Found({"A Episodes PL_DISTANCE", "C Episodes PL_DISTANCE"}));
}

TEST(Ssda903Rules, R392c) {
  auto c = Case();
  Episode(c, "A", {{"HOME_POST", "ZZ1 1"}, {"PL_POST", "AA1 2"}});
  Episode(c, "B", {{"HOME_POST", "AA1 1AB"}, {"PL_POST", "AA12"}});  // a full one and a sector without its space
  Episode(c, "C", {{"PL_POST", "NOT A CODE"}});
  Episode(c, "D", {{"HOME_POST", "AA1 1ZZ"}});  // its sector is there, the postcode is not
  EXPECT_EQ(c.Run("392c"), Found({"A Episodes HOME_POST", "C Episodes PL_POST", "D Episodes HOME_POST"}));
}

TEST(Ssda903Rules, R406) {
  auto c = Case();
  c.Add("A", "Header", {{"UASC", "1"}});
  Episode(c, "A", {{"HOME_POST", "AA1 1"}, {"PL_POST", "AA1 2"}});
  c.Add("B", "Header", {{"UASC", "1"}});
  Episode(c, "B", {{"PL_POST", "AA1 2"}});                          // no HOME_POST: no distance
  Episode(c, "C", {{"HOME_POST", "AA1 1"}, {"PL_POST", "AA1 2"}});  // never UASC
  c.Add("D", "Header_last", {{"UASC", "1"}});
  Episode(c, "D", {{"HOME_POST", "AA1 1"}, {"PL_POST", "AA1 2"}});  // UASC last year
  EXPECT_EQ(c.Run("406"), Found({"A Episodes PL_DISTANCE", "D Episodes PL_DISTANCE"}));
}

TEST(Ssda903Rules, R411) {
  auto c = Case();
  Episode(c, "A", {{"PL_POST", "BB2 2"}, {"PL_LOCATION", "IN"}});  // a row that says IN, placed in 302
  Episode(c, "B", {{"PL_POST", "AA1 2"}, {"PL_LOCATION", "IN"}});  // IN and in 301
  Episode(c, "C", {{"PL_POST", "BB2 2"}});                         // derived: OUT, agrees
  Episode(c, "D", {{"PL_LA", "302"}, {"PL_LOCATION", "IN"}});      // both given, disagree
  EXPECT_EQ(c.Run("411"), Found({"A Episodes PL_LOCATION", "D Episodes PL_LOCATION"}));
}

TEST(Ssda903Rules, R420) {
  auto c = Case();
  Episode(c, "A", {{"LS", "V3"}, {"PL_POST", "AA1 2"}});
  Episode(c, "B", {{"LS", "V4"}});
  Episode(c, "C", {{"LS", "C2"}, {"PL_POST", "AA1 2"}});
  Episode(c, "D", {{"LS", "V4"}, {"PL_POST", "ZZ1 1"}});  // not placed: no PL_LA
  EXPECT_EQ(c.Run("420"), Found({"A Episodes PL_LA"}));
}

// This year's first episode and last year's open one.
void Carried(RuleCase& c, const std::string& child, std::string rne_then, std::string rne_now, std::string home,
             std::string post_then, std::string post_now, std::string dec_then = "") {
  c.Add(child, "Episodes_last",
        {{"DECOM", "01/06/2023"}, {"RNE", "S"}, {"HOME_POST", home}, {"PL_POST", "AA1 1"}, {"DEC", "01/09/2023"}});
  c.Add(child, "Episodes_last",
        {{"DECOM", "01/09/2023"}, {"RNE", rne_then}, {"HOME_POST", home}, {"PL_POST", post_then}, {"DEC", dec_then}});
  c.Add(child, "Episodes", {{"DECOM", "01/09/2023"}, {"RNE", rne_now}, {"HOME_POST", home}, {"PL_POST", post_now}});
  c.Add(child, "Episodes", {{"DECOM", "01/09/2024"}, {"RNE", "P"}, {"HOME_POST", home}, {"PL_POST", "FF8 8"}});
}

TEST(Ssda903Rules, R452) {
  auto c = Case();
  Carried(c, "A", "S", "S", "AA1 1", "AA1 2", "BB2 2");                // 301 then 302
  Carried(c, "B", "S", "P", "AA1 1", "AA1 2", "BB2 2");                // RNE differs: 503H's, not 452's
  Carried(c, "C", "S", "S", "AA1 1", "AA1 2", "AA1 3");                // both 301
  Carried(c, "D", "S", "S", "AA1 1", "AA1 2", "BB2 2", "01/01/2024");  // last year's ended
  EXPECT_EQ(c.Run("452"), Found({"A Episodes PL_LA"}));
}

TEST(Ssda903Rules, R453) {
  auto c = Case();
  Carried(c, "A", "S", "S", "AA1 1", "AA1 2", "BB2 2");  // 3.0 then 5.0 miles
  Carried(c, "B", "S", "S", "AA1 1", "AA1 2", "AA1 3");  // 3.0 then 3.1: under 0.2
  Carried(c, "C", "S", "P", "AA1 1", "AA1 2", "BB2 2");  // RNE differs
  Carried(c, "D", "S", "S", "AA1 1", "ZZ1 1", "AA1 2");  // none last year, 3.0 now
  EXPECT_EQ(c.Run("453"), Found({"A Episodes PL_DISTANCE", "D Episodes PL_DISTANCE"}));
}

TEST(Ssda903Rules, R454) {
  auto c = Case(2026);
  Episode(c, "A", {{"HOME_POST", "AA1 1"}, {"PL_POST", "FF8 8"}});  // 400 miles
  Episode(c, "B", {{"HOME_POST", "AA1 1"}, {"PL_POST", "BB2 2"}});
  Episode(c, "C", {{"HOME_POST", "AA1 1"}, {"PL_POST", "AA1 1"}, {"PL_DISTANCE", "999.9"}});  // DfE's "not known"
  EXPECT_EQ(c.Run("454"), Found({"A Episodes PL_DISTANCE"}));
}

TEST(Ssda903Rules, R503G) {
  auto c = Case();
  Carried(c, "A", "S", "P", "AA1 1", "AA1 2", "BB2 2");  // 3.0 then 5.0, whatever the RNE
  Carried(c, "B", "S", "S", "AA1 1", "AA1 2", "AA1 3");  // within 0.2
  Carried(c, "C", "S", "S", "AA1 1", "AA1 2", "BB2 2", "01/01/2024");
  EXPECT_EQ(c.Run("503G"), Found({"A Episodes PL_DISTANCE"}));
}

TEST(Ssda903Rules, R503H) {
  auto c = Case();
  Carried(c, "A", "S", "P", "AA1 1", "AA1 2", "BB2 2");
  Carried(c, "B", "S", "P", "AA1 1", "AA1 2", "AA1 3");
  Carried(c, "C", "S", "S", "AA1 1", "AA1 2", "BB2 2", "01/01/2024");
  EXPECT_EQ(c.Run("503H"), Found({"A Episodes PL_LA"}));
}

TEST(Ssda903Rules, R503J) {
  auto c = Case();
  Carried(c, "A", "S", "S", "AA1 1", "AA1 2", "BB2 2");  // IN then OUT
  Carried(c, "B", "S", "S", "AA1 1", "BB2 2", "FF8 8");  // OUT then OUT (302 both)
  Carried(c, "C", "S", "S", "AA1 1", "AA1 2", "BB2 2", "01/01/2024");
  EXPECT_EQ(c.Run("503J"), Found({"A Episodes PL_LOCATION"}));
}

TEST(Ssda903Rules, R1015) {
  auto c = Case();
  Episode(c, "A", {{"LS", "C2"}, {"PLACE", "K2"}, {"PLACE_PROVIDER", "PR1"}, {"PL_POST", "BB2 2"}});
  Episode(c, "B", {{"LS", "C2"}, {"PLACE", "K2"}, {"PLACE_PROVIDER", "PR1"}, {"PL_POST", "AA1 2"}});
  Episode(c, "C", {{"LS", "C2"}, {"PLACE", "U1"}, {"PLACE_PROVIDER", "PR1"}, {"PL_POST", "BB2 2"}});  // fostering
  Episode(c, "D", {{"LS", "C2"}, {"PLACE", "K2"}, {"PLACE_PROVIDER", "PR2"}, {"PL_POST", "BB2 2"}});
  Episode(c, "E", {{"LS", "V3"}, {"PLACE", "K2"}, {"PLACE_PROVIDER", "PR1"}, {"PL_POST", "BB2 2"}});
  EXPECT_EQ(c.Run("1015"), Found({"A Episodes PL_LA"}));
}

// ---- Ofsted URN ------------------------------------------------------------------------

TEST(Ssda903Rules, R219) {
  auto c = Case();
  Episode(c, "A", {{"PLACE", "U1"}, {"URN", "SC000001"}});
  Episode(c, "B", {{"PLACE", "K2"}, {"URN", "SC000001"}});
  Episode(c, "C", {{"PLACE", "U1"}, {"URN", "XXXXXXX"}});   // no URN
  Episode(c, "D", {{"PLACE", "U1"}, {"URN", "SC999999"}});  // not on the register: 1008's
  Episode(c, "E", {{"PLACE", "H5"}, {"URN", "SC000002"}});  // one of two codes
  EXPECT_EQ(c.Run("219"), Found({"A Episodes PLACE"}));
}

TEST(Ssda903Rules, R221) {
  auto c = Case(2025);
  Episode(c, "A", {{"LS", "C2"}, {"PLACE", "K2"}, {"URN", "SC000001"}, {"PL_POST", "BB2 2"}});
  Episode(c, "B", {{"LS", "C2"}, {"PLACE", "K2"}, {"URN", "SC000001"}, {"PL_POST", "AA1 2"}});    // its sector
  Episode(c, "C", {{"LS", "C2"}, {"PLACE", "K2"}, {"URN", "SC000001"}, {"PL_POST", "aa12xy"}});   // in full
  Episode(c, "D", {{"LS", "C2"}, {"PLACE", "K2"}, {"URN", "SC000001"}, {"PL_POST", "AA1 2XZ"}});  // full, another
  Episode(c, "E", {{"LS", "C2"}, {"PLACE", "U1"}, {"URN", "SC000001"}, {"PL_POST", "BB2 2"}});    // not checked
  Episode(c, "F", {{"LS", "V3"}, {"PLACE", "K2"}, {"URN", "SC000001"}, {"PL_POST", "BB2 2"}});
  Episode(c, "G", {{"LS", "C2"}, {"PLACE", "K3"}, {"URN", "1000003"}, {"PL_POST", "BB2 2"}});  // K3 from 2024-25
  EXPECT_EQ(c.Run("221"), Found({"A Episodes PL_POST", "D Episodes PL_POST", "G Episodes PL_POST"}));
}

TEST(Ssda903Rules, R221_2023to24ChecksH5NotK3) {
  auto c = Case(2024);
  Episode(c, "H", {{"LS", "C2"}, {"PLACE", "H5"}, {"URN", "SC000002"}, {"PL_POST", "AA1 2"}});
  Episode(c, "G", {{"LS", "C2"}, {"PLACE", "K3"}, {"URN", "1000003"}, {"PL_POST", "BB2 2"}});
  EXPECT_EQ(c.Run("221"), Found({"H Episodes PL_POST"}));
}

TEST(Ssda903Rules, R224) {
  auto c = Case();
  Episode(c, "A", {{"PLACE_PROVIDER", "PR4"}, {"URN", "SC000001"}});
  Episode(c, "B", {{"PLACE_PROVIDER", "PR2"}, {"URN", "SC000001"}});
  Episode(c, "C", {{"PLACE_PROVIDER", "PR1"}, {"URN", "XXXXXXX"}});
  EXPECT_EQ(c.Run("224"), Found({"A Episodes PLACE_PROVIDER"}));
}

TEST(Ssda903Rules, R227) {
  auto c = Case();
  Episode(c, "A", {{"DECOM", "01/05/2024"}, {"URN", "1000003"}});  // began the day it closed
  Episode(c, "B", {{"DECOM", "30/04/2024"}, {"URN", "1000003"}});
  Episode(c, "C", {{"DECOM", "01/06/2024"}, {"URN", "SC000001"}});  // still open
  EXPECT_EQ(c.Run("227"), Found({"A Episodes URN"}));
}

TEST(Ssda903Rules, R228) {
  auto c = Case();
  Episode(c, "A", {{"DECOM", "01/04/2024"}, {"DEC", "02/05/2024"}, {"URN", "1000003"}});
  Episode(c, "B", {{"DECOM", "01/04/2024"}, {"DEC", "01/05/2024"}, {"URN", "1000003"}});  // ended that day
  Episode(c, "C", {{"DECOM", "01/04/2024"}, {"URN", "1000003"}});                         // open at 31 March 2025
  Episode(c, "D", {{"DECOM", "01/04/2024"}, {"URN", "SC000001"}});
  EXPECT_EQ(c.Run("228"), Found({"A Episodes URN", "C Episodes URN"}));
}

TEST(Ssda903Rules, R229) {
  auto c = Case();
  Episode(c, "A", {{"PLACE_PROVIDER", "PR1"}, {"URN", "SC000002"}});  // own provision, URN in Barnet
  Episode(c, "B", {{"PLACE_PROVIDER", "PR1"}, {"URN", "SC000001"}});  // own, in 301
  Episode(c, "C", {{"PLACE_PROVIDER", "PR2"}, {"URN", "SC000001"}});  // another LA's, but in 301
  Episode(c, "D", {{"PLACE_PROVIDER", "PR2"}, {"URN", "SC000002"}});
  Episode(c, "E", {{"PLACE_PROVIDER", "PR1"}, {"URN", "1000003"}});  // "Barking & Dagenham" is 301
  Episode(c, "F", {{"PLACE_PROVIDER", "PR1"}, {"URN", "1000004"}});  // no LA named: its postcode is in 302
  EXPECT_EQ(c.Run("229"),
            Found({"A Episodes PLACE_PROVIDER", "C Episodes PLACE_PROVIDER", "F Episodes PLACE_PROVIDER"}));
}

TEST(Ssda903Rules, R1008) {
  auto c = Case();
  Episode(c, "A", {{"URN", "SC999999"}});
  Episode(c, "B", {{"URN", "sc000001"}});  // case aside
  Episode(c, "C", {{"URN", "XXXXXXX"}});
  Episode(c, "D", {{"PLACE", "U1"}});
  EXPECT_EQ(c.Run("1008"), Found({"A Episodes URN"}));
}

// ---- not run without its data ----------------------------------------------------------

TEST(ReferenceRules, ARuleWithoutItsDataDoesNotRunAndIsNamed) {
  Context ctx;
  ctx.dataset = "ssda903";
  ctx.year = 2025;
  EXPECT_EQ(Engine(ctx, {"169"}).rule_count(), 0u);
  EXPECT_EQ(Engine(ctx, {"1008"}).rule_count(), 0u);
  EXPECT_EQ(Engine(ctx, {"INT31"}).rule_count(), 1u);  // a rule needing nothing runs
  ctx.reference = &Places();                           // postcodes only
  EXPECT_EQ(Engine(ctx, {"169"}).rule_count(), 1u);
  EXPECT_EQ(Engine(ctx, {"1008"}).rule_count(), 0u);

  auto not_run = RulesNotRun("ssda903", 2025, nullptr);
  std::set<std::string> codes;
  for (const auto& r : not_run) codes.insert(r.code + " " + r.option);
  const std::set<std::string> want = {"164 --postcodes",  "169 --postcodes",  "179 --postcodes",  "218 --postcodes",
                                      "392a --postcodes", "392c --postcodes", "406 --postcodes",  "411 --postcodes",
                                      "420 --postcodes",  "452 --postcodes",  "453 --postcodes",  "503G --postcodes",
                                      "503H --postcodes", "503J --postcodes", "1015 --postcodes", "219 --providers",
                                      "221 --providers",  "224 --providers",  "227 --providers",  "228 --providers",
                                      "229 --providers",  "1008 --providers"};
  EXPECT_EQ(codes, want);  // 2024-25: no 230 (2023-24 only), no 454 (from 2025-26)
  codes.clear();
  for (const auto& r : RulesNotRun("ssda903", 2024, &Places())) codes.insert(r.code);
  EXPECT_EQ(codes, (std::set<std::string>{"219", "221", "224", "227", "228", "229", "1008"}));
  EXPECT_TRUE(RulesNotRun("ssda903", 2027, &Register()).empty());
  EXPECT_TRUE(RulesNotRun("cin", 2025, nullptr).empty());
}

}  // namespace
}  // namespace carestat::validation
