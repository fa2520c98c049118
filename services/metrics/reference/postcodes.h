// File: postcodes.h
// Where UK postcode districts are (reference/postcode_districts.csv: the mean position
// of each district's postcodes), to measure a looked-after child's placement distance
// when a return gives only the home and placement districts.
//   const PostcodeDistricts& d = PostcodeDistricts::Shipped();
//   std::optional<double> miles = d.Miles("IG11", "RM6");   // about 3.3
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace carestat {

class PostcodeDistricts {
 public:
  // Reads "district,latitude,longitude,source" CSV ('#' lines are comments). A row
  // whose district or position does not parse is an error naming its line.
  static absl::StatusOr<PostcodeDistricts> Parse(const std::string& csv);
  // The shipped table (reference/postcode_districts.csv).
  static const PostcodeDistricts& Shipped();
  // Rows of `other` replace rows of this table with the same district.
  void Merge(const PostcodeDistricts& other);

  // Great-circle miles between the two districts' positions (spaces and case
  // ignored: "ig11" is IG11); nullopt when either is not in the table.
  std::optional<double> Miles(std::string_view a, std::string_view b) const;
  // The source of a district's row ("" when it has none).
  std::string Source(std::string_view district) const;
  size_t size() const { return where_.size(); }

 private:
  struct Where {
    double lat = 0, lon = 0;
    std::string source;
  };
  const Where* Find(std::string_view district) const;
  absl::flat_hash_map<std::string, Where> where_;
};

}  // namespace carestat
