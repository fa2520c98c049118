// File: reference_data.h
// The reference data some SSDA903 rules need and a return does not hold: where a
// postcode is (the ONS postcode lookup, for DfE's derived PL_LA, PL_LOCATION and
// PL_DISTANCE) and Ofsted's register of children's homes and social care providers (a
// URN's placement and provider codes, registration end, postcode and LA).
//   ReferenceData ref;
//   if (auto s = ref.LoadPostcodes("NSPL_MAY_2025_UK.csv"); !s.ok()) ...  // carestat validate --postcodes
//   if (auto s = ref.LoadProviders("childrens_homes.xlsx"); !s.ok()) ...  // --providers (each file)
//   ctx.reference = &ref;                                                // the rules read it
// A rule that needs data not loaded does not run (RuleDef::needs, CanRun), and validate
// names the rules not run (RulesNotRun) so that silence never reads as "checked".
//
// Postcodes are kept at the two grains an SSDA903 HOME_POST or PL_POST may come in: each
// full postcode (packed: its grid reference and district, 16 bytes, about 45 MB for the
// UK's 2.7 million) and each sector ("AB1 2": the outward code and the first digit of the
// inward code), which keeps the mean OS grid easting and northing of its postcodes (live
// ones when it has any) and the ONS district most of them lie in (about 12,000). A full
// postcode in a return is looked up as itself (one the lookup lacks is invalid, 392c),
// a sector as a sector. The lookup is read streaming.
// DfE's distance is the straight line between the two grid points in miles,
// sqrt(dE^2 + dN^2) / 1000 / 1.6093, to one decimal.
//
// PL_LA is DfE's three-digit code of the LA the placement sector lies in (through
// reference/la_codes.csv: an ONS unitary, metropolitan or London district is its LA, a
// county's district its county), or WAL, SCO, NIR for Wales, Scotland and Northern
// Ireland; PL_LOCATION is IN when that is the return's LA, OUT otherwise.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/ingestion/validation/model.h"

namespace carestat::validation {

// The sector of a postcode ("AB1 2CD", "ab12cd", "AB1 2" -> "AB1 2"); "" when the text is
// neither a full postcode nor a sector. A sector without its space ("AB12") reads as
// outward code and sector digit ("AB1 2").
std::string PostcodeSector(std::string_view postcode);
// Upper case without spaces ("ab1 2cd" -> "AB12CD").
std::string PostcodeKey(std::string_view postcode);

// DfE's LA codes and the ONS codes of the same areas (reference/la_codes.csv).
class LaCodes {
 public:
  static absl::StatusOr<LaCodes> Parse(const std::string& csv);
  static const LaCodes& Shipped();

  // DfE's PL_LA for the ONS district (or LA) code an ONS postcode lookup gives: the
  // DfE code of the LA the district lies in now, WAL / SCO / NIR for a Welsh, Scottish or
  // Northern Irish code, "" when unknown.
  std::string PlLaOfOns(std::string_view ons) const;
  // The DfE code of an English LA named as Ofsted's lists name it ("Bristol, City of",
  // "Herefordshire", "St Helens"; case, "&" for "and" and punctuation aside); "" unknown.
  std::string DfeCodeOfName(std::string_view name) const;
  // The ONS code of a current LA's DfE code ("" unknown).
  std::string OnsOfDfe(std::string_view la) const;
  size_t size() const { return by_ons_.size(); }

