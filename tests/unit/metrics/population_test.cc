#include "services/metrics/reference/population.h"

#include <gtest/gtest.h>

namespace carestat {
namespace {

TEST(PopulationTest, ShippedTableHasSourcedFiguresForLa301) {
  const Populations& p = Populations::Shipped();
  ASSERT_TRUE(p.Get("301", 2015).has_value());
  EXPECT_EQ(*p.Get("301", 2015), 60882);  // ONS mid-2015, as DfE publishes it
  EXPECT_NE(p.Source("301", 2015).find("ONS"), std::string::npos);
  // Mid-2010: the estimate DfE divided by in its 2010-11 children in need release.
  ASSERT_TRUE(p.Get("301", 2010).has_value());
  EXPECT_EQ(*p.Get("301", 2010), 49526);
  EXPECT_NE(p.Source("301", 2010).find("osr26-2011ud.csv"), std::string::npos);
  EXPECT_FALSE(p.Get("301", 2008).has_value());  // not sourced: no figure
  EXPECT_FALSE(p.Get("LON", 2010).has_value());   // no regional row in DfE's 2010-11 file
  EXPECT_TRUE(p.Get("ENG", 2015).has_value());
  EXPECT_TRUE(p.Get("LON", 2015).has_value());
}

TEST(PopulationTest, MalformedRowsNameTheirLine) {
  auto bad = Populations::Parse("# comment, with \"quotes\"\nentity,mid_year,age_band,population,source\n"
                                "301,2015,0-17,-5,x\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 3"), std::string::npos) << bad.status();
  EXPECT_FALSE(Populations::Parse("la,year\n301,2015\n").ok());
  auto nosource = Populations::Parse("entity,mid_year,age_band,population,source\n301,2015,0-17,5,\n");
  EXPECT_FALSE(nosource.ok());
}

}  // namespace
}  // namespace carestat
