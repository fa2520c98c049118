#include "services/metrics/reference/postcodes.h"

#include <cmath>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "reference/embedded.h"
#include "services/common/log.h"
#include "services/common/reference_csv.h"

namespace carestat {
namespace {

// "ig11 " -> "IG11": upper case without spaces.
std::string Normal(std::string_view district) {
  std::string out;
  for (char c : district) {
    if (c != ' ') out.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

bool IsDistrict(const std::string& d) {
  // An outward code: 2 to 4 letters and digits, starting with a letter.
  if (d.size() < 2 || d.size() > 4 || !absl::ascii_isalpha(static_cast<unsigned char>(d[0]))) return false;
  for (char c : d) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<PostcodeDistricts> PostcodeDistricts::Parse(const std::string& csv) {
  auto t = ReadReferenceCsv(csv, {"district", "latitude", "longitude", "source"}, "postcode districts");
  if (!t.ok()) return t.status();
  PostcodeDistricts out;
  for (const auto& row : t->rows) {
    const std::string district = Normal(t->Get(row, "district"));
    Where w;
    if (!IsDistrict(district) || !absl::SimpleAtod(t->Get(row, "latitude"), &w.lat) ||
        !absl::SimpleAtod(t->Get(row, "longitude"), &w.lon) || w.lat < -90 || w.lat > 90 || w.lon < -180 ||
        w.lon > 180 || t->Get(row, "source").empty()) {
      return absl::InvalidArgumentError(absl::StrCat("postcode districts line ", row.line,
                                                     ": expected a district (IG11), a latitude, a longitude and a source"));
    }
    w.source = t->Get(row, "source");
    out.where_[district] = std::move(w);
  }
  return out;
}

const PostcodeDistricts& PostcodeDistricts::Shipped() {
  return ShippedTable<PostcodeDistricts>(kEmbedded_postcode_districts, "postcode district");
}

void PostcodeDistricts::Merge(const PostcodeDistricts& other) {
  for (const auto& [d, w] : other.where_) where_[d] = w;
}

const PostcodeDistricts::Where* PostcodeDistricts::Find(std::string_view district) const {
  auto it = where_.find(Normal(district));
  return it == where_.end() ? nullptr : &it->second;
}

std::optional<double> PostcodeDistricts::Miles(std::string_view a, std::string_view b) const {
  const Where* x = Find(a);
  const Where* y = Find(b);
  if (x == nullptr || y == nullptr) return std::nullopt;
  // Haversine on a sphere of the Earth's mean radius.
  constexpr double kRadiusMiles = 3958.76;
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  const double dlat = (y->lat - x->lat) * kRad, dlon = (y->lon - x->lon) * kRad;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(x->lat * kRad) * std::cos(y->lat * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kRadiusMiles * std::asin(std::min(1.0, std::sqrt(h)));
}

std::string PostcodeDistricts::Source(std::string_view district) const {
  const Where* w = Find(district);
  return w == nullptr ? "" : w->source;
}

}  // namespace carestat