 private:
  std::unordered_map<std::string, std::string> by_ons_;     // ONS code -> DfE code
  std::unordered_map<std::string, std::string> by_name_;    // normalised name -> DfE code
  std::unordered_map<std::string, std::string> ons_of_la_;  // DfE code -> current ONS code
};

// Where one postcode or postcode sector is.
struct SectorPlace {
  double east = 0, north = 0;  // OS grid metres (a sector: the mean of its postcodes)
  bool has_grid = false;       // false when none of its postcodes has a grid reference
  std::string ons_district;    // its ONS district (a sector: the one most of its postcodes lie in)
  std::string pl_la;           // DfE's PL_LA for it ("" when the district is not known)
};

// One URN of Ofsted's lists.
struct Provider {
  std::string urn;
  std::set<std::string> place_codes;     // SSDA903 PLACE codes the setting may take (K2, ...)
  std::set<std::string> provider_codes;  // PLACE_PROVIDER codes (PR1 ... PR5)
  std::optional<int32_t> reg_end;        // closed / deregistered (days since 1970-01-01)
  std::string postcode;                  // PostcodeKey of the setting's postcode
  std::string la_name;                   // the LA the list names
  std::string la;                        // its DfE code ("" when the name is not known)
};

class ReferenceData {
 public:
  // The ONS postcode lookup as ONS publishes it (NSPL or ONSPD CSV): columns found by
  // header name (pcd, pcd2 or pcds; oseast1m; osnrth1m; laua, oslaua or ladNNcd; doterm
  // when present), read streaming. Errors name the file and what is missing.
  absl::Status LoadPostcodes(const std::string& path);
  absl::Status LoadPostcodesFrom(std::istream& in, const std::string& name);
  // One of Ofsted's provider lists (children's homes; social care providers), XLSX or
  // CSV with the same headings: every sheet whose heading row (one of its first rows)
  // has URN and at least one of the fields below. Sheets of one URN (a settings sheet
  // and an address sheet) fill one provider. Headings, case aside: URN; Local
  // Authority / Provider Local Authority; Provider Placement Code / Placement code;
  // Provider Code / Placement provider code; Closed Date / Deregistration date; Setting
  // Postcode / Setting Address Postcode / Setting postcode.
  absl::Status LoadProviders(const std::string& path);
  absl::Status LoadProvidersCsv(std::istream& in, const std::string& name);

  // For tests and for loaders.
  void AddSector(const std::string& sector, SectorPlace place);
  // A full postcode ("AB1 2CD"), its grid reference and ONS district (pl_la is derived).
  void AddPostcode(std::string_view postcode, double east, double north, bool has_grid, const std::string& ons);
  void AddProvider(Provider p);  // merged with an earlier one of the same URN
  void MarkPostcodesLoaded() { postcodes_loaded_ = true; }
  void MarkProvidersLoaded() { providers_loaded_ = true; }

  bool has_postcodes() const { return postcodes_loaded_; }
  bool has_providers() const { return providers_loaded_; }
  size_t sectors() const { return sectors_.size(); }
  size_t postcodes() const { return full_.size(); }
  size_t providers() const { return providers_.size(); }

  // Where a postcode is, as a return writes it: a full postcode as itself, a sector as
  // the sector; nullopt when the text is neither or the lookup does not have it.
  std::optional<SectorPlace> Locate(std::string_view postcode) const;
  const Provider* FindProvider(std::string_view urn) const;
  // DfE's distance between two places in miles, to one decimal; nullopt without grid.
  static std::optional<double> Miles(const SectorPlace& a, const SectorPlace& b);

 private:
  // One full postcode: (packed postcode << 16 | district index), grid metres (-1: none).
  struct Full {
    uint64_t key;
    int32_t east, north;
  };
  uint16_t DistrictIndex(const std::string& ons);
  bool postcodes_loaded_ = false, providers_loaded_ = false;
  std::vector<Full> full_;                   // sorted by key
  std::vector<std::string> districts_;       // index -> ONS code
  std::vector<std::string> district_pl_la_;  // index -> DfE's PL_LA
  std::unordered_map<std::string, uint16_t> district_index_;
  std::unordered_map<std::string, SectorPlace> sectors_;
  std::unordered_map<std::string, Provider> providers_;
};

// What a rule needs beyond the return (RuleDef::needs).
inline constexpr uint8_t kNeedsPostcodes = 1;
inline constexpr uint8_t kNeedsProviders = 2;

// Whether the rule can run with `ref` (a rule needing nothing always can).
bool CanRun(const RuleDef& rule, const ReferenceData* ref);

// The rules of `dataset` in `year` that `ref` leaves unrun, with the option that would
// run each ("--postcodes", "--providers"; both, ", " between, when it needs both).
struct NotRun {
  std::string code;
  std::string option;
};
std::vector<NotRun> RulesNotRun(std::string_view dataset, int year, const ReferenceData* ref);

}  // namespace carestat::validation
